"""The templates page: a cluster's senders and requests, "decline all of this template" and
one undo for the whole batch, on both backends."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kontaktfilter.store.schema import ContactRequest, Decision
from web_helpers import add_template_cluster, client, csrf_headers, fill, screener


@pytest.fixture
def web(store_url, tmp_path):
    state = screener(store_url)
    store = state.store("local")
    fill(store)
    add_template_cluster(store, tmp_path)
    with client(state) as test_client:
        test_client.cookies.set("kontaktfilter_lang", "en")
        yield test_client, store


def _statuses(store) -> dict[str, str]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(ContactRequest.key, ContactRequest.status)).all()
    return {key.rsplit(":", 1)[-1]: status for key, status in rows if "tpl-" in key}


def test_a_cluster_lists_its_requests_declines_them_all_and_one_undo_brings_them_back(web):
    web, store = web
    page = web.get("/templates").text
    assert page.count('href="/requests/') >= 5 and "Sammler Adler" in page
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    assert "Decline all 5 open ones silently" in page
    before = web.get("/api/requests?status=pending").json()["total"]

    token = csrf_headers(web)["X-CSRF-Token"]
    done = web.post("/templates/decide", data={"csrf_token": token, "key": key})
    assert done.status_code == 303 and done.headers["location"] == "/templates?decided=5"
    assert set(_statuses(store).values()) == {"decided"}
    assert web.get("/api/requests?status=pending").json()["total"] == before - 5
    with store.engine.connect() as conn:
        batches = conn.execute(select(Decision.batch, Decision.action)).all()
    assert len({b for b, _ in batches if b is not None}) == 1
    assert {a for b, a in batches if b is not None} == {"decline_silently"}
    assert "5 requests of this template declined." in web.get("/templates?decided=5").text

    undone = web.post("/undo", data={"csrf_token": token, "next": "/templates"})
    assert undone.status_code == 303
    assert set(_statuses(store).values()) == {"pending"}  # the whole batch, one undo
    assert web.get("/api/requests?status=pending").json()["total"] == before


def test_bulk_actions_are_only_silent_and_need_a_pending_cluster(web):
    web, _store = web
    token = csrf_headers(web)["X-CSRF-Token"]
    page = web.get("/templates").text
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    writing = web.post(
        "/templates/decide", data={"csrf_token": token, "key": key, "action": "accept_and_reply"}
    )
    assert writing.status_code == 422
    assert (
        web.post("/templates/decide", data={"csrf_token": token, "key": "nope"}).status_code == 404
    )
    assert web.post("/templates/decide", data={"key": key}).status_code == 403
