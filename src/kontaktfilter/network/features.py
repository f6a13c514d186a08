"""Per-sender features over a network's whole history of events: the behaviour seed 001 names
(requests withdrawn within days, many requests few acceptances, bursts, young profiles) as plain
numbers the gate and the screeners can read. Every name is documented in docs/sweep-network.md.

An invitation's events (sent, withdrawn, accepted, declined, reported) carry the invitation's
sender and recipient, whoever acted; the other events carry the person who acted as sender."""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

MIN_DAYS_BEFORE_WITHDRAWAL = 7
"""Seed 001: collectors withdraw unanswered requests within days; the engine's
`withdrawn_within_7_days` history counts the same."""
COUNTED = {
    "invitations_sent": "invitation_sent",
    "invitations_withdrawn": "invitation_withdrawn",
    "invitations_accepted": "invitation_accepted",
    "invitations_declined": "invitation_declined",
    "invitations_reported": "invitation_reported",
    "messages_sent": "message_sent",
    "profile_updates": "profile_updated",
    "groups_joined": "group_joined",
}


def _count(event_type: str) -> F.Column:
    return F.sum(F.when(F.col("type") == event_type, 1).otherwise(0))


def _ratio(part: str, whole: str) -> F.Column:
    return F.when(F.col(whole) > 0, F.col(part) / F.col(whole))


def _invitation_outcomes(events: DataFrame) -> DataFrame:
    """Per sender: withdrawals soon after the invitation they withdraw, and invitations still
    waiting for an answer at the end of the history."""
    invitations = events.where(F.col("type").startswith("invitation_"))
    pair = Window.partitionBy("sender", "recipient").orderBy("time", "event_id")
    sent_at = F.last(F.when(F.col("type") == "invitation_sent", F.col("time")), True).over(pair)
    latest = Window.partitionBy("sender", "recipient").orderBy(F.desc("time"), F.desc("event_id"))
    marked = invitations.select(
        "sender",
        "type",
        (F.unix_timestamp("time") - F.unix_timestamp(sent_at)).alias("after"),
        F.row_number().over(latest).alias("recency"),
    )
    limit = MIN_DAYS_BEFORE_WITHDRAWAL * 86_400
    return marked.groupBy("sender").agg(
        F.sum(
            F.when(
                (F.col("type") == "invitation_withdrawn") & (F.col("after") <= limit), 1
            ).otherwise(0)
        ).alias("withdrawn_within_7_days"),
        F.sum(
            F.when((F.col("recency") == 1) & (F.col("type") == "invitation_sent"), 1).otherwise(0)
        ).alias("invitations_pending"),
    )


def _daily_peak(events: DataFrame) -> DataFrame:
    sent = events.where(F.col("type") == "invitation_sent")
    per_day = sent.groupBy("sender", F.to_date("time").alias("day")).count()
    return per_day.groupBy("sender").agg(
        F.max("count").alias("max_invitations_per_day"),
        F.count("*").alias("active_days"),
    )


def sender_features(events: DataFrame) -> DataFrame:
    """One row per sender with every feature; rates are null when nothing was sent."""
    usable = events.where(F.col("error").isNull())
    counts = usable.groupBy("sender").agg(
        *[_count(event_type).alias(name) for name, event_type in COUNTED.items()],
        F.countDistinct(F.when(F.col("type") == "invitation_sent", F.col("recipient"))).alias(
            "distinct_recipients"
        ),
        F.min(F.when(F.col("type") == "profile_created", F.col("time"))).alias(
            "profile_created_at"
        ),
        F.min("time").alias("first_event_at"),
        F.max("time").alias("last_event_at"),
    )
    joined = (
        counts.join(_invitation_outcomes(usable), "sender", "left")
        .join(_daily_peak(usable), "sender", "left")
        .fillna(0, ["withdrawn_within_7_days", "invitations_pending"])
        .fillna(0, ["max_invitations_per_day", "active_days"])
    )
    age = F.datediff("last_event_at", "profile_created_at")
    return joined.select(
        "sender",
        *COUNTED,
        "distinct_recipients",
        "withdrawn_within_7_days",
        "invitations_pending",
        "max_invitations_per_day",
        "active_days",
        _ratio("invitations_accepted", "invitations_sent").alias("acceptance_rate"),
        _ratio("invitations_declined", "invitations_sent").alias("decline_rate"),
        _ratio("invitations_reported", "invitations_sent").alias("report_rate"),
        _ratio("withdrawn_within_7_days", "invitations_sent").alias("fast_withdrawal_rate"),
        "profile_created_at",
        age.alias("profile_age_days"),
        "first_event_at",
        "last_event_at",
    )


def request_features(
    prepared: DataFrame, assignments: DataFrame, summary: DataFrame, min_senders: int
) -> DataFrame:
    """Per sender, from the requests: how many they sent, how many of those into a template of
    `min_senders` or more senders, and into how many such templates."""
    sent = (
        prepared.where(F.col("error").isNull())
        .groupBy("sender")
        .agg(F.count("*").alias("requests"))
    )
    big = summary.where(F.col("senders") >= min_senders).select("cluster")
    templated = (
        assignments.join(big, "cluster")
        .groupBy("sender")
        .agg(
            F.count("*").alias("template_requests"),
            F.countDistinct("cluster").alias("templates_used"),
        )
    )
    return sent.join(templated, "sender", "left").fillna(0, ["template_requests", "templates_used"])
