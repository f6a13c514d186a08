"""An import killed with SIGKILL half-way and run again ends with exactly the counts of one
clean import, on SQLite and PostgreSQL: batches commit together with their checkpoint."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from kontaktfilter.services.synthetic import write_export
from kontaktfilter.store import open_store
from kontaktfilter.store.schema import ImportRun
from store_helpers import counts, run_import

INVITATIONS = 12_000
BATCH = 100


def _import_command(url: str, path) -> list[str]:
    return [sys.executable, "-m", "kontaktfilter.cli", "--db", url, "import", str(path)]


def _rows_done(store) -> int:
    with store.engine.connect() as conn:
        done = conn.execute(
            select(ImportRun.rows_done).where(ImportRun.source.like("%Invitations.csv"))
        ).scalar()
    return done or 0


@pytest.mark.slow
def test_sigkill_half_way_then_again_equals_one_clean_import(store_url, tmp_path):
    export = write_export(tmp_path, invitations=INVITATIONS, connections=300, messages=200)
    store = open_store(store_url)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [*_import_command(store_url, export), "--batch", str(BATCH)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while _rows_done(store) < INVITATIONS // 3:
        assert process.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = _rows_done(store)
    assert 0 < killed_at < INVITATIONS

    again = subprocess.run(
        _import_command(store_url, export), env=env, capture_output=True, text=True, check=True
    )
    assert f"resumed after row {killed_at:,}" in again.stdout

    clean = open_store(f"sqlite:///{tmp_path / 'clean.db'}")
    run_import(clean, export)
    assert counts(store) == counts(clean)
    assert store.stats()["tables"]["requests"] == INVITATIONS
