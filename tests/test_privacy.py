"""A user's data, all of it: exported as one ZIP and deleted without a trace, on SQLite and on
PostgreSQL (issue 19; GDPR articles 15, 17 and 20)."""

from __future__ import annotations

import io
import json
import re
import zipfile

from click.testing import CliRunner
from sqlalchemy import select

from kontaktfilter.cli import main
from kontaktfilter.services.runtime import LOCAL_USER
from kontaktfilter.store import open_store
from kontaktfilter.store.privacy import count_user_rows
from kontaktfilter.store.schema import ContactRequest, Decision, StoredVerdict
from kontaktfilter.web.auth import set_password
from web_helpers import client, csrf_headers, fill, screener


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


def test_an_export_restores_into_an_empty_store_with_identical_counts(store_url, tmp_path):
    """Article 20: the export is read back by `import`; every table's count is the same and
    the stored verdicts and decisions point at the same requests as before."""
    runner = CliRunner()
    source = f"sqlite:///{tmp_path / 'source.db'}"
    assert runner.invoke(main, ["--db", source, "demo"]).exit_code == 0
    target = tmp_path / "mine.zip"
    assert runner.invoke(main, ["--db", source, "export-my-data", str(target)]).exit_code == 0
    before = count_user_rows(open_store(source).engine, LOCAL_USER)

    result = runner.invoke(main, ["--db", store_url, "import", str(target)])
    assert result.exit_code == 0, result.output
    assert count_user_rows(open_store(store_url).engine, LOCAL_USER) == before
    assert _decided(source) == _decided(store_url)

    again = runner.invoke(main, ["--db", store_url, "import", str(target)])
    assert again.exit_code == 1 and "already holds data" in again.output


def _decided(url: str) -> list[tuple[str, str, str]]:
    """(request key, verdict category, decision) of every decided request."""
    store = open_store(url)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(ContactRequest.key, StoredVerdict.category, Decision.action)
            .join(StoredVerdict, StoredVerdict.request_id == ContactRequest.id)
            .join(Decision, Decision.request_id == ContactRequest.id)
        ).all()
    return sorted(tuple(row) for row in rows)


def test_a_damaged_export_names_member_and_line_and_restores_nothing(tmp_path, store_url):
    runner = CliRunner()
    source = f"sqlite:///{tmp_path / 'source.db'}"
    assert runner.invoke(main, ["--db", source, "demo"]).exit_code == 0
    good = tmp_path / "mine.zip"
    assert runner.invoke(main, ["--db", source, "export-my-data", str(good)]).exit_code == 0
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(good) as original, zipfile.ZipFile(damaged, "w") as copy:
        for name in original.namelist():
            data = original.read(name)
            if name == "decisions.jsonl":
                lines = data.splitlines(keepends=True)
                data = b"".join(lines[:2]) + b'{"id": 3, "request_id": \n' + b"".join(lines[3:])
            copy.writestr(name, data)
    result = runner.invoke(main, ["--db", store_url, "import", str(damaged)])
    assert result.exit_code == 1
    assert "damaged.zip!decisions.jsonl:3: not JSON" in result.output
    assert set(count_user_rows(open_store(store_url).engine, LOCAL_USER).values()) <= {0, 1}
    assert count_user_rows(open_store(store_url).engine, LOCAL_USER)["requests"] == 0


def test_the_web_exports_and_deletes_only_the_signed_in_users_data(tmp_path):
    """The dashboard's buttons: Anna's ZIP holds Anna's rows; her deletion needs the typed
    word, leaves Bert's data alone, and ends her session."""
    url = f"sqlite:///{tmp_path / 'web.db'}"
    state = screener(url, local=False)
    for name in ("anna", "bert"):
        set_password(state.database, name, "correct horse battery")
        fill(open_store(url, user=name))
    bert_before = count_user_rows(state.database, "bert")
    with client(state) as web:
        page = web.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = {"name": "anna", "password": "correct horse battery", "csrf_token": token}
        assert web.post("/login", data=form).status_code == 303
        exported = web.get("/my-data.zip")
        assert exported.status_code == 200
        with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
            manifest = json.loads(archive.read("manifest.json"))
        assert manifest["user"] == "anna"
        assert manifest["rows"] == count_user_rows(state.database, "anna")

        headers = csrf_headers(web)
        refused = web.post("/my-data/delete", data={"confirm": "no"}, headers=headers)
        assert refused.status_code == 303 and "deleted=0" in refused.headers["location"]
        assert count_user_rows(state.database, "anna")["requests"] > 0
        done = web.post("/my-data/delete", data={"confirm": "delete"}, headers=headers)
        assert done.status_code == 303 and done.headers["location"] == "/login"
        assert set(count_user_rows(state.database, "anna").values()) == {0}
        assert web.get("/api/requests").status_code == 401
    assert count_user_rows(state.database, "bert") == bert_before
