"""The learned model with the user's data, on SQLite and PostgreSQL: learned from stored
decisions, retrained after a batch, exported, deleted alone or with the user; the same through
the command line and the JSON API."""

from __future__ import annotations

import json
import random
import re
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from kontaktfilter.cli import main
from kontaktfilter.learning.curve import SIMULATED_OUTCOME
from kontaktfilter.learning.user_model import RETRAIN_EVERY, learn, load, retrain_if_due
from kontaktfilter.model import Category
from kontaktfilter.scoring.learned_model import ACTION_OF_OUTCOME, LearnedModel
from kontaktfilter.services.inbox import RequestFilter, list_requests, record_decision, undo_last
from kontaktfilter.store import Store, open_store
from kontaktfilter.store.schema import ContactRequest, LearnedModelRow
from kontaktfilter.strategy import default_strategy
from kontaktfilter.web.auth import delete_user
from store_helpers import run_import
from web_helpers import client, csrf_headers, screener

DEV = Path("tests/fixtures/dev_more.jsonl")
NOW = datetime(2026, 11, 23, 12, 0)
LABELS = {
    json.loads(line)["text"]: Category(json.loads(line)["label"])
    for line in DEV.read_text("utf-8").splitlines()
}


def decide(store: Store, count: int) -> None:
    """Decide `count` pending requests, drawn at random, as the default strategy would for
    their label."""
    items, _ = list_requests(store, RequestFilter(status="pending"), 1000, 0)
    for item in random.Random(len(items)).sample(items, count):
        action = ACTION_OF_OUTCOME[SIMULATED_OUTCOME[LABELS[item.text]]]
        record_decision(store, item.request_id, action, NOW, default_strategy())


@pytest.fixture
def store(store_url) -> Store:
    store = open_store(store_url)
    run_import(store, DEV)
    return store


def test_learns_from_stored_decisions_and_keeps_the_model_with_the_user(store):
    assert load(store) == (None, None)
    decide(store, 60)
    outcome = learn(store, NOW)
    assert outcome.model is not None and outcome.model.info.decisions == 60
    model, warning = load(store)
    assert warning is None and model is not None and model.info == outcome.model.info
    assert store.learned_model().decisions == 60


def test_cold_start_in_the_store_leaves_an_empty_model(store):
    decide(store, 4)
    outcome = learn(store, NOW)
    assert outcome.model is None and "learning starts at" in outcome.message
    assert load(store) == (None, None)


def test_retrains_after_a_batch_of_decisions_and_undos(store):
    decide(store, 40)
    assert retrain_if_due(store, NOW) is not None
    assert retrain_if_due(store, NOW) is None
    decide(store, RETRAIN_EVERY - 1)
    assert retrain_if_due(store, NOW) is None
    decide(store, 1)
    again = retrain_if_due(store, NOW)
    assert again is not None and again.model.info.decisions == 40 + RETRAIN_EVERY
    for _ in range(RETRAIN_EVERY):
        undo_last(store)
    undone = retrain_if_due(store, NOW)
    assert undone is not None and undone.model.info.decisions == 40


def test_an_unreadable_model_is_reported_and_ignored(store):
    decide(store, 40)
    learn(store, NOW)
    store.save_learned_model(b"garbage", 40, NOW)
    model, warning = load(store)
    assert model is None and "not a kontaktfilter model" in warning


def test_deleting_the_user_deletes_the_model_and_all_their_data(store):
    decide(store, 40)
    learn(store, NOW)
    other = Store(store.engine, "someone-else")
    run_import(other, DEV)
    assert delete_user(store.engine, "local")
    with store.engine.connect() as conn:
        models = conn.execute(select(func.count()).select_from(LearnedModelRow)).scalar_one()
        owners = conn.execute(select(ContactRequest.user_id).distinct()).scalars().all()
    assert models == 0 and owners == [other.user_id]


# command line ------------------------------------------------------------------------------


