"""The queue's lists and one page per request: search, the Decided and Waiting lists with what
was decided and by when, taking a decision back, the reply kept with a decision, and the
permalink with the request's history, on both backends."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kontaktfilter.services.inbox import RequestFilter, list_requests
from kontaktfilter.store.schema import Decision
from web_helpers import client, csrf_headers, fill, screener


@pytest.fixture
def web(store_url):
    state = screener(store_url)
    fill(state.store("local"))
    with client(state) as test_client:
        test_client.cookies.set("kontaktfilter_lang", "en")
        yield test_client, state


def _ids(page: str) -> list[str]:
    return re.findall(r'<li class="card" id="r(\d+)"', page)


def _card(page: str, request_id: int) -> str:
    return page.split(f'id="r{request_id}"')[1].split('<li class="card"')[0]


def _pending(web) -> list[dict]:
    return web.get("/api/requests?status=pending").json()["items"]


def test_search_finds_sender_and_text_and_says_when_nothing_matches(web):
    web, _ = web
    first = _pending(web)[0]
    by_name = web.get("/", params={"q": first["sender_name"].split()[0]}).text
    assert str(first["id"]) in _ids(by_name)
    assert len(_ids(by_name)) < len(_pending(web))
    word = max(first["text"].split(), key=len).strip(".,!?")
    assert str(first["id"]) in _ids(web.get("/", params={"q": word}).text)
    nothing = web.get("/", params={"q": "%_zzz-no-such-text_%"}).text
    assert _ids(nothing) == [] and "No request matches the search." in nothing
    assert web.get("/", params={"q": "x" * 201}).status_code == 422


def test_decided_list_says_what_and_when_and_takes_it_back(web):
    web, _ = web
    target = _pending(web)[0]["id"]
    headers = csrf_headers(web)
    assert web.post(
        f"/api/requests/{target}/decision", json={"action": "accept"}, headers=headers
    ).is_success
    decided = web.get("/?status=decided").text
    card = _card(decided, target)
    assert re.search(r"Decided: Accept on \d\d\.\d\d\.\d{4}", card)
    token = headers["X-CSRF-Token"]
    back = web.post(f"/requests/{target}/undo", data={"csrf_token": token, "next": "/"})
    assert back.status_code == 303
    assert target in [item["id"] for item in _pending(web)]
    again = web.post(f"/requests/{target}/undo", data={"csrf_token": token})
    assert again.status_code == 404  # nothing stands any more
    assert web.post(f"/requests/{target}/undo").status_code == 403  # no CSRF token


def test_waiting_list_shows_the_deadline_and_can_still_decide(web):
    web, _ = web
    target = _pending(web)[0]["id"]
    headers = csrf_headers(web)
    web.post(f"/api/requests/{target}/decision", json={"action": "ask_details"}, headers=headers)
    card = _card(web.get("/?status=waiting").text, target)
    assert re.search(r"Deadline: \d\d\.\d\d\.\d{4}", card)
    assert 'value="decline_silently"' in card  # the sender may be declined while waiting


def test_the_reply_sent_is_kept_with_the_decision_and_shown_in_the_history(web):
    web, state = web
    target = _pending(web)[0]["id"]
    headers = csrf_headers(web)
    edited = "Hallo, gern – was genau schwebt Ihnen vor? <script>x()</script>"
    sent = web.post(
        f"/api/requests/{target}/decision",
        json={"action": "ask_details", "reply": edited},
        headers=headers,
    )
    assert sent.is_success
    with state.store("local").engine.connect() as conn:
        kept = conn.execute(select(Decision.comment).where(Decision.request_id == target))
        assert kept.scalar_one() == edited
    page = web.get(f"/requests/{target}").text
    assert "History" in page and "decision: Ask for details" in page
    assert "&lt;script&gt;x()&lt;/script&gt;" in page and "<script>x()" not in page
    assert re.search(r"follow-up open, due \d\d\.\d\d\.\d{4}", page)


def test_a_request_page_is_only_its_owners(web):
    web, state = web
    target = _pending(web)[0]["id"]
    assert web.get(f"/requests/{target}").status_code == 200
    mallory = state.store("mallory")
    fill(mallory)
    theirs = list_requests(mallory, RequestFilter("pending"), 1)[0][0].request_id
    assert theirs != target
    assert web.get(f"/requests/{theirs}").status_code == 404  # another user's request
    assert web.get("/requests/99999999").status_code == 404
