"""The figures of one sender and one pair, read from the gate's tables at check time: a few
indexed queries (sender and time, pair, member), so a check costs about the same in a small
network and a large one.

An invitation check reads the sender's window and the pair's history in one statement (one
round trip; statements.py builds and runs it), and the complainers' standing (complainers.py)
only when it can decide the check. Short aliases keep the statement under the 4 kB up to which
psycopg caches its parsing of a statement's text (a longer one is parsed again on every
execution, 0.5 ms)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.engine import Row

from kontaktfilter.gate import tables as t
from kontaktfilter.gate.activity import PairFacts, SenderActivity
from kontaktfilter.gate.complainers import complaints
from kontaktfilter.gate.policies import DEFAULT_PRIVACY, GatePolicy
from kontaktfilter.gate.reputation import may_decide
from kontaktfilter.gate.statements import (
    BURST_DAYS,
    HOLD,
    HOLD_DAYS,
    NOW,
    RECIPIENT,
    REPLY_SINCE,
    SENDER,
    START,
    WEEK,
    as_date,
    as_moment,
    check_params,
    count_where,
    days_between,
    dialect_of,
    rows,
)

if TYPE_CHECKING:
    from kontaktfilter.gate.statements import Reader

inv = t.invitations.c


def _window() -> Any:
    """The sender's invitations in the window, each marked when the same recipient had one
    earlier in the window (a re-invite). A window function reads the rows once; a correlated
    EXISTS per row read them once per row, which for a busy sender was most of a check."""
    first = func.min(inv.sent_at).over(partition_by=inv.recipient)
    return (
        select(
            inv.sent_at,
            inv.state,
            inv.closed_at,
            inv.has_note,
            inv.in_template,
            (inv.sent_at > first).label("reinvite"),
        )
        .where(inv.sender == SENDER, inv.sent_at > START, inv.sent_at <= NOW)
        .subquery("w")
    )


def _sender_columns(dialect: str, window: Any) -> list:
    """Counts over the sender's window and the sender's standing figures."""
    w = window.c
    mine = t.invitations.alias("mine")
    pending = (
        select(func.count())
        .where(
            mine.c.sender == SENDER,
            mine.c.sent_at <= NOW,
            or_(
                mine.c.state == "pending",
                and_(mine.c.state == "withdrawn", mine.c.sent_at > HOLD),
            ),
        )
        .scalar_subquery()
    )
    profile = t.profiles.alias("p").c
    contacts = select(profile.contacts).where(profile.member == SENDER).scalar_subquery()
    created = select(profile.created).where(profile.member == SENDER).scalar_subquery()
    reporters = (
        select(func.count())
        .where(t.reports.c.reported == SENDER, t.reports.c.at > START, t.reports.c.at <= NOW)
        .scalar_subquery()
    )
    fast = days_between(dialect, w.closed_at, w.sent_at) < HOLD_DAYS
    return [
        func.count().label("sent"),
        count_where(w.sent_at > WEEK).label("sent_week"),
        count_where(w.state == "accepted").label("accepted"),
        count_where(w.state == "declined").label("declined"),
        count_where(w.state == "withdrawn").label("withdrawn"),
        count_where(and_(w.state == "withdrawn", fast)).label("withdrawn_fast"),
        count_where(w.has_note).label("notes"),
        count_where(and_(w.has_note, w.in_template)).label("template_notes"),
        count_where(w.reinvite).label("reinvites"),
        pending.label("pending"),
        contacts.label("contacts"),
        created.label("created"),
        reporters.label("reporters"),
        _mutual_in_group(dialect).label("mutual_in_group"),
    ]


def _pair_columns() -> list:
    """The pair's history; its invitations under an alias of their own, so that no subquery
    is ever correlated with the sender's window."""
    links, theirs = t.connections.alias("c").c, t.connections.alias("via").c
    pair = t.invitations.alias("pair")
    # Connections are stored both ways (tables.py), so the recipient's contacts are one index
    # range of the primary key too: no plan has to look a contact column up without an index.
    shared = exists().where(
        links.member == SENDER, theirs.member == RECIPIENT, theirs.contact == links.contact
    )
    connected = exists().where(links.member == SENDER, links.contact == RECIPIENT)
    wrote = exists().where(
        t.messages.c.sender == RECIPIENT,
        t.messages.c.recipient == SENDER,
        t.messages.c.last_at > REPLY_SINCE,
    )
    reported = exists().where(t.reports.c.reporter == RECIPIENT, t.reports.c.reported == SENDER)
    pending = exists().where(
        pair.c.sender == SENDER, pair.c.recipient == RECIPIENT, pair.c.state == "pending"
    )
    profile = t.profiles.alias("p").c
    privacy = select(profile.privacy).where(profile.member == RECIPIENT)
    closed = select(func.max(pair.c.closed_at)).where(
        pair.c.sender == SENDER,
        pair.c.recipient == RECIPIENT,
        or_(pair.c.state == "declined", pair.c.state == "withdrawn"),
    )
    return [
        connected.label("connected"),
        shared.label("shared"),
        wrote.label("wrote"),
        reported.label("recipient_reported"),
        pending.label("pending_to_recipient"),
        privacy.scalar_subquery().label("privacy"),
        closed.scalar_subquery().label("closed"),
    ]


