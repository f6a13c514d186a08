"""A gate worker opens its check connections and prepares the checks' statements before the first
caller waits (Gate.warm), so a worker's first checks cost what the later ones do."""

from __future__ import annotations

from kontaktfilter.gate.runtime import PREPARE_AFTER, Gate


def test_warm_opens_the_check_connections_with_the_statements_prepared(store_url: str) -> None:
    gate = Gate(store_url)
    try:
        gate.warm(3)
        if gate.db.dialect.name != "postgresql":
            assert gate.reader.opened(3) == []  # SQLite: nothing to open ahead
            return
        opened = gate.reader.opened(3)
        try:
            assert len({id(conn) for conn in opened}) == 3
            for conn in opened:  # the warmed ones, not new ones: each has its statements
                prepared = conn.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()
                assert prepared[0] >= 2
        finally:
            gate.reader.put_back(opened)
    finally:
        gate.close()


def test_a_fresh_connection_has_nothing_prepared(store_url: str) -> None:
    """What warming is for: psycopg prepares a statement only after PREPARE_AFTER runs."""
    gate = Gate(store_url)
    try:
        if gate.db.dialect.name != "postgresql":
            return
        (conn,) = gate.reader.opened(1)
        try:
            count = "SELECT count(*) FROM pg_prepared_statements"
            assert conn.execute(count).fetchone()[0] == 0
            assert conn.prepare_threshold == PREPARE_AFTER
        finally:
            gate.reader.put_back([conn])
    finally:
        gate.close()
