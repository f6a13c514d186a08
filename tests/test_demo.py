"""The demo inbox on a real SQLite store: rich enough for every screen of the screener (every
category, both languages, templates, follow-ups in each state, several weeks of requests),
fresh relative to the clock it is loaded at, and loaded only once however often it is asked."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from kontaktfilter.cli import main
from kontaktfilter.engine import Engine
from kontaktfilter.model import Action, Category
from kontaktfilter.services.demo import DECISIONS, DemoRefused, load_demo
from kontaktfilter.services.followups import process_followups, waiting
from kontaktfilter.services.inbox import record_decision
from kontaktfilter.store import Store, open_store
from kontaktfilter.store.schema import ContactRequest, Decision, Message, StoredVerdict
from kontaktfilter.strategy import default_strategy
from store_helpers import run_import

NOW = datetime(2027, 3, 10, 7, 30)
"""Months after the data files were written, early in the day: dates must follow the clock."""
ENGINE = Engine()
YOUNG_PROFILE = "PROF_YOUNG_PROFILE_MANY_CONTACTS"


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    store = open_store("sqlite:///" + str(tmp_path / "demo.db"))
    yield store
    store.engine.dispose()


def _sent_dates(store: Store) -> list[datetime]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(ContactRequest.sent_at)).scalars())


def _decisions(store: Store) -> list[tuple[int, str, datetime, datetime]]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                Decision.request_id, Decision.action, Decision.decided_at, ContactRequest.sent_at
            ).join(ContactRequest, ContactRequest.id == Decision.request_id)
        ).all()
    return [tuple(row) for row in rows]


def test_fresh_store_gets_the_whole_demo(store):
    summary = load_demo(store, ENGINE, NOW)
    assert summary.requests >= 60
    assert summary.added == summary.requests
    assert store.user_profile().name == "Katrin Albers"


def test_every_category_appears_at_least_three_times(store):
    load_demo(store, ENGINE, NOW)
    categories = store.stats()["categories"]
    rare = {category.value for category in Category if categories.get(category.value, 0) < 3}
    assert rare == set(), categories


@pytest.mark.parametrize("now", [NOW, NOW + timedelta(days=3 * 365)], ids=["soon", "years-later"])
def test_young_profiles_with_999_contacts_stay_young(store, now):
    """The senders' profiles age with the demo: `created` moves with the dates."""
    load_demo(store, ENGINE, now)
    with store.engine.connect() as conn:
        signals = conn.execute(select(StoredVerdict.signals)).scalars()
        young = [s for hits in signals for s in hits if s["name"] == YOUNG_PROFILE]
    assert len(young) >= 10


def test_german_and_english_notes(store):
    load_demo(store, ENGINE, NOW)
    with store.engine.connect() as conn:
        languages = set(conn.execute(select(ContactRequest.lang)).scalars())
    assert {"de", "en"} <= languages


def test_template_clusters_come_from_several_senders(store):
    summary = load_demo(store, ENGINE, NOW)
    templates = store.templates()
    assert summary.templates == len(templates) >= 3
    assert all(template["senders"] >= 4 for template in templates)


def test_requests_span_the_last_weeks_up_to_yesterday(store):
    load_demo(store, ENGINE, NOW)
    sent = _sent_dates(store)
    assert len({moment.isocalendar()[:2] for moment in sent}) >= 6
    assert max(sent) < NOW
    assert NOW - max(sent) < timedelta(days=2)
    assert NOW - min(sent) < timedelta(days=60)


def test_followups_open_and_one_overdue(store):
    summary = load_demo(store, ENGINE, NOW)
    kinds = [due.kind for due in waiting(store, ENGINE, NOW) if due.kind != "reminder"]
    assert kinds.count("overdue") == 1
    assert kinds.count("open") >= 2
    assert summary.followups == len(kinds)


def test_one_sender_has_answered_the_question(store):
    load_demo(store, ENGINE, NOW)
    found = {due.kind: due for due in process_followups(store, ENGINE, NOW)}
    assert "answered" in found
    assert "re-scored as personal" in found["answered"].detail
    assert "no_answer" in found


def test_decisions_follow_their_requests_and_precede_now(store):
    load_demo(store, ENGINE, NOW)
    decisions = _decisions(store)
    assert len(decisions) == len(DECISIONS)
    assert {"accept", "decline_silently", "ask_details"} <= {action for _, action, *_ in decisions}
    assert all(sent_at < decided_at < NOW for _, _, decided_at, sent_at in decisions)


def test_loading_twice_adds_nothing(store):
    first = load_demo(store, ENGINE, NOW)
    stats = store.stats()
    decisions = _decisions(store)
    second = load_demo(store, ENGINE, NOW)
    assert second.added == 0
    assert second == replace(first, added=0)
    assert store.stats() == stats
    assert _decisions(store) == decisions


def test_loading_again_weeks_later_keeps_the_first_dates(store):
    load_demo(store, ENGINE, NOW)
    sent = sorted(_sent_dates(store))
    stats = store.stats()
    later = load_demo(store, ENGINE, NOW + timedelta(days=30))
    assert later.added == 0
    assert sorted(_sent_dates(store)) == sent
    assert store.stats() == stats
    with store.engine.connect() as conn:
        assert len(conn.execute(select(Message.id)).all()) == 1


def test_demo_refuses_a_store_with_real_requests(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'mine.db'}")
    store.set_user_profile({"name": "Me Myself"})
    run_import(store, Path("src/kontaktfilter/data/sample_inbox.jsonl"))
    with pytest.raises(DemoRefused, match="store of its own"):
        load_demo(store, ENGINE, datetime(2026, 11, 23, 8, 0))
    assert store.user_profile().name == "Me Myself"


def test_demo_reset_starts_afresh_and_never_empties_a_real_store(tmp_path):
    """Issue 21: `demo --reset` undoes a day of trying the demo; a store with a request of the
    user's own is refused and keeps everything."""
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    runner = CliRunner()
    now = ["--now", NOW.isoformat()]
    assert runner.invoke(main, ["--db", db, "demo", *now]).exit_code == 0
    fresh = open_store(db).stats()
    store = open_store(db)
    first = next(iter(store.categories_by_request()))
    record_decision(store, first, Action.REPORT_SPAM, NOW, default_strategy())
    assert open_store(db).stats()["tables"]["decisions"] == fresh["tables"]["decisions"] + 1
    again = runner.invoke(main, ["--db", db, "demo", "--reset", *now])
    assert again.exit_code == 0, again.output
    assert "demo reset:" in again.output
    assert open_store(db).stats()["tables"] == fresh["tables"]

    own = tmp_path / "own.jsonl"
    own.write_text('{"text": "Hallo Frau Albers, kurze Frage zu Ihrem Vortrag."}\n', "utf-8")
    assert runner.invoke(main, ["--db", db, "import", str(own)]).exit_code == 0
    before = open_store(db).stats()["tables"]
    refused = runner.invoke(main, ["--db", db, "demo", "--reset", *now])
    assert refused.exit_code == 1 and "requests of your own" in refused.output
    assert open_store(db).stats()["tables"] == before
