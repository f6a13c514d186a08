"""A user's own data, all of it: exported as one ZIP and deleted without a trace (GDPR articles
15, 17 and 20; issue 19).

Which rows are the user's is read off the schema, not listed by hand: a table with a `user_id`
column holds the user's rows, a table whose key points at `requests.id` holds rows of the user's
requests, and the user's own row (without the password hash) is the `users` entry. A table added
later is exported and deleted with the rest without anyone remembering to add it here.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, Table, delete, select

from kontaktfilter.store.schema import Base, ContactRequest, User

FORMAT = "kontaktfilter-user-data"
FORMAT_VERSION = 1
PRIVATE_USER_COLUMNS = frozenset({"password_hash", "session_epoch"})
"""Never exported: the user's own secrets are theirs, but not in a file that travels."""


def _user_tables() -> Iterator[tuple[Table, str]]:
    """(table, how its rows belong to a user): 'user_id' or 'request_id'."""
    for table in Base.metadata.sorted_tables:
        if table.name == User.__tablename__:
            continue
        if "user_id" in table.c:
            yield table, "user_id"
        elif any(fk.column.table.name == ContactRequest.__tablename__ for fk in table.foreign_keys):
            yield table, "request_id"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _user_id(engine: Engine, name: str) -> int | None:
    with engine.connect() as conn:
        return conn.execute(select(User.id).where(User.name == name)).scalar()


def export_user_data(engine: Engine, name: str, now: datetime) -> bytes:
    """A ZIP: manifest.json and one JSON Lines file per table with the user's rows."""
    user_id = _user_id(engine, name)
    counts: dict[str, int] = {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, engine.connect() as conn:
        own = conn.execute(select(User.__table__).where(User.id == user_id)).mappings().all()
        rows: dict[str, list[dict[str, Any]]] = {
            "users": [
                {k: _plain(v) for k, v in row.items() if k not in PRIVATE_USER_COLUMNS}
                for row in own
            ]
        }
        requests = select(ContactRequest.id).where(ContactRequest.user_id == user_id)
        for table, link in _user_tables():
            if link == "user_id":
                query = select(table).where(table.c.user_id == user_id)
            else:
                query = select(table).where(table.c.request_id.in_(requests))
            found = conn.execute(query.order_by(*table.primary_key.columns)).mappings()
            rows[table.name] = [{k: _plain(v) for k, v in row.items()} for row in found]
        for table_name, table_rows in rows.items():
            counts[table_name] = len(table_rows)
            lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in table_rows)
            archive.writestr(f"{table_name}.jsonl", lines)
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "user": name,
            "exported_at": now.isoformat(),
            "rows": counts,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return buffer.getvalue()


def count_user_rows(engine: Engine, name: str) -> dict[str, int]:
    """How many rows of every table are the user's (after a deletion: all zero)."""
    user_id = _user_id(engine, name)
    with engine.connect() as conn:
        counts = {"users": 0 if user_id is None else 1}
        requests = select(ContactRequest.id).where(ContactRequest.user_id == user_id)
        for table, link in _user_tables():
            column = table.c.user_id if link == "user_id" else table.c.request_id
            match = column == user_id if link == "user_id" else column.in_(requests)
            counts[table.name] = len(conn.execute(select(column).where(match)).all())
    return counts


def delete_user_data(engine: Engine, name: str) -> dict[str, int]:
    """Delete every row of the user, the user's own row last; the rows deleted per table."""
    before = count_user_rows(engine, name)
    user_id = _user_id(engine, name)
    if user_id is None:
        return before
    with engine.begin() as conn:
        requests = select(ContactRequest.id).where(ContactRequest.user_id == user_id)
        for table, link in reversed(list(_user_tables())):  # children before parents
            if link == "request_id":
                conn.execute(delete(table).where(table.c.request_id.in_(requests)))
        for table, link in reversed(list(_user_tables())):
            if link == "user_id":
                conn.execute(delete(table).where(table.c.user_id == user_id))
        conn.execute(delete(User.__table__).where(User.id == user_id))
    return before
