"""The store itself: migrations that match the models, both backends, rescoring, statistics."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import insert, select

from kontaktfilter.cli import main
from kontaktfilter.engine import Engine
from kontaktfilter.imports.store_templates import engine_with_index, template_index
from kontaktfilter.signals import REGISTRY
from kontaktfilter.store import StoreError, open_store
from kontaktfilter.store.repository import verdict_row
from kontaktfilter.store.schema import Base, Decision, StoredVerdict
from store_helpers import ENGINE, run_import

SAMPLE = "src/kontaktfilter/data/sample_inbox.jsonl"
SAMPLE_PATH = Path(SAMPLE)
RECIPIENT = "src/kontaktfilter/data/sample_recipient.json"


def test_migrations_create_exactly_the_models(store_url):
    store = open_store(store_url)
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []


def test_head_revision_is_alembics_and_an_old_store_is_migrated(store_url):
    from importlib import resources

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from kontaktfilter.store.database import (
        create_db_engine,
        current_revision,
        head_revision,
        migrate,
    )

    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("kontaktfilter.store") / "migrations")
    )
    assert head_revision() == ScriptDirectory.from_config(config).get_current_head()
    engine = create_db_engine(store_url)
    migrate(engine, "base")  # downgrade-free stores: "base" on a new store creates nothing
    assert current_revision(engine) is None
    migrate(engine, "0003")
    assert current_revision(engine) == "0003"
    engine.dispose()
    store = open_store(store_url)  # not at the head: migrated on opening
    assert current_revision(store.engine) == head_revision()


def test_opening_twice_keeps_data_and_user(store_url):
    store = open_store(store_url)
    store.set_user_profile({"name": "Katrin Albers"})
    again = open_store(store_url)
    assert again.user_id == store.user_id
    assert again.user_profile().name == "Katrin Albers"


def test_users_see_only_their_own_requests(store_url):
    alice = open_store(store_url, user="alice")
    bob = open_store(store_url, user="bob")
    run_import(alice, SAMPLE_PATH)
    assert alice.stats()["tables"]["requests"] == 32
    assert bob.stats()["tables"]["requests"] == 0
    assert list(bob.stored_requests()) == []


@pytest.mark.parametrize(
    "url, message",
    [
        ("not a url", "not a database URL"),
        ("mysql://localhost/x", "unsupported database 'mysql'"),
    ],
)
def test_bad_store_urls_are_named(url, message):
    with pytest.raises(StoreError, match=message):
        open_store(url)


def test_unreachable_postgres_is_a_clear_error():
    with pytest.raises(StoreError, match="cannot open the store"):
        open_store("postgresql://nobody@127.0.0.1:1/none")


def test_rescore_follows_new_weights_and_keeps_decisions(store_url):
    store = open_store(store_url)
    run_import(store, SAMPLE_PATH)
    with store.engine.begin() as conn:
        first = conn.execute(select(StoredVerdict.request_id)).scalars().first()
        conn.execute(
            insert(Decision).values(
                request_id=first, action="accept", decided_at=datetime(2026, 11, 20), undone=False
            )
        )
    before = store.categories_by_request()
    # switch off every collector signal: the collectors' requests must change category
    silent = {name: 0.0 for name, signal in REGISTRY.items() if signal.group == "collector"}
    changed = Engine(weights=silent, history=ENGINE.history)
    engine = engine_with_index(changed, template_index(store))
    for chunk in store.stored_requests(batch=7):
        rows = [verdict_row(rid, engine.score(req), datetime(2026, 11, 23)) for rid, req in chunk]
        with store.engine.begin() as conn:
            store.write_verdicts(conn, rows)
    after = store.categories_by_request()
    assert set(after) == set(before)
    assert any(before[k] == "collector" and after[k] != "collector" for k in before)
    assert store.stats()["tables"]["decisions"] == 1


def test_cli_import_stats_rescore(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    result = runner.invoke(main, ["--db", db, "import", SAMPLE, "--recipient", RECIPIENT])
    assert result.exit_code == 0, result.output
    assert "32 rows, 32 new" in result.output
    stats = json.loads(runner.invoke(main, ["--db", db, "stats", "--json"]).output)
    assert stats["tables"]["requests"] == stats["tables"]["verdicts"] == 32
    assert sum(stats["categories"].values()) == 32
    assert stats["statuses"] == {"pending": 32}
    again = runner.invoke(main, ["--db", db, "import", SAMPLE])
    assert "already imported" in again.output
    rescored = runner.invoke(main, ["--db", db, "rescore"])
    assert rescored.exit_code == 0, rescored.output
    assert "rescored 32 requests; 0 changed category" in rescored.output


def test_environment_picks_the_store(tmp_path, monkeypatch):
    db = tmp_path / "from-env.db"
    monkeypatch.setenv("KONTAKTFILTER_DB", f"sqlite:///{db}")
    result = CliRunner().invoke(main, ["import", SAMPLE])
    assert result.exit_code == 0, result.output
    assert db.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--encoding", "nope"], "unknown encoding 'nope'"),
        (["--batch", "0"], "0 is not in the range x>=1"),
        (["--map", "text"], "expected FIELD=COLUMN"),
    ],
)
def test_bad_import_options_are_usage_errors(tmp_path, arguments, message):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(main, ["--db", db, "import", SAMPLE, *arguments])
    assert result.exit_code == 2 and message in result.output


def test_bad_recipient_profile_names_file_and_field(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    profile = tmp_path / "me.json"
    profile.write_text('{"name": "Katrin", "contacts": "many"}', "utf-8")
    result = CliRunner().invoke(main, ["--db", db, "import", SAMPLE, "--recipient", str(profile)])
    assert result.exit_code == 1
    assert f"{profile}: field 'profile.contacts'" in result.output
    assert open_store(db).stats()["tables"]["requests"] == 0  # refused before anything else


@pytest.mark.parametrize(
    "key, name",
    [("linkedin:anna-berg", "Anna Berg"), ("", "Anna Berg"), (None, None), ("linkedin:x", "")],
)
def test_sender_without_profile_fields_is_the_parsed_profile(key, name):
    """build_request skips parse_profile when the sender has no fields beyond id and name; the
    profile must be what parse_profile would have made of them."""
    from kontaktfilter.formats.records import parse_profile
    from kontaktfilter.model import Profile
    from kontaktfilter.store.repository import build_request

    row = {
        "direction": "incoming",
        "sender_key": key,
        "sender_name": name,
        "text": "Hallo",
        "key": "k1",
        "platform": "linkedin",
        "kind": "contact_request",
    }
    fast = build_request(row, {}, Profile(name="Me"), set()).sender
    assert fast == parse_profile({"id": key, "name": name}, "sender")
    with_fields = build_request(row, {"headline": "CTO"}, Profile(name="Me"), set()).sender
    assert with_fields == parse_profile({"headline": "CTO", "id": key, "name": name}, "sender")
