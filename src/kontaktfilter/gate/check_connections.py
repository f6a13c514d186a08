"""The connections the checks read with: on PostgreSQL plain psycopg connections in autocommit,
each used by one thread at a time; elsewhere the engine's own (SQLite, a trial).

A check is one statement of well under a millisecond in PostgreSQL, and SQLAlchemy's pool cost
more than that around it: the checkout, the isolation level set to autocommit and reset again,
the return. Here a check takes an idle connection from a list (or opens one when all are in
use, so there are never more than the threads that check at once) and puts it back; a
connection that failed or is left inside a transaction is closed instead of reused.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus
from psycopg.rows import namedtuple_row
from sqlalchemy import Engine


class CheckConnections:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._postgres = engine.dialect.name == "postgresql"
        self._idle: list[psycopg.Connection] = []
        """Taken and put back with list.pop and list.append, which are atomic in CPython."""
        self._reader = engine.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """A psycopg connection (rows as named tuples) on PostgreSQL, else an SQLAlchemy
        connection in autocommit: queries.py reads from either."""
        if not self._postgres:
            with self._reader.connect() as conn:
                yield conn
            return
        conn = self._take()
        try:
            yield conn
        except BaseException:
            conn.close()
            raise
        if conn.info.transaction_status is TransactionStatus.IDLE:
            self._idle.append(conn)
        else:
            conn.close()

    def _take(self) -> psycopg.Connection:
        while self._idle:
            try:
                conn = self._idle.pop()
            except IndexError:  # another thread took the last one
                break
            if not conn.closed:
                return conn
        args, params = self.engine.dialect.create_connect_args(self.engine.url)
        return psycopg.connect(*args, **params, autocommit=True, row_factory=namedtuple_row)

    def opened(self, count: int) -> list[Any]:
        """`count` connections opened at once and handed out until given back with `put_back`
        (on SQLite, none: its connections cost nothing to open)."""
        if not self._postgres:
            return []
        return [self._take() for _ in range(count)]

    def put_back(self, connections: list[Any]) -> None:
        self._idle.extend(connections)

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()
