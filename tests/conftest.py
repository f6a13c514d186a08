"""Keeps every test away from the user's own files, and hands store tests a real database:
SQLite always, PostgreSQL when `scripts/with-postgres` (the README's test command) started one."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

PG_ENV = "KONTAKTFILTER_TEST_PG"
REQUIRE_PG_ENV = "KONTAKTFILTER_REQUIRE_PG"


@pytest.fixture(autouse=True)
def private_data(tmp_path_factory, monkeypatch) -> None:
    """The CLI reads the user's fingerprint store and store, and keeps the compiled lexicons in
    the user's cache folder; tests get empty ones of their own."""
    home = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("KONTAKTFILTER_FINGERPRINT_STORE", str(home / "fingerprints.json"))
    monkeypatch.setenv("KONTAKTFILTER_DB", f"sqlite:///{home / 'kontaktfilter.db'}")


def _postgres_database() -> Iterator[str]:
    """A fresh database on the throwaway cluster, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    server = os.environ.get(PG_ENV)
    if not server:
        if os.environ.get(REQUIRE_PG_ENV):
            pytest.fail(f"{PG_ENV} is not set, but {REQUIRE_PG_ENV} asks for PostgreSQL tests")
        pytest.skip(f"no PostgreSQL ({PG_ENV} unset; `make test` starts one)")
    url = make_url(server)
    name = f"kf_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> Iterator[str]:
    """A URL to an empty store on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield from _postgres_database()
