"""The JSON API on a real store (SQLite and PostgreSQL): scoring, listing, deciding, undo,
drafts, follow-ups, templates, statistics, strategy and imports, with one error shape."""

from __future__ import annotations

import json
import time

import pytest

from kontaktfilter.services.synthetic import write_export
from kontaktfilter.store import open_store
from web_helpers import client, csrf_headers, fill, screener

SYNERGY = "Vielleicht ergeben sich wertvolle Synergien."


@pytest.fixture
def web(store_url):
    state = screener(store_url)
    fill(state.store("local"))
    with client(state) as test_client:
        yield test_client


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    return body["error"]


def test_score_names_the_signals_and_their_spans(web):
    verdict = web.post("/api/score", json={"text": SYNERGY, "lang": "de"}).json()
    assert verdict["category"] in {"vague", "generic"}
    spans = [span["text"] for s in verdict["signals"] for span in s["spans"]]
    assert any("Synergien" in text for text in spans)
    assert all(s["description"] for s in verdict["signals"])


def test_score_knows_the_kind_and_gives_learned_weights(web):
    thanks = "Thanks for connecting, Anna! How did the SAP rollout at your plant go?"
    invitation = web.post("/api/score", json={"text": thanks}).json()
    message = web.post("/api/score", json={"text": thanks, "kind": "message"}).json()
    assert "PERS_PHANTOM_THANKS" in {s["name"] for s in invitation["signals"]}
    assert "PERS_PHANTOM_THANKS" not in {s["name"] for s in message["signals"]}
    assert 0.0 <= message["genuine_probability"] <= 1.0
    rule_signals = [s for s in message["signals"] if not s["name"].startswith("LEARN_")]
    assert rule_signals and all(s["learned_weight"] is not None for s in rule_signals)
    _error(web.post("/api/score", json={"text": "x", "kind": "letter"}), 422, "invalid")


def test_score_refuses_a_bad_profile_field_by_name(web):
    response = web.post("/api/score", json={"text": "Hallo", "sender": {"contacts": "many"}})
    error = _error(response, 422, "invalid")
    assert error["field"] == "sender.contacts"


def test_score_validation_errors_name_the_field(web):
    error = _error(web.post("/api/score", json={"lang": "fr", "text": "x"}), 422, "invalid")
    assert error["field"] == "lang"
    _error(
        web.post("/api/score", content=b"{not json", headers={"content-type": "application/json"}),
        422,
        "invalid",
    )


def test_requests_are_listed_most_urgent_first_and_paged(web):
    first = web.get("/api/requests", params={"status": "pending", "limit": 5}).json()
    assert first["total"] >= 20 and len(first["items"]) == 5
    second = web.get("/api/requests", params={"status": "pending", "limit": 5, "offset": 5}).json()
    ids = [i["id"] for i in first["items"]] + [i["id"] for i in second["items"]]
    assert len(set(ids)) == 10
    everything = web.get("/api/requests", params={"status": "pending", "limit": 500}).json()
    assert everything["items"][0]["action"] == "accept_and_reply"
    assert everything["items"][-1]["action"] in {"report_spam", "decline_silently"}


def test_requests_filter_by_category_and_text(web):
    spam = web.get("/api/requests", params={"category": "spam"}).json()
    assert spam["total"] >= 1 and {i["category"] for i in spam["items"]} == {"spam"}
    found = web.get("/api/requests", params={"q": "Podcast"}).json()
    assert found["total"] >= 1 and all(
        "podcast" in (i["text"] + i["sender_name"]).lower() for i in found["items"]
    )
    assert web.get("/api/requests", params={"q": "100%_"}).json()["total"] == 0
    _error(web.get("/api/requests", params={"status": "lost"}), 422, "invalid")
    _error(web.get("/api/requests", params={"limit": 0}), 422, "invalid")


def test_decide_undo_and_follow_up(web):
    headers = csrf_headers(web)
    vague = web.get("/api/requests", params={"action": "ask_details"}).json()["items"][0]
    decided = web.post(
        f"/api/requests/{vague['id']}/decision", json={"action": "ask_details"}, headers=headers
    )
    assert decided.json()["status"] == "waiting"
    followups = web.get("/api/followups").json()
    assert any(f["request_id"] == vague["id"] and f["kind"] == "open" for f in followups)
    assert web.post("/api/undo", headers=headers).json() == {"request_id": vague["id"]}
    assert web.get(f"/api/requests/{vague['id']}").json()["status"] == "pending"
    assert not any(
        f["request_id"] == vague["id"] and f["kind"] == "open"
        for f in web.get("/api/followups").json()
    )


