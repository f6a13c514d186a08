"""A user's own data, all of it: exported as one ZIP, restored from it, and deleted without a
trace (GDPR articles 15, 17 and 20; issue 19).

Which rows are the user's is read off the schema, not listed by hand: a table with a `user_id`
column holds the user's rows, a table whose key points at `requests.id` holds rows of the user's
requests, and the user's own row (without the password hash) is the `users` entry. A table added
later is exported and deleted with the rest without anyone remembering to add it here.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    LargeBinary,
    Table,
    delete,
    insert,
    select,
    update,
)

from kontaktfilter.bilingual import say
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


class UserDataError(ValueError):
    """An export of user data that cannot be restored; the message names the member and row."""


def is_user_export(path: Path) -> bool:
    """A ZIP written by `export_user_data` (its manifest says so)."""
    if not path.is_file() or not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            if "manifest.json" not in archive.namelist():
                return False
            manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return isinstance(manifest, dict) and manifest.get("format") == FORMAT


def _stored(column: Column, value: Any, where: str) -> Any:
    """A value of an export back in its column's type (datetimes naive UTC, as stored)."""
    if value is None:
        return None
    try:
        if isinstance(column.type, DateTime):
            moment = datetime.fromisoformat(value)
            return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
        if isinstance(column.type, LargeBinary):
            return base64.b64decode(value["base64"], validate=True)
    except (TypeError, ValueError, KeyError, binascii.Error) as exc:
        raise UserDataError(
            say(f"{where}, field '{column.name}': {exc}", f"{where}, Feld '{column.name}': {exc}")
        ) from None
    return value


def import_user_data(engine: Engine, name: str, path: Path) -> dict[str, int]:
    """Restore an export into user `name`, who must hold no data yet; rows get new ids and
    every reference between them follows. All or nothing, in one transaction. Returns the rows
    restored per table (the manifest's counts, checked)."""
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        if manifest.get("version") != FORMAT_VERSION:
            version = manifest.get("version")
            raise UserDataError(
                say(
                    f"{path.name}: export version {version!r} unknown",
                    f"{path.name}: die Export-Version {version!r} ist unbekannt",
                )
            )
        members = set(archive.namelist())
        user_id = _user_id(engine, name)
        if user_id is not None and any(count_user_rows(engine, name)[t] for t in _owned()):
            raise UserDataError(
                say(
                    f"{path.name}: user {name!r} already holds data; restore into an empty store "
                    "or run delete-my-data first",
                    f"{path.name}: das Konto {name!r} enthält schon Daten; stellen Sie in einem "
                    "leeren Speicher wieder her oder führen Sie zuerst delete-my-data aus",
                )
            )
        restored: dict[str, int] = {}
        with engine.begin() as conn:
            user_id = _restore_user(conn, archive, name, user_id, path.name)
            new_ids: dict[str, dict[int, int]] = {User.__tablename__: {}}
            for own in _rows(archive, "users.jsonl", path.name):
                new_ids[User.__tablename__][own["id"]] = user_id
            for table, _link in _user_tables():
                member = f"{table.name}.jsonl"
                if member not in members:
                    continue
                ids = new_ids[table.name] = {}
                serial = _serial(table)
                count = 0
                for number, row in enumerate(_rows(archive, member, path.name), 1):
                    where = f"{path.name}!{member}:{number}"
                    values = _remapped(table, row, new_ids, user_id, where)
                    inserted = conn.execute(insert(table).values(values))
                    if serial is not None:
                        ids[row.get(serial.name)] = inserted.inserted_primary_key[0]
                    count += 1
                restored[table.name] = count
        expected = {t: n for t, n in manifest.get("rows", {}).items() if t != "users"}
        if {t: n for t, n in restored.items() if n or t in expected} != expected:
            raise UserDataError(
                say(
                    f"{path.name}: rows restored {restored} differ from {expected}",
                    f"{path.name}: die wiederhergestellten Zeilen {restored} weichen von "
                    f"{expected} ab",
                )
            )
    return restored


def _serial(table: Table) -> Column | None:
    """The table's own generated id (a primary key that refers to nothing), if it has one."""
    own = [column for column in table.primary_key.columns if not column.foreign_keys]
    return own[0] if own else None


def _owned() -> list[str]:
    return [table.name for table, _link in _user_tables()]


def _rows(archive: zipfile.ZipFile, member: str, name: str) -> Iterator[dict[str, Any]]:
    with archive.open(member) as stream:
        for number, line in enumerate(io.TextIOWrapper(stream, "utf-8"), 1):
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise UserDataError(
                    say(
                        f"{name}!{member}:{number}: not JSON ({exc})",
                        f"{name}!{member}:{number}: kein JSON ({exc})",
                    )
                ) from None
            if not isinstance(row, dict):
                raise UserDataError(
                    say(
                        f"{name}!{member}:{number}: a row object expected",
                        f"{name}!{member}:{number}: erwartet ein Zeilenobjekt",
                    )
                )
            yield row


def _restore_user(
    conn: Connection, archive: zipfile.ZipFile, name: str, user_id: int | None, where: str
) -> int:
    """The target user's id, created if missing, with the exported profile."""
    (own,) = list(_rows(archive, "users.jsonl", where))[:1] or [{"id": 0}]
    profile = own.get("profile") or {}
    if user_id is None:
        created = _stored(User.__table__.c.created_at, own.get("created_at"), where)
        values = {"name": name, "profile": profile, "created_at": created or datetime.now()}
        return conn.execute(insert(User.__table__).values(values)).inserted_primary_key[0]
    conn.execute(update(User.__table__).where(User.id == user_id).values(profile=profile))
    return user_id


def _remapped(
    table: Table, row: dict[str, Any], new_ids: dict[str, dict[int, int]], user_id: int, where: str
) -> dict[str, Any]:
    """The row's values for `table` without its id, its references pointing at the new ids."""
    values: dict[str, Any] = {}
    for column in table.c:
        if (column.primary_key and not column.foreign_keys) or column.name not in row:
            continue  # a generated id is generated again
        value = _stored(column, row[column.name], where)
        for key in column.foreign_keys:
            if value is None:
                break
            target = key.column.table.name
            if target == User.__tablename__:
                value = user_id
            elif value in new_ids.get(target, {}):
                value = new_ids[target][value]
            else:
                raise UserDataError(
                    say(
                        f"{where}, field '{column.name}': no {target} row {value}",
                        f"{where}, Feld '{column.name}': keine Zeile {value} in {target}",
                    )
                )
        values[column.name] = value
    return values
