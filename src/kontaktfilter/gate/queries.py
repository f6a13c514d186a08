"""The figures of one sender and one pair, read from the gate's tables at check time: a few
indexed queries (sender and time, pair, member), so a check costs about the same in a small
network and a large one."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Connection, and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from kontaktfilter.gate import tables as t
from kontaktfilter.gate.activity import Complaint, PairFacts, SenderActivity
from kontaktfilter.gate.policies import DEFAULT_PRIVACY, GatePolicy

inv = t.invitations.c


def _count(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _days(conn: Connection, later, earlier) -> object:
    """The days between two timestamps, in PostgreSQL and in SQLite (which stores text)."""
    if conn.dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def sender_activity(
    conn: Connection, sender: str, now: datetime, policy: GatePolicy
) -> SenderActivity:
    start = now - timedelta(days=policy.window_days)
    week = now - timedelta(days=7)
    hold = now - timedelta(days=policy.min_days_before_withdrawal)
    earlier = t.invitations.alias("earlier")
    reinvited = exists().where(
        earlier.c.sender == inv.sender,
        earlier.c.recipient == inv.recipient,
        earlier.c.sent_at < inv.sent_at,
        earlier.c.sent_at > start,
    )
    pending = (
        select(func.count())
        .where(
            inv.sender == sender,
            inv.sent_at <= now,
            or_(inv.state == "pending", and_(inv.state == "withdrawn", inv.sent_at > hold)),
        )
        .scalar_subquery()
    )
    profile = t.profiles.c
    contacts = select(profile.contacts).where(profile.member == sender).scalar_subquery()
    created = select(profile.created).where(profile.member == sender).scalar_subquery()
    reported = exists().where(
        t.reports.c.reported == sender, t.reports.c.at > start, t.reports.c.at <= now
    )
    grouped = exists().where(t.memberships.c.member == sender)
    window = conn.execute(
        select(
            func.count(),
            _count(inv.sent_at > week),
            _count(inv.state == "accepted"),
            _count(inv.state == "declined"),
            _count(inv.state == "withdrawn"),
            _count(
                and_(
                    inv.state == "withdrawn",
                    _days(conn, inv.closed_at, inv.sent_at) < policy.min_days_before_withdrawal,
                )
            ),
            _count(inv.has_note),
            _count(and_(inv.has_note, inv.in_template)),
            _count(reinvited),
            pending,
            contacts,
            created,
            reported,
            grouped,
        ).where(inv.sender == sender, inv.sent_at > start, inv.sent_at <= now)
    ).one()
    sent, declined, has_reports, in_groups = window[0], int(window[3]), window[12], window[13]
    return SenderActivity(
        now=now,
        sent_window=sent,
        sent_week=int(window[1]),
        pending=window[9],
        accepted=int(window[2]),
        declined=declined,
        withdrawn=int(window[4]),
        withdrawn_fast=int(window[5]),
        notes=int(window[6]),
        template_notes=int(window[7]),
        reinvites=int(window[8]),
        # Two more round trips only for senders who can have their figures at all.
        mutual_in_group=_mutual_in_group(conn, sender, now, policy) if sent and in_groups else 0,
        contacts=window[10],
        created=_date(window[11]),
        complaints=_complaints(conn, sender, start, now) if declined or has_reports else (),
    )


def _moment(value: object) -> datetime | None:
    """SQLite hands a scalar subquery's timestamp back as text."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value  # type: ignore[return-value]


def _date(value: object) -> date | None:
    """SQLite hands a scalar subquery's date back as text."""
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value  # type: ignore[return-value]


def _mutual_in_group(conn: Connection, sender: str, now: datetime, policy: GatePolicy) -> int:
    start = now - timedelta(days=policy.window_days)
    burst = policy.burst_hours / 24
    back = t.invitations.alias("back")
    mine, theirs = aliased(t.memberships), aliased(t.memberships)
    query = (
        select(func.count(func.distinct(inv.recipient)))
        .select_from(t.invitations)
        .join(back, and_(back.c.sender == inv.recipient, back.c.recipient == inv.sender))
        .join(mine, mine.c.member == inv.sender)
        .join(theirs, and_(theirs.c.member == inv.recipient, theirs.c.group_id == mine.c.group_id))
        .where(
            inv.sender == sender,
            inv.sent_at > start,
            inv.sent_at <= now,
            back.c.sent_at > start,
            back.c.sent_at <= now,
            func.abs(_days(conn, back.c.sent_at, inv.sent_at)) <= burst,
        )
    )
    return conn.execute(query).scalar_one()