def test_state_changes_need_the_csrf_token(web):
    item = web.get("/api/requests").json()["items"][0]
    _error(
        web.post(f"/api/requests/{item['id']}/decision", json={"action": "accept"}),
        403,
        "forbidden",
    )
    wrong = {"X-CSRF-Token": "guessed"}
    _error(web.post("/api/undo", headers=wrong), 403, "forbidden")
    assert web.get(f"/api/requests/{item['id']}").json()["status"] == "pending"


def test_draft_for_a_chosen_action(web):
    item = web.get("/api/requests", params={"action": "accept_and_reply"}).json()["items"][0]
    draft = web.get(f"/api/requests/{item['id']}/draft").json()
    assert draft["action"] == "accept_and_reply" and draft["reply"]
    declined = web.get(f"/api/requests/{item['id']}/draft", params={"action": "decline_silently"})
    assert declined.json()["reply"] is None  # a silent decline has nothing to send


def test_stats_and_templates(web):
    stats = web.get("/api/stats").json()
    assert sum(stats["categories"].values()) == stats["tables"]["requests"]
    assert stats["weeks"] and 0 <= stats["unwanted_share"] <= 1
    assert isinstance(web.get("/api/templates").json(), list)


def test_strategy_is_validated_before_it_is_saved(web):
    headers = csrf_headers(web)
    before = web.get("/api/strategy").json()
    bad = web.put(
        "/api/strategy", json={"text": "rules: [{name: x, action: explode}]"}, headers=headers
    )
    assert "explode" in _error(bad, 422, "invalid")["message"]
    assert web.get("/api/strategy").json() == before
    text = before["text"].replace("follow_up_days: 7", "follow_up_days: 3")
    assert text != before["text"], "the default strategy should set follow_up_days: 7"
    saved = web.put("/api/strategy", json={"text": text}, headers=headers).json()
    assert saved["follow_up_days"] == 3 and saved["text"] == text


def _wait(web, job_id: str, headers: dict[str, str] | None = None) -> dict:
    for _ in range(200):
        job = web.get(f"/api/imports/{job_id}", headers=headers).json()
        if job["state"] != "running":
            return job
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


def test_import_upload_runs_and_reports(web, tmp_path):
    export = write_export(
        tmp_path / "export", zipped=True, invitations=40, connections=10, messages=10
    )
    with export.open("rb") as stream:
        started = web.post(
            "/api/imports",
            files={"file": (export.name, stream, "application/zip")},
            headers=csrf_headers(web),
        )
    assert started.status_code == 202
    job = _wait(web, started.json()["id"])
    assert job["state"] == "done", job
    assert sum(r["added"] for r in job["reports"]) > 0
    assert any(s["done"] == s["total"] for s in job["sources"])


def test_a_bad_upload_fails_with_its_line_and_changes_nothing(web, tmp_path):
    before = web.get("/api/stats").json()["tables"]
    bad = b'{"text": "ok"}\n{"text": 5}\n'
    started = web.post(
        "/api/imports",
        files={"file": ("inbox.jsonl", bad, "application/json")},
        headers=csrf_headers(web),
    )
    job = _wait(web, started.json()["id"])
    assert job["state"] == "failed" and "inbox.jsonl:2" in job["error"]
    after = web.get("/api/stats").json()["tables"]
    assert {k: v for k, v in after.items() if k != "import_runs"} == {
        k: v for k, v in before.items() if k != "import_runs"
    }


def test_uploads_are_size_limited(web):
    big = b"x" * (2 << 20)
    response = web.post(
        "/api/imports", files={"file": ("big.jsonl", big, "text/plain")}, headers=csrf_headers(web)
    )
    _error(response, 413, "too_large")


def test_another_users_requests_are_unreachable_by_id(store_url):
    state = screener(store_url, local=False)
    fill(state.store("anna"))
    from kontaktfilter.web.auth import set_password

    set_password(state.database, "anna", "anna-password-1")
    set_password(state.database, "ben", "ben-password-12")
    annas = open_store(store_url, "anna")
    some_id = annas.stats() and next(iter(annas.categories_by_request()))
    with client(state) as ben:
        token = ben.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
        signed = ben.post(
            "/login", data={"name": "ben", "password": "ben-password-12", "csrf_token": token}
        )
        assert signed.status_code == 303
        headers = csrf_headers(ben)
        for response in (
            ben.get(f"/api/requests/{some_id}"),
            ben.get(f"/api/requests/{some_id}/draft"),
            ben.post(
                f"/api/requests/{some_id}/decision", json={"action": "accept"}, headers=headers
            ),
        ):
            error = _error(response, 404, "not_found")
            assert json.dumps(error).count("Albers") == 0
        assert ben.get("/api/requests").json()["total"] == 0
    assert annas.stats()["statuses"].get("decided", 0) == 0


