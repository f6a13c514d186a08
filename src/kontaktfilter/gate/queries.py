"""The figures of one sender and one pair, read from the gate's tables at check time: a few
indexed queries (sender and time, pair, member), so a check costs about the same in a small
network and a large one.

An invitation check reads the sender's window and the pair's history in one statement (one
round trip), and the statements are built once per dialect with bound parameters: building a
Core expression of some forty parts costs more CPU than PostgreSQL needs to run it, and a
statement of fixed text is prepared by psycopg after a few uses, so its plan is made once per
connection. Short aliases keep the statement under the 4 kB up to which psycopg caches its
parsing of a statement's text (a longer one is parsed again on every execution, 0.5 ms). On
PostgreSQL the service's checks run the statements' compiled text on psycopg connections of
their own (check_connections.py), without SQLAlchemy in the way."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    DateTime,
    Select,
    String,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    union,
)
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.engine import Compiled, Row

from kontaktfilter.gate import tables as t
from kontaktfilter.gate.activity import Complaint, PairFacts, SenderActivity
from kontaktfilter.gate.policies import DEFAULT_PRIVACY, GatePolicy

if TYPE_CHECKING:
    import psycopg

    Reader = Connection | psycopg.Connection
    """Where the checks read: SQLAlchemy's connection, or psycopg's (check_connections.py)."""

inv = t.invitations.c
SENDER = bindparam("sender", type_=String)
RECIPIENT = bindparam("recipient", type_=String)
NOW = bindparam("now", type_=DateTime)
START = bindparam("start", type_=DateTime)
"""The window's start: `now - window_days`."""
WEEK = bindparam("week", type_=DateTime)
HOLD = bindparam("hold", type_=DateTime)
"""`now - min_days_before_withdrawal`: an invitation sent after it keeps its slot if withdrawn."""
HOLD_DAYS = bindparam("hold_days")
"""Bound untyped, as the policy's number was before: compared with a day count as it is."""
REPLY_SINCE = bindparam("reply_since", type_=DateTime)
BURST_DAYS = bindparam("burst_days")


def _count(condition) -> object:
    """Rows where `condition` holds: `count(*) FILTER (WHERE ...)` keeps the statement short
    (psycopg caches the parsing of a statement only up to 4 kB; longer ones are parsed again
    on every execution)."""
    return func.count().filter(condition)


def _days(dialect: str, later, earlier) -> object:
    """The days between two timestamps, in PostgreSQL and in SQLite (which stores text)."""
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def _params(sender: str, recipient: str, now: datetime, policy: GatePolicy) -> dict[str, Any]:
    return {
        "sender": sender,
        "recipient": recipient,
        "now": now,
        "start": now - timedelta(days=policy.window_days),
        "week": now - timedelta(days=7),
        "hold": now - timedelta(days=policy.min_days_before_withdrawal),
        "hold_days": policy.min_days_before_withdrawal,
        "reply_since": now - timedelta(days=policy.reply_window_days),
        "burst_days": policy.burst_hours / 24,
    }


def _rows(conn: Reader, statement: Select, params: dict[str, Any]) -> list[Any]:
    """The statement's rows, each with its columns as attributes, from an SQLAlchemy
    connection or from a psycopg one (check_connections.py): there the statement's text and
    its constants are compiled once, as SQLAlchemy would send them, and the check's figures
    added, so no part of SQLAlchemy runs per check."""
    if isinstance(conn, Connection):
        return conn.execute(statement, params).all()
    text, constants = _compiled(statement)
    return conn.execute(text, constants | params).fetchall()


@cache
def _compiled(statement: Select) -> tuple[str, dict[str, Any]]:
    """The PostgreSQL text of a statement and the values of the literals SQLAlchemy binds in
    it (its state names and the like): the parameters `_params` does not give."""
    compiled: Compiled = statement.compile(dialect=PGDialect_psycopg())
    assert not compiled._bind_processors, "a bound value would need converting"
    names = _params("", "", datetime(2000, 1, 1), GatePolicy())
    values = compiled.construct_params(names)
    return compiled.string, {k: v for k, v in values.items() if k not in names}


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
    reported = exists().where(
        t.reports.c.reported == SENDER, t.reports.c.at > START, t.reports.c.at <= NOW
    )
    fast = _days(dialect, w.closed_at, w.sent_at) < HOLD_DAYS
    return [
        func.count().label("sent"),
        _count(w.sent_at > WEEK).label("sent_week"),
        _count(w.state == "accepted").label("accepted"),
        _count(w.state == "declined").label("declined"),
        _count(w.state == "withdrawn").label("withdrawn"),
        _count(and_(w.state == "withdrawn", fast)).label("withdrawn_fast"),
        _count(w.has_note).label("notes"),
        _count(and_(w.has_note, w.in_template)).label("template_notes"),
        _count(w.reinvite).label("reinvites"),
        pending.label("pending"),
        contacts.label("contacts"),
        created.label("created"),
        reported.label("has_reports"),
        _mutual_in_group(dialect).label("mutual_in_group"),
    ]


