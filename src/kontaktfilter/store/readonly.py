"""A read-only look into a SQLite store with the standard library alone, for `kontaktfilter
check`: it needs nothing of the store but the user's learned model, and opening the store the
full way (SQLAlchemy, the schema, the migration check) cost more than half a second of every
check. Whatever this cannot answer for certain (another database, a store not at the newest
schema, a locked or damaged file) it leaves to `open_store`, which also migrates.

Importing this module loads neither SQLAlchemy nor the schema.
"""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

SQLITE_URL = "sqlite:///"
LEARNED_MODEL = """
    SELECT learned_models.model FROM learned_models JOIN users ON users.id = learned_models.user_id
    WHERE users.name = ?
"""


class NotReadable(Exception):
    """Only opening the store the full way can answer."""


def head_revision() -> str:
    """The newest migration's revision, from the file names (`NNNN_what.py`, revision `NNNN`):
    knowing it without loading Alembic lets a command open an up-to-date store quickly
    (tests/test_store.py checks it against Alembic's own reading)."""
    versions = resources.files("kontaktfilter.store") / "migrations" / "versions"
    return max(
        entry.name.split("_", 1)[0]
        for entry in versions.iterdir()
        if entry.name.endswith(".py") and entry.name[:4].isdigit()
    )


def sqlite_file(url: str) -> Path | None:
    """The file of a plain `sqlite:///path` URL; None for any other URL (a server, a URL with
    options, an in-memory database)."""
    if not url.startswith(SQLITE_URL) or "?" in url:
        return None
    path = url[len(SQLITE_URL) :]
    return Path(path) if path and path != ":memory:" else None


def learned_model_blob(database: Path, user: str) -> bytes | None:
    """The user's stored learned model as stored (None: they have none), read without writing
    anything; raises NotReadable when the file is missing or not at the newest schema."""
    if not database.is_file():
        raise NotReadable(f"{database}: no such store")
    try:
        connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
        try:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            if revision is None or revision[0] != head_revision():
                raise NotReadable(f"{database}: not at the newest schema")
            row = connection.execute(LEARNED_MODEL, (user,)).fetchone()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise NotReadable(f"{database}: {exc}") from exc
    return None if row is None else bytes(row[0])
