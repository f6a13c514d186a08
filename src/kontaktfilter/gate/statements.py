"""What the check's statements share (queries.py, complainers.py): their bound parameters, and
how a statement runs on either kind of connection the checks read with.

The statements are built once per dialect with bound parameters: building a Core expression of
some forty parts costs more CPU than PostgreSQL needs to run it, and a statement of fixed text is
prepared by psycopg after a few uses, so its plan is made once per connection. On PostgreSQL the
service's checks run the statements' compiled text on psycopg connections of their own
(check_connections.py), without SQLAlchemy in the way."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, DateTime, Select, String, bindparam, func
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.engine import Compiled

from kontaktfilter.gate.policies import GatePolicy

if TYPE_CHECKING:
    import psycopg

    Reader = Connection | psycopg.Connection
    """Where the checks read: SQLAlchemy's connection, or psycopg's (check_connections.py)."""

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


def count_where(condition) -> object:
    """Rows where `condition` holds: `count(*) FILTER (WHERE ...)` keeps the statement short
    (psycopg caches the parsing of a statement only up to 4 kB; longer ones are parsed again
    on every execution)."""
    return func.count().filter(condition)


def days_between(dialect: str, later, earlier) -> object:
    """The days between two timestamps, in PostgreSQL and in SQLite (which stores text)."""
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def check_params(sender: str, recipient: str, now: datetime, policy: GatePolicy) -> dict[str, Any]:
    """The values of the bound parameters above for one check."""
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


def rows(conn: Reader, statement: Select, params: dict[str, Any]) -> list[Any]:
    """The statement's rows, each with its columns as attributes, from an SQLAlchemy
    connection or from a psycopg one (check_connections.py): there the statement's text and
    its constants are compiled once, as SQLAlchemy would send them, and the check's figures
    added, so no part of SQLAlchemy runs per check."""
    if isinstance(conn, Connection):
        return conn.execute(statement, params).all()
    text, constants = compiled(statement)
    return conn.execute(text, constants | params).fetchall()


@cache
def compiled(statement: Select) -> tuple[str, dict[str, Any]]:
    """The PostgreSQL text of a statement and the values of the literals SQLAlchemy binds in
    it (its state names and the like): the parameters `check_params` does not give."""
    result: Compiled = statement.compile(dialect=PGDialect_psycopg())
    assert not result._bind_processors, "a bound value would need converting"
    names = check_params("", "", datetime(2000, 1, 1), GatePolicy())
    values = result.construct_params(names)
    return result.string, {k: v for k, v in values.items() if k not in names}


def dialect_of(conn: Reader) -> str:
    """An SQLAlchemy connection's dialect; a psycopg connection is PostgreSQL's."""
    return conn.dialect.name if isinstance(conn, Connection) else "postgresql"


def as_moment(value: object) -> datetime | None:
    """SQLite hands a scalar subquery's timestamp back as text."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value  # type: ignore[return-value]


def as_date(value: object) -> date | None:
    """SQLite hands a scalar subquery's date back as text."""
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value  # type: ignore[return-value]
