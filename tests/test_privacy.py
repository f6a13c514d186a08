"""A user's data, all of it: exported as one ZIP and deleted without a trace, on SQLite and on
PostgreSQL (issue 19; GDPR articles 15, 17 and 20)."""

from __future__ import annotations

import io
import json
import zipfile

from click.testing import CliRunner

from kontaktfilter.cli import main
from kontaktfilter.runtime import LOCAL_USER
from kontaktfilter.store import open_store
from kontaktfilter.store.privacy import count_user_rows
from kontaktfilter.web.auth import set_password


def test_export_holds_every_row_and_delete_leaves_none(store_url, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["--db", store_url, "demo"]).exit_code == 0
    store = open_store(store_url)
    set_password(store.engine, "bert", "another user entirely")  # must stay untouched
    before = count_user_rows(store.engine, LOCAL_USER)
    assert before["requests"] > 0 and before["verdicts"] > 0 and before["decisions"] > 0
    assert before["followups"] > 0

    target = tmp_path / "mine.zip"
    result = runner.invoke(main, ["--db", store_url, "export-my-data", str(target)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["rows"] == before
        for table, count in before.items():
            lines = archive.read(f"{table}.jsonl").decode("utf-8").splitlines()
            assert len(lines) == count, table
        user = json.loads(archive.read("users.jsonl").decode("utf-8").splitlines()[0])
        assert user["name"] == LOCAL_USER and "password_hash" not in user

    result = runner.invoke(main, ["--db", store_url, "delete-my-data", "--yes"])
    assert result.exit_code == 0, result.output
    assert set(count_user_rows(store.engine, LOCAL_USER).values()) == {0}
    assert count_user_rows(store.engine, "bert")["users"] == 1