def test_an_upload_with_a_300_character_name_imports(web):
    """Issue 19: such a name gave a 500 and left its folder behind; the ending is kept."""
    name = "a" * 300 + ".jsonl"
    note = b'{"text": "Hallo Frau Albers, kurze Frage zu Ihrem Vortrag in Kassel."}\n'
    started = web.post(
        "/api/imports", files={"file": (name, note, "text/plain")}, headers=csrf_headers(web)
    )
    assert started.status_code == 202
    job = _wait(web, started.json()["id"])
    assert job["state"] == "done" and job["reports"][0]["added"] == 1, job
    assert len(job["reports"][0]["source"]) <= 100


@pytest.mark.parametrize(
    ("lang", "missing", "invalid", "refused", "unknown"),
    [
        (
            "de",
            "keine Anfrage 999999",
            "darf höchstens 500 sein",
            "CSRF-Token fehlt",
            "HTTP-Fehler",
        ),
        ("en", "no request 999999", "must be at most 500", "missing or wrong CSRF", "HTTP error"),
    ],
)
def test_errors_speak_the_readers_language_and_keep_their_code(
    web, lang, missing, invalid, refused, unknown
):
    """Issue 21: API errors were English for a German reader; the message follows
    Accept-Language, the code stays what programs read."""
    header = {"Accept-Language": f"{lang},en;q=0.1" if lang == "de" else lang}
    assert (
        _error(web.get("/api/requests/999999", headers=header), 404, "not_found")["message"]
        == missing
    )
    too_many = _error(web.get("/api/requests?limit=9999", headers=header), 422, "invalid")
    assert too_many["message"] == invalid and too_many["field"] == "query.limit"
    assert refused in _error(web.post("/api/undo", headers=header), 403, "forbidden")["message"]
    assert unknown in _error(web.get("/api/nowhere", headers=header), 404, "not_found")["message"]
    strategy = {"text": "rules: [{name: x, action: explode}]"}
    bad = web.put("/api/strategy", json=strategy, headers=header | csrf_headers(web))
    message = _error(bad, 422, "invalid")["message"]
    assert "explode" in message and message.startswith("abgelehnt: ") == (lang == "de")
    rule = (
        "Strategie: Regel 1 ('x'): Schlüssel 'action'"
        if lang == "de"
        else "strategy: rule 1 ('x'): key 'action'"
    )
    assert rule in message  # the strategy's own error, not only its frame, in the reader's words


@pytest.mark.parametrize(
    ("lang", "said", "english"),
    [
        (
            "de",
            [
                "Feld 'sender.contacts' muss eine Zahl wie 250",
                "inbox.jsonl:2: Feld 'text' muss ein Text sein",
                "Aus dieser Datei wurde nichts gespeichert.",
            ],
            ["field", "must be", "Nothing from this file"],
        ),
        (
            "en",
            [
                "field 'sender.contacts' must be a number like 250",
                "inbox.jsonl:2: field 'text' must be a string",
                "Nothing from this file was stored.",
            ],
            ["Feld", "muss", "nichts gespeichert"],
        ),
    ],
)
def test_a_bad_request_and_a_bad_upload_are_explained_in_the_readers_language(
    web, lang, said, english
):
    """Issue 21: the messages of the file readers (a field's value, a file's line) reached a
    German reader in English; they follow Accept-Language like the API's own errors."""
    header = {"Accept-Language": lang}
    refused = web.post(
        "/api/score", json={"text": "Hallo", "sender": {"contacts": "many"}}, headers=header
    )
    started = web.post(
        "/api/imports",
        files={"file": ("inbox.jsonl", b'{"text": "ok"}\n{"text": 5}\n', "application/json")},
        headers=header | csrf_headers(web),
    )
    job = _wait(web, started.json()["id"], header)
    messages = " | ".join([_error(refused, 422, "invalid")["message"], job["error"]])
    assert [text for text in said if text not in messages] == []
    assert [word for word in english if word in messages] == [], messages