@cache
def _statement(dialect: str, sender: bool, pair: bool) -> Select:
    """The sender's figures, the pair's, or both in one round trip."""
    if not sender:
        return select(*_pair_columns())
    window = _window()
    columns = _sender_columns(dialect, window) + (_pair_columns() if pair else [])
    return select(*columns).select_from(window)


def sender_activity(conn: Reader, sender: str, now: datetime, policy: GatePolicy) -> SenderActivity:
    """Every figure of the sender, the complainers always among them."""
    params = check_params(sender, "", now, policy)
    (row,) = rows(conn, _statement(dialect_of(conn), True, False), params)
    return _activity(conn, row, params, policy, every_complaint=True)


def pair_facts(
    conn: Reader, sender: str, recipient: str, now: datetime, policy: GatePolicy
) -> PairFacts:
    params = check_params(sender, recipient, now, policy)
    (row,) = rows(conn, _statement(dialect_of(conn), False, True), params)
    return _pair(row)


def invitation_facts(
    conn: Reader, sender: str, recipient: str, now: datetime, policy: GatePolicy
) -> tuple[SenderActivity, PairFacts]:
    """What an invitation check reads, in one statement, and one more for a sender whose
    complaints could reach the reputation's thresholds (`reputation.may_decide`): below them
    the complainers' standing decides nothing, so their list is left empty."""
    params = check_params(sender, recipient, now, policy)
    (row,) = rows(conn, _statement(dialect_of(conn), True, True), params)
    return _activity(conn, row, params, policy, every_complaint=False), _pair(row)


def _activity(
    conn: Reader, row: Row, params: dict[str, Any], policy: GatePolicy, every_complaint: bool
) -> SenderActivity:
    declined, accepted, reporters = int(row.declined), int(row.accepted), int(row.reporters)
    if every_complaint:
        read = bool(declined or reporters)
    else:
        read = may_decide(reporters, declined, accepted, policy)
    return SenderActivity(
        now=params["now"],
        sent_window=row.sent,
        sent_week=int(row.sent_week),
        pending=row.pending,
        accepted=accepted,
        declined=declined,
        withdrawn=int(row.withdrawn),
        withdrawn_fast=int(row.withdrawn_fast),
        notes=int(row.notes),
        template_notes=int(row.template_notes),
        reinvites=int(row.reinvites),
        mutual_in_group=row.mutual_in_group,
        contacts=row.contacts,
        created=as_date(row.created),
        complaints=complaints(conn, params) if read else (),
    )


def _pair(row: Row) -> PairFacts:
    return PairFacts(
        privacy=row.privacy or DEFAULT_PRIVACY,
        connected=bool(row.connected),
        shared_contact=bool(row.shared),
        recipient_messaged_sender=bool(row.wrote),
        recipient_reported_sender=bool(row.recipient_reported),
        pending_to_recipient=bool(row.pending_to_recipient),
        last_closed_at=as_moment(row.closed),
    )


def _mutual_in_group(dialect: str) -> Any:
    """Distinct co-members of a shared group invited within the burst of their invitation
    back. Read from the invitations the sender received in the window (a busy sender sends
    hundreds and receives a few), each one's burst and groups looked up by index; the join
    before started from the invitations sent, so its cost grew with them. Its own aliases
    throughout: nothing in it is correlated with the window."""
    back, mine = t.invitations.alias("back"), t.invitations.alias("burst")
    own, theirs = t.memberships.alias("own"), t.memberships.alias("theirs")
    # Counts, not EXISTS: PostgreSQL runs a scalar subquery once per invitation received, by
    # the pair's index and the memberships' primary key, where it may turn an EXISTS into a
    # join that starts from all the sender's invitations, every co-member of the sender's
    # groups (without statistics) or every membership (with them), all of which grow.
    burst = (
        select(func.count())
        .where(
            mine.c.recipient == back.c.sender,
            mine.c.sender == SENDER,
            mine.c.sent_at > START,
            mine.c.sent_at <= NOW,
            func.abs(days_between(dialect, back.c.sent_at, mine.c.sent_at)) <= BURST_DAYS,
        )
        .scalar_subquery()
    )
    shared_groups = (
        select(func.count())
        .where(
            theirs.c.member == back.c.sender,
            own.c.member == SENDER,
            own.c.group_id == theirs.c.group_id,
        )
        .scalar_subquery()
    )
    return (
        select(func.count(func.distinct(back.c.sender)))
        .where(
            back.c.recipient == SENDER,
            back.c.sent_at > START,
            back.c.sent_at <= NOW,
            burst > 0,
            shared_groups > 0,
        )
        .scalar_subquery()
    )
