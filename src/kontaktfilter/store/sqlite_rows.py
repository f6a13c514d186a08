"""An import's rows written to SQLite by the driver's `executemany`, values encoded as
SQLAlchemy's SQLite types store them (the same text for dates and JSON), so that the store is
the same as one written through SQLAlchemy Core, without Core's per-row work: its bind
processors and parameter sets cost more than SQLite's inserts of a 100k-row import.

The statements run on the connection of the caller's transaction (store.writes), so a batch
commits whole with its checkpoint as before. PostgreSQL keeps the Core statements.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, DateTime, Table

Encode = Callable[[Any], Any]


def sqlite_datetime(value: datetime | None) -> str | None:
    """SQLAlchemy's SQLite DATETIME text (`2026-01-29 14:37:00.000000`); it ignores a time
    zone, and so does this."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


def sqlite_json(value: Any) -> str:
    """SQLAlchemy's JSON text (its default serializer, json.dumps; None is 'null' there too);
    an empty dict, what most rows' `extra` and `data` hold, without the encoder's setup."""
    if type(value) is dict and not value:
        return "{}"
    return json.dumps(value)


def _encoder(table: Table, name: str) -> Encode | None:
    """How a column's Python value becomes what SQLAlchemy's SQLite type binds (None: as is)."""
    kind = table.c[name].type
    if isinstance(kind, JSON):
        return sqlite_json
    if isinstance(kind, DateTime):
        return sqlite_datetime
    return None


class SqliteRows:
    """Rows of one table as parameter tuples for `executemany`: `lead` columns whose value is
    the same for every row (the user's id), then `columns` taken from each row's dict."""

    def __init__(self, table: Table, lead: Sequence[str], columns: Sequence[str]) -> None:
        self.table, self.columns = table, (*lead, *columns)
        self._get = itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
        encoders = [(i, _encoder(table, name)) for i, name in enumerate(self.columns)]
        self._encoders = [(i, encode) for i, encode in encoders if encode is not None]

    def values(self, rows: Sequence[dict[str, Any]], *lead: Any) -> list[tuple[Any, ...]]:
        get, encoders = self._get, self._encoders
        out = []
        for row in rows:
            cells = [*lead, *get(row)]
            for index, encode in encoders:
                cells[index] = encode(cells[index])
            out.append(tuple(cells))
        return out

    def insert_sql(self, conflict: str = "", rows: int = 1) -> str:
        """`INSERT INTO table (columns) VALUES (?, ...)` for `rows` rows, `conflict` after it."""
        names = ", ".join(f'"{name}"' for name in self.columns)
        marks = ", ".join([f"({', '.join('?' * len(self.columns))})"] * rows)
        return f'INSERT INTO "{self.table.name}" ({names}) VALUES {marks} {conflict}'.strip()


@lru_cache(maxsize=64)
def sqlite_rows(table: Table, lead: tuple[str, ...], columns: tuple[str, ...]) -> SqliteRows:
    """The shape of `table`'s rows with these columns (kept: a 100k import asks 400 times)."""
    return SqliteRows(table, lead, columns)


def executemany(conn: Connection, sql: str, values: list[tuple[Any, ...]]) -> int:
    """Run `sql` for every tuple on the transaction's own SQLite connection; returns the rows
    changed (an insert its conflict skipped changes none)."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, values)
        return int(cursor.rowcount)
    finally:
        cursor.close()


def insert_returning(
    conn: Connection, rows: SqliteRows, conflict: str, values: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """`INSERT ... VALUES (...), (...) {conflict} RETURNING ...` of all the tuples, as few
    statements as SQLite's limit on parameters allows (the driver's executemany cannot return
    rows; one statement per row costs twice the time); the rows inserted are returned, those
    the conflict skipped return nothing. Rows are inserted in order, so ids follow it."""
    driver = conn.connection.driver_connection
    limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # type: ignore[union-attr]
    per_statement = max(1, limit // len(rows.columns))
    cursor = driver.cursor()  # type: ignore[union-attr]
    returned: list[tuple[Any, ...]] = []
    try:
        for start in range(0, len(values), per_statement):
            chunk = values[start : start + per_statement]
            sql = rows.insert_sql(conflict, len(chunk))
            returned += cursor.execute(sql, [cell for value in chunk for cell in value])
    finally:
        cursor.close()
    return returned


def stored_keys(conn: Connection, table: Table, user_id: int, keys: Sequence[str]) -> set[str]:
    """Which of `keys` the user's rows of `table` have, in as few statements as SQLite's limit
    on parameters allows (Core's expanding IN costs more than the lookups of an import)."""
    driver = conn.connection.driver_connection
    per_statement = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) - 1  # type: ignore[union-attr]
    found: set[str] = set()
    for start in range(0, len(keys), per_statement):
        chunk = list(keys[start : start + per_statement])
        marks = ", ".join("?" * len(chunk))
        sql = f'SELECT "key" FROM "{table.name}" WHERE "user_id" = ? AND "key" IN ({marks})'
        found.update(key for (key,) in driver.execute(sql, [user_id, *chunk]))  # type: ignore[union-attr]
    return found
