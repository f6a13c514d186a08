"""The import's SQLite writer stores what SQLAlchemy Core stores for the same rows: the same
text for dates and JSON, the same conflicts skipped, the same ids returned."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, insert

from kontaktfilter.store.schema import Base, ContactRequest, Message, Person, StoredVerdict, User
from kontaktfilter.store.sqlite_rows import (
    executemany,
    insert_returning,
    sqlite_datetime,
    sqlite_rows,
    stored_keys,
)

MOMENTS = [
    datetime(2026, 1, 29, 14, 37),
    datetime(2019, 12, 31, 23, 59, 59, 123456),
    datetime(2024, 2, 29, 0, 0, 1, 7, tzinfo=UTC),
    None,
]
DOCUMENTS = [{}, {"ä": [1.5, None, "x\u2028y"], "b": {"c": True}}, None, {"n": 1e-7}]


def _requests() -> list[dict]:
    return [
        {
            "key": f"k{i}",
            "direction": "incoming",
            "platform": "linkedin",
            "kind": "contact_request",
            "sender_key": f"s{i}",
            "sender_name": "Jürgen Ü",
            "recipient_key": "me",
            "recipient_name": "",
            "text": "Hallo\nWelt 🙂" if i % 2 else "",
            "lang": None,
            "sent_at": MOMENTS[i % len(MOMENTS)],
            "status": "pending",
            "extra": DOCUMENTS[i % len(DOCUMENTS)],
            "import_run_id": None,
            "created_at": MOMENTS[0],
        }
        for i in range(9)
    ]


def _store(path: Path) -> sqlite3.Connection:
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(User).values(name="u", profile={}, created_at=MOMENTS[0]))
    return engine


def _dump(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        return {
            table: raw.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            for table in ("requests", "profiles", "messages", "verdicts")
        }


def test_dates_are_written_as_sqlalchemy_writes_them():
    assert sqlite_datetime(datetime(2026, 1, 29, 14, 37)) == "2026-01-29 14:37:00.000000"
    assert sqlite_datetime(None) is None


def test_rows_equal_core_inserts(tmp_path):
    requests = _requests()
    people = [
        {"key": f"s{i}", "name": "N", "headline": "", "url": None}
        | {"connected_on": MOMENTS[i % 4], "data": DOCUMENTS[i % 4], "import_run_id": None}
        for i in range(5)
    ]
    messages = [
        {"key": f"m{i}", "conversation": "c", "sender_key": "s1", "sender_name": "N"}
        | {"sent_at": MOMENTS[i % 4], "text": "t", "subject": "", "folder": "INBOX"}
        | {"outgoing": bool(i % 2), "import_run_id": None}
        for i in range(4)
    ]
    core, fast = _store(tmp_path / "core.db"), _store(tmp_path / "fast.db")
    with core.begin() as conn:
        ids = conn.execute(
            insert(ContactRequest).returning(ContactRequest.key, ContactRequest.id),
            [{**row, "user_id": 1} for row in requests],
        ).all()
        conn.execute(insert(Person), [{**row, "user_id": 1} for row in people])
        conn.execute(insert(Message), [{**row, "user_id": 1} for row in messages])
        verdicts = _verdicts(dict(ids))
        conn.execute(insert(StoredVerdict), verdicts)
    with fast.begin() as conn:
        # a low limit on parameters: the requests take several statements of two rows
        conn.connection.driver_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 40)
        shape = sqlite_rows(ContactRequest.__table__, ("user_id",), tuple(requests[0]))
        conflict = 'ON CONFLICT ("user_id", "key") DO NOTHING RETURNING "key", "id"'
        returned = insert_returning(conn, shape, conflict, shape.values(requests + requests[:3], 1))
        for rows, model in ((people, Person), (messages, Message)):
            shape = sqlite_rows(model.__table__, ("user_id",), tuple(rows[0]))
            sql = shape.insert_sql('ON CONFLICT ("user_id", "key") DO NOTHING')
            assert executemany(conn, sql, shape.values(rows + rows[:1], 1)) == len(rows)
        shape = sqlite_rows(StoredVerdict.__table__, (), tuple(verdicts[0]))
        executemany(conn, shape.insert_sql(), shape.values(verdicts))
        asked = [f"k{i}" for i in range(0, 100, 2)]  # two statements of 39 keys and one more
        table = ContactRequest.__table__
        assert stored_keys(conn, table, 1, asked) == {row["key"] for row in requests} & {*asked}
        assert stored_keys(conn, table, 2, asked) == set()
    assert dict(returned) == dict(ids)  # the repeated rows were skipped, returning nothing
    assert _dump(fast) == _dump(core)


def _verdicts(ids: dict[str, int]) -> list[dict]:
    return [
        {
            "request_id": id_,
            "category": "generic",
            "action": "ask_details",
            "score": 0.1 + id_ / 3,
            "lang": "de",
            "rule": "r",
            "signals": [{"name": "X", "weight": -1.25, "spans": [[0, 3]], "detail": "Grüße"}],
            "reply": None if id_ % 2 else "Hallo",
            "reply_note": None,
            "scored_at": MOMENTS[id_ % 4] or MOMENTS[0],
        }
        for id_ in ids.values()
    ]