def _complaints(
    conn: Connection, sender: str, start: datetime, now: datetime
) -> tuple[Complaint, ...]:
    """Decliners and reporters in the window, each once (a report outranks a decline)."""
    declined = conn.execute(
        select(inv.recipient).where(
            inv.sender == sender, inv.state == "declined", inv.sent_at > start, inv.sent_at <= now
        )
    ).scalars()
    kinds = dict.fromkeys(declined, "decline")
    reporters = conn.execute(
        select(t.reports.c.reporter).where(
            t.reports.c.reported == sender, t.reports.c.at > start, t.reports.c.at <= now
        )
    ).scalars()
    kinds.update(dict.fromkeys(reporters, "report"))
    if not kinds:
        return ()
    people = sorted(kinds)
    approached = set(
        conn.execute(
            select(inv.recipient).where(
                inv.sender == sender,
                inv.recipient.in_(people),
                inv.sent_at > start,
                inv.sent_at <= now,
            )
        ).scalars()
    )
    approached.update(
        conn.execute(
            select(t.messages.c.recipient).where(
                t.messages.c.sender == sender,
                t.messages.c.recipient.in_(people),
                t.messages.c.last_at > start,
            )
        ).scalars()
    )
    own = {
        row.sender: row
        for row in conn.execute(
            select(
                inv.sender,
                _count(inv.state == "accepted").label("accepted"),
                _count(inv.state.in_(("accepted", "declined"))).label("answered"),
            )
            .where(inv.sender.in_(people), inv.sent_at > start, inv.sent_at <= now)
            .group_by(inv.sender)
        )
    }
    created = {
        member: day
        for member, day in conn.execute(
            select(t.profiles.c.member, t.profiles.c.created).where(t.profiles.c.member.in_(people))
        )
    }
    return tuple(
        Complaint(
            kind=kinds[person],
            reporter_created=created.get(person),
            reporter_accepted=int(own[person].accepted) if person in own else 0,
            reporter_answered=int(own[person].answered) if person in own else 0,
            had_contact=person in approached,
        )
        for person in people
    )


def pair_facts(
    conn: Connection, sender: str, recipient: str, now: datetime, policy: GatePolicy
) -> PairFacts:
    links = t.connections.c
    via = aliased(t.connections)
    shared = exists().where(
        links.member == sender, via.c.member == links.contact, via.c.contact == recipient
    )
    connected = exists().where(links.member == sender, links.contact == recipient)
    wrote = exists().where(
        t.messages.c.sender == recipient,
        t.messages.c.recipient == sender,
        t.messages.c.last_at > now - timedelta(days=policy.reply_window_days),
    )
    reported = exists().where(t.reports.c.reporter == recipient, t.reports.c.reported == sender)
    pending = exists().where(
        inv.sender == sender, inv.recipient == recipient, inv.state == "pending"
    )
    privacy = select(t.profiles.c.privacy).where(t.profiles.c.member == recipient)
    closed = select(func.max(inv.closed_at)).where(
        inv.sender == sender,
        inv.recipient == recipient,
        inv.state.in_(("declined", "withdrawn")),
    )
    row = conn.execute(
        select(
            connected.label("connected"),
            shared.label("shared"),
            wrote.label("wrote"),
            reported.label("reported"),
            pending.label("pending"),
            privacy.scalar_subquery().label("privacy"),
            closed.scalar_subquery().label("closed"),
        )
    ).one()
    return PairFacts(
        privacy=row.privacy or DEFAULT_PRIVACY,
        connected=bool(row.connected),
        shared_contact=bool(row.shared),
        recipient_messaged_sender=bool(row.wrote),
        recipient_reported_sender=bool(row.reported),
        pending_to_recipient=bool(row.pending),
        last_closed_at=_moment(row.closed),
    )
