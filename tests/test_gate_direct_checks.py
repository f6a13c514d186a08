"""The checks answered straight from ASGI (gate/direct_checks.py): a well-formed check with a
known key gets the answer the route gives, and everything else reaches the app behind with its
body intact, so the routes keep answering every error as before."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from gate_helpers import Story
from kontaktfilter.gate.direct_checks import DirectChecks
from kontaktfilter.gate.runtime import Gate
from kontaktfilter.gate.service import create_app

ROUTE_TYPE = "application/vnd.kontaktfilter+json"
"""A JSON type FastAPI reads and the direct path leaves to the route."""
CHECKS = [
    ("/v1/invitations/check", {"sender": "a", "recipient": "b", "at": "2026-03-05T10:00:00Z"}),
    (
        "/v1/invitations/check",
        {"sender": "a", "recipient": "c", "note": "Vielleicht ergeben sich Synergien."},
    ),
    (
        "/v1/invitations/check",
        {
            "sender": "c",
            "recipient": "a",
            "note": "Hallo Anna, wie in "
            "Ihrem Vortrag in Köln erwähnt: Ihre Zahlen zur Lieferkette interessieren mich.",
        },
    ),
    ("/v1/messages/check", {"sender": "a", "recipient": "b", "via": "reply"}),
    ("/v1/messages/check", {"sender": "b", "recipient": "a", "at": "2026-03-03T00:00:00"}),
]


@pytest.fixture
def gate(store_url: str) -> Iterator[tuple[Gate, str]]:
    gate = Gate(store_url)
    key = gate.store.clients.add("operator")
    story = Story(gate)
    story.profile("b", privacy="contacts_only")
    story.invite("a", "b", 0, note="Synergien!")
    story.answer("a", "b", "declined", 1, comment="Nein danke.")
    story.connect("c", "d", 0.5)
    gate.store.ingest(story.events, "operator")
    gate.store.clients.lookup(key)  # the worker has seen the key
    yield gate, key
    gate.close()


@pytest.mark.parametrize(("path", "body"), CHECKS)
def test_the_direct_answer_is_the_routes(gate, path: str, body: dict) -> None:
    gate, key = gate
    with TestClient(create_app(gate)) as client:
        direct = client.post(path, json=body, headers={"X-API-Key": key})
        routed = client.post(
            path,
            content=json.dumps(body),
            headers={"X-API-Key": key, "content-type": ROUTE_TYPE},
        )
    assert direct.status_code == routed.status_code == 200
    assert direct.headers["content-type"] == routed.headers["content-type"]
    assert direct.json() == routed.json()


async def _behind(scope: Scope, receive: Receive, send: Send) -> None:
    """The app behind: says what reached it, body included."""
    request = Request(scope, receive)
    body = (await request.body()).decode()
    await JSONResponse({"reached": request.url.path, "body": body}, 418)(scope, receive, send)


@pytest.mark.parametrize(
    ("path", "body", "headers"),
    [
        ("/v1/invitations/check", {"sender": "a", "recipient": "b"}, {}),
        ("/v1/invitations/check", {"sender": "a", "recipient": "b"}, {"X-API-Key": "guessed"}),
        ("/v1/invitations/check", {"sender": "", "recipient": "b"}, None),
        ("/v1/invitations/check", {"sender": "a", "recipient": "b", "extra": 1}, None),
        ("/v1/invitations/check", ["a", "b"], None),
        ("/v1/messages/check", {"sender": "a", "recipient": "b", "via": "pigeon"}, None),
        ("/v1/events", {"events": []}, None),
    ],
)
def test_everything_else_reaches_the_app_with_its_body(gate, path, body, headers) -> None:
    gate, key = gate
    client = TestClient(DirectChecks(_behind, gate))  # no lifespan: _behind speaks HTTP only
    sent = json.dumps(body)
    answer = client.post(
        path,
        content=sent,
        headers={"X-API-Key": key, "content-type": "application/json"}
        if headers is None
        else headers | {"content-type": "application/json"},
    )
    assert answer.status_code == 418
    assert answer.json() == {"reached": path, "body": sent}
    text = client.post(path, content=b"{not json", headers={"X-API-Key": key})
    assert text.json() == {"reached": path, "body": "{not json"}
    other = client.get(path, headers={"X-API-Key": key})
    assert other.json() == {"reached": path, "body": ""}


def test_a_well_formed_check_never_reaches_the_app(gate) -> None:
    gate, key = gate
    client = TestClient(DirectChecks(_behind, gate))  # no lifespan: _behind speaks HTTP only
    for path, body in CHECKS:
        answer = client.post(path, json=body, headers={"X-API-Key": key})
        assert answer.status_code == 200, answer.text
        assert "reached" not in answer.json()