def test_learn_show_export_delete_from_the_command_line(store_url, store, tmp_path):
    decide(store, 60)
    runner = CliRunner()
    cli = ["--db", store_url]
    result = runner.invoke(main, [*cli, "learn"])
    assert result.exit_code == 0
    assert re.search(r"learned from \d+ distinct decided notes \(60 decisions", result.output)
    shown = runner.invoke(main, [*cli, "learn", "show"])
    assert "trust" in shown.output
    target = tmp_path / "model.npz"
    exported = runner.invoke(main, [*cli, "learn", "export", str(target)])
    assert exported.exit_code == 0
    assert LearnedModel.from_bytes(target.read_bytes()).info.decisions == 60
    checked = runner.invoke(main, [*cli, "check", "Vielleicht ergeben sich wertvolle Synergien."])
    assert checked.exit_code == 0
    deleted = runner.invoke(main, [*cli, "learn", "delete"])
    assert "deleted" in deleted.output
    missing = runner.invoke(main, [*cli, "learn", "export", str(tmp_path / "none.npz")])
    assert missing.exit_code == 1 and "no learned model" in missing.output


def test_check_explains_the_learned_signal(store_url, store):
    """A user who declined stock-phrase requests sees the learned signal and its words."""
    decide(store, 200)
    learn(store, NOW)
    runner = CliRunner()
    note = "Kontakte schaden nur dem, der keine hat. Ich freue mich auf die Vernetzung!"
    result = runner.invoke(main, ["--db", store_url, "check", "--json", note])
    verdict = json.loads(result.output)
    learned = [s for s in verdict["signals"] if s["name"] == "LEARN_USER_DECISIONS"]
    assert learned, verdict["signals"]
    assert "decisions" in learned[0]["detail"] or "Entscheidungen" in learned[0]["detail"]
    text = runner.invoke(main, ["--db", store_url, "check", note]).output
    assert "LEARN_USER_DECISIONS" in text and ("driven by" in text or "ausschlaggebend" in text)


def test_user_delete_command_asks_first(store_url, store):
    runner = CliRunner()
    refused = runner.invoke(main, ["--db", store_url, "user", "delete", "local"], input="n\n")
    assert refused.exit_code == 1
    assert runner.invoke(main, ["--db", store_url, "user", "delete", "nobody", "--yes"]).exit_code
    done = runner.invoke(main, ["--db", store_url, "user", "delete", "local", "--yes"])
    assert done.exit_code == 0 and "deleted" in done.output


# the JSON API ------------------------------------------------------------------------------


def test_api_learns_after_decisions_and_exports_and_deletes(store_url):
    state = screener(store_url)
    run_import(state.store("local"), DEV)
    with client(state) as web:
        headers = csrf_headers(web)
        assert web.get("/api/learn").json()["model"] is False
        pending = web.get("/api/requests", params={"status": "pending", "limit": 500}).json()
        for item in random.Random(0).sample(pending["items"], 30):
            action = ACTION_OF_OUTCOME[SIMULATED_OUTCOME[LABELS[item["text"]]]].value
            answer = web.post(
                f"/api/requests/{item['id']}/decision", json={"action": action}, headers=headers
            )
            assert answer.status_code == 200, answer.text
        state.wait_for_learning("local")
        status = web.get("/api/learn").json()
        assert status["model"] is True and status["decisions"] == 30 and status["trust"] > 0
        assert state.engine_for("local").learner is not None
        exported = web.get("/api/learn/model")
        assert exported.headers["content-type"] == "application/octet-stream"
        assert LearnedModel.from_bytes(exported.content).info.decisions >= 20
        assert web.delete("/api/learn").status_code == 403  # no CSRF token
        gone = web.delete("/api/learn", headers=headers | {"Accept-Language": "en"}).json()
        assert gone["model"] is False and gone["message"] == "deleted"  # the reader's language
        assert state.engine_for("local").learner is None
        assert web.get("/api/learn/model").status_code == 404
        again = web.post("/api/learn", headers=headers).json()
        assert again["model"] is True and "gelernt aus" in again["message"]  # German by default


def test_dashboard_shows_the_model_and_retrains_and_deletes_it(store_url):
    state = screener(store_url)
    store = state.store("local")
    run_import(store, DEV)
    decide(store, 40)
    with client(state) as web:
        page = web.get("/dashboard", headers={"Accept-Language": "en"}).text
        assert "No model yet (40 decisions)" in page
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert web.post("/learn").status_code == 403
        done = web.post("/learn", data={"csrf_token": token})
        assert done.status_code == 303 and done.headers["location"].startswith("/dashboard")
        page = web.get(done.headers["location"], headers={"Accept-Language": "en"}).text
        assert "Retrained" in page
        assert re.search(r"Learned from \d+ distinct requests \(40 decisions\)", page)
        web.post("/learn/delete", data={"csrf_token": token})
        assert load(store) == (None, None)
