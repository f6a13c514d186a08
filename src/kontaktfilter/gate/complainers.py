"""The sender's complainers at check time, in SQL: each decliner and reporter of the window once,
with what their standing is made of (reputation.py weighs them).

One statement: the complainers are gathered first (a report outranks a decline), then on
PostgreSQL each one's own invitations of the window are read once, by one index range per
complainer, for both their acceptances and their answers (a collector has some hundred
complainers; the statement before read each range twice)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, exists, func, literal, or_, select, true, union_all

from kontaktfilter.gate import tables as t
from kontaktfilter.gate.activity import Complaint
from kontaktfilter.gate.statements import (
    NOW,
    SENDER,
    START,
    as_date,
    count_where,
    dialect_of,
    rows,
)

if TYPE_CHECKING:
    from kontaktfilter.gate.statements import Reader

inv = t.invitations.c


@cache
def _statement(dialect: str) -> Select:
    """One row per decliner or reporter in the window: whether they reported, whether the
    sender approached them, their own answered invitations and their account's creation."""
    reports = t.reports.c
    decliners = select(inv.recipient.label("person"), literal(0).label("report")).where(
        inv.sender == SENDER, inv.state == "declined", inv.sent_at > START, inv.sent_at <= NOW
    )
    reporters = select(reports.reporter.label("person"), literal(1).label("report")).where(
        reports.reported == SENDER, reports.at > START, reports.at <= NOW
    )
    named = union_all(decliners, reporters).subquery("named")
    people = (
        select(
            named.c.person,
            func.max(named.c.report).label("reported"),
            func.min(named.c.report).label("report_only"),
        )
        .group_by(named.c.person)
        .cte("people")
    )
    person = people.c.person
    invited, own = t.invitations.alias("invited"), t.invitations.alias("own")
    # A decliner declined an invitation the sender sent them in the window: they were
    # approached, and the look-ups are only needed for those who reported without declining.
    had_contact = or_(
        people.c.report_only == 0,
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
    )
    answered = or_(own.c.state == "accepted", own.c.state == "declined")
    figures = select(
        count_where(own.c.state == "accepted").label("accepted"),
        count_where(answered).label("answered"),
    ).where(own.c.sender == person, own.c.sent_at > START, own.c.sent_at <= NOW)
    created = select(t.profiles.c.created).where(t.profiles.c.member == person)
    columns = [person, people.c.reported, had_contact.label("had_contact")]
    columns.append(created.scalar_subquery().label("created"))
    if dialect != "postgresql":  # SQLite has no LATERAL: the range is read twice there
        accepted = figures.with_only_columns(figures.selected_columns.accepted)
        both = figures.with_only_columns(figures.selected_columns.answered)
        scalars = [accepted.scalar_subquery().label("accepted")]
        return select(*columns, *scalars, both.scalar_subquery().label("answered"))
    own_figures = figures.lateral("own_figures")
    return select(*columns, own_figures.c.accepted, own_figures.c.answered).select_from(
        people.join(own_figures, true())
    )


def complaints(conn: Reader, params: dict[str, Any]) -> tuple[Complaint, ...]:
    """Decliners and reporters in the window, each once (a report outranks a decline)."""
    found = sorted(rows(conn, _statement(dialect_of(conn)), params), key=lambda row: row.person)
    return tuple(
        Complaint(
            kind="report" if row.reported else "decline",
            reporter_created=as_date(row.created),
            reporter_accepted=int(row.accepted),
            reporter_answered=int(row.answered),
            had_contact=bool(row.had_contact),
        )
        for row in found
    )
