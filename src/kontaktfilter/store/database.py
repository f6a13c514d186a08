"""Opening a store: the URL, the SQLite settings that make it safe, and migrations to the newest
schema. Every command that touches the store goes through `open_store`."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

from kontaktfilter.bilingual import say
from kontaktfilter.config import DEFAULT_STORE_NAME, data_dir
from kontaktfilter.store.readonly import head_revision
from kontaktfilter.store.repository import Store

SUPPORTED_BACKENDS = ("sqlite", "postgresql")


class StoreError(RuntimeError):
    """The store cannot be opened: a bad URL, an unreachable server, an unwritable folder."""


def default_url() -> str:
    return f"sqlite:///{data_dir() / DEFAULT_STORE_NAME}"


WAL_CHECKPOINT_PAGES = 10_000
"""Pages the write-ahead log may hold before a commit copies them into the database (SQLite's
default is 1,000). An import's batches write the same index pages again and again, and each
copy costs CPU; copied ten times less often they cost less. The log grows to about 40 MB during
a big import and is emptied when the last connection closes; what a commit makes durable, and
so where an interrupted import resumes, is unchanged."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets the web screener read while an import writes; foreign keys make cascades real;
    a busy timeout waits for a concurrent writer instead of failing at once."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    """An SQLAlchemy engine for a store URL; `postgresql://` is driven by psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            say(f"--db: not a database URL: {url!r}", f"--db: keine Datenbank-URL: {url!r}")
        ) from exc
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise StoreError(
            say(
                f"--db: unsupported database {backend!r} (use sqlite or postgresql)",
                f"--db: die Datenbank {backend!r} wird nicht unterstützt "
                "(nehmen Sie sqlite oder postgresql)",
            )
        )
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                say(
                    f"--db: cannot create folder {folder}: {exc.strerror}",
                    f"--db: der Ordner {folder} lässt sich nicht anlegen: {exc.strerror}",
                )
            ) from exc
    engine = create_engine(parsed)
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def current_revision(engine: Engine) -> str | None:
    """The store's schema revision, or None for a new store (no version table yet)."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DatabaseError:
        return None


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to the newest migration, or to `revision` (a no-op when it is there)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("kontaktfilter.store") / "migrations")
    )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def open_store(url: str | None = None, user: str = "local") -> Store:
    """The store at `url` (default: SQLite in the data folder), migrated, for one user."""
    engine = create_db_engine(url or default_url())
    try:
        if current_revision(engine) != head_revision():
            migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(
            say(
                f"cannot open the store at {engine.url!r}: {reason}",
                f"der Speicher unter {engine.url!r} lässt sich nicht öffnen: {reason}",
            )
        ) from exc
    return Store(engine, user)