def _pair_columns() -> list:
    """The pair's history; its invitations under an alias of their own, so that no subquery
    is ever correlated with the sender's window."""
    links, via = t.connections.alias("c").c, t.connections.alias("via")
    pair = t.invitations.alias("pair")
    shared = exists().where(
        links.member == SENDER, via.c.member == links.contact, via.c.contact == RECIPIENT
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
    params = _params(sender, "", now, policy)
    (row,) = _rows(conn, _statement(_dialect(conn), True, False), params)
    return _activity(conn, row, params)


def pair_facts(
    conn: Reader, sender: str, recipient: str, now: datetime, policy: GatePolicy
) -> PairFacts:
    params = _params(sender, recipient, now, policy)
    (row,) = _rows(conn, _statement(_dialect(conn), False, True), params)
    return _pair(row)


def invitation_facts(
    conn: Reader, sender: str, recipient: str, now: datetime, policy: GatePolicy
) -> tuple[SenderActivity, PairFacts]:
    """What an invitation check reads, in one statement (and one more for a sender with
    declines or reports: the complainers' standing)."""
    params = _params(sender, recipient, now, policy)
    (row,) = _rows(conn, _statement(_dialect(conn), True, True), params)
    return _activity(conn, row, params), _pair(row)


def _dialect(conn: Reader) -> str:
    """An SQLAlchemy connection's dialect; a psycopg connection is PostgreSQL's."""
    return conn.dialect.name if isinstance(conn, Connection) else "postgresql"


def _activity(conn: Reader, row: Row, params: dict[str, Any]) -> SenderActivity:
    declined = int(row.declined)
    return SenderActivity(
        now=params["now"],
        sent_window=row.sent,
        sent_week=int(row.sent_week),
        pending=row.pending,
        accepted=int(row.accepted),
        declined=declined,
        withdrawn=int(row.withdrawn),
        withdrawn_fast=int(row.withdrawn_fast),
        notes=int(row.notes),
        template_notes=int(row.template_notes),
        reinvites=int(row.reinvites),
        mutual_in_group=row.mutual_in_group,
        contacts=row.contacts,
        created=_date(row.created),
        # One more round trip only for senders who have complaints at all.
        complaints=_complaints(conn, params) if declined or row.has_reports else (),
    )


def _pair(row: Row) -> PairFacts:
    return PairFacts(
        privacy=row.privacy or DEFAULT_PRIVACY,
        connected=bool(row.connected),
        shared_contact=bool(row.shared),
        recipient_messaged_sender=bool(row.wrote),
        recipient_reported_sender=bool(row.recipient_reported),
        pending_to_recipient=bool(row.pending_to_recipient),
        last_closed_at=_moment(row.closed),
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


def _mutual_in_group(dialect: str) -> Any:
    """Distinct co-members of a shared group invited within the burst of their invitation
    back. Its own aliases throughout: nothing in it is correlated with the window."""
    mine, back = t.invitations.alias("burst"), t.invitations.alias("back")
    own, theirs = t.memberships.alias("own"), t.memberships.alias("theirs")
    return (
        select(func.count(func.distinct(mine.c.recipient)))
        .select_from(mine)
        .join(back, and_(back.c.sender == mine.c.recipient, back.c.recipient == mine.c.sender))
        .join(own, own.c.member == mine.c.sender)
        .join(
            theirs, and_(theirs.c.member == mine.c.recipient, theirs.c.group_id == own.c.group_id)
        )
        .where(
            mine.c.sender == SENDER,
            mine.c.sent_at > START,
            mine.c.sent_at <= NOW,
            back.c.sent_at > START,
            back.c.sent_at <= NOW,
            func.abs(_days(dialect, back.c.sent_at, mine.c.sent_at)) <= BURST_DAYS,
        )
        .scalar_subquery()
    )


@cache
def _complaints_statement() -> Select:
    """One row per decliner or reporter in the window: whether they reported, whether the
    sender approached them, their own answered invitations and their account's creation."""
    reports = t.reports.c
    decliners = select(inv.recipient.label("person")).where(
        inv.sender == SENDER, inv.state == "declined", inv.sent_at > START, inv.sent_at <= NOW
    )
    reporters = select(reports.reporter.label("person")).where(
        reports.reported == SENDER, reports.at > START, reports.at <= NOW
    )
    people = union(decliners, reporters).cte("people")
    person = people.c.person
    report = t.reports.alias("report")
    invited, own = t.invitations.alias("invited"), t.invitations.alias("own")
    own_window = (own.c.sender == person, own.c.sent_at > START, own.c.sent_at <= NOW)
    return select(
        person,
        exists()
        .where(
            report.c.reported == SENDER,
            report.c.reporter == person,
            report.c.at > START,
            report.c.at <= NOW,
        )
        .label("reported"),
        or_(
            exists().where(
                invited.c.sender == SENDER,
                invited.c.recipient == person,
                invited.c.sent_at > START,
                invited.c.sent_at <= NOW,
            ),
            exists().where(
                t.messages.c.sender == SENDER,
                t.messages.c.recipient == person,
                t.messages.c.last_at > START,
            ),
        ).label("had_contact"),
        select(_count(own.c.state == "accepted"))
        .where(*own_window)
        .scalar_subquery()
        .label("accepted"),
        select(_count(or_(own.c.state == "accepted", own.c.state == "declined")))
        .where(*own_window)
        .scalar_subquery()
        .label("answered"),
        select(t.profiles.c.created)
        .where(t.profiles.c.member == person)
        .scalar_subquery()
        .label("created"),
    )


def _complaints(conn: Reader, params: dict[str, Any]) -> tuple[Complaint, ...]:
    """Decliners and reporters in the window, each once (a report outranks a decline)."""
    rows = sorted(_rows(conn, _complaints_statement(), params), key=lambda row: row.person)
    return tuple(
        Complaint(
            kind="report" if row.reported else "decline",
            reporter_created=_date(row.created),
            reporter_accepted=int(row.accepted),
            reporter_answered=int(row.answered),
            had_contact=bool(row.had_contact),
        )
        for row in rows
    )
