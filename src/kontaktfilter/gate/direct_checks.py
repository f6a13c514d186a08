"""The two checks served straight from ASGI, and the answers both paths write.

A check is small (a statement, a few counts, perhaps a note's verdict), and FastAPI's routing,
dependency solving and validation cost as much CPU again as the check itself. `DirectChecks` sits
in front of the routes and answers a well-formed check with a known key itself: the same model
validates the same JSON, the same function decides and writes the answer. Anything else (no
key, a key the worker has not seen yet, a body that is not JSON or does not validate, another
route) goes on to FastAPI unchanged, with the body it read handed on, so every error is answered
by the routes as before and the OpenAPI document still describes both checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from anyio import to_thread
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kontaktfilter.gate.decisions import Reason
from kontaktfilter.gate.runtime import Gate
from kontaktfilter.gate.schemas import InvitationCheck, MessageCheck

KEY_NAME = b"x-api-key"
JSON_TYPE = b"application/json"
ANSWER_HEADERS = [(b"content-type", JSON_TYPE)]


def invitation_answer(gate: Gate, body: InvitationCheck) -> bytes:
    """allow, hold, limit or block, with every reason and the note's verdict (only the names of
    its signals: their descriptions and spans are never worked out for the gate)."""
    decision, verdict = gate.check_invitation(body.sender, body.recipient, body.note, body.at)
    note = None
    if verdict is not None:
        note = {
            "category": verdict.category.value,
            "action": verdict.action.value,
            "genuine": None if verdict.genuine is None else float(verdict.genuine),
            "signals": list(verdict.signal_names),
        }
    return orjson.dumps(
        {
            "outcome": decision.outcome.value,
            "reasons": [_reason(reason) for reason in decision.reasons],
            "risk": float(decision.risk),
            "signals": [_reason(reason) for reason in decision.signals],
            "note": note,
        }
    )


def message_answer(gate: Gate, body: MessageCheck) -> bytes:
    """May the sender message the recipient now, and why."""
    decision = gate.check_message(body.sender, body.recipient, body.via, body.at)
    return orjson.dumps(
        {"allowed": decision.allowed, "reason": decision.reason, "detail": decision.detail}
    )


def _reason(reason: Reason) -> dict[str, Any]:
    return {
        "name": reason.name,
        "outcome": reason.outcome.value,
        "detail": reason.detail,
        "score": None if reason.score is None else float(reason.score),
    }


ROUTES: dict[str, tuple[type[BaseModel], Callable[[Gate, Any], bytes]]] = {
    "/v1/invitations/check": (InvitationCheck, invitation_answer),
    "/v1/messages/check": (MessageCheck, message_answer),
}


class DirectChecks:
    """ASGI middleware: a well-formed check with a known key is answered here, in the worker's
    thread pool as FastAPI would run the route; everything else reaches the app unchanged."""

    def __init__(self, app: ASGIApp, gate: Gate) -> None:
        self.app, self.gate = app, gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = ROUTES.get(scope["path"]) if scope["type"] == "http" else None
        if route is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        key, is_json = _headers(scope)
        client = self.gate.store.clients.known(key) if key is not None else None
        if client is None or not is_json:
            await self.app(scope, receive, send)
            return
        try:
            body, stopped = await _body(receive)
        except HTTPException as refused:
            await _answer(send, refused.status_code, orjson.dumps({"detail": refused.detail}))
            return
        check = None if stopped else _parse(route[0], body)
        if check is None:
            await self.app(scope, _replay(body, stopped, receive), send)
            return
        await _answer(send, 200, await to_thread.run_sync(route[1], self.gate, check))


async def _answer(send: Send, status: int, answer: bytes) -> None:
    """A JSON answer; a refusal (the body limit's 413, raised while the body arrives, outside
    the app's exception handlers) has FastAPI's shape, `{"detail": ...}`."""
    headers = [*ANSWER_HEADERS, (b"content-length", str(len(answer)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": answer})


def _headers(scope: Scope) -> tuple[str | None, bool]:
    """The first API key header (as Starlette reads it) and whether the body is plain JSON
    (a charset parameter allowed; other JSON types are left to FastAPI)."""
    key, content_type = None, None
    for name, value in scope["headers"]:
        if name == KEY_NAME and key is None:
            key = value.decode("latin-1")
        elif name == b"content-type" and content_type is None:
            content_type = value
    is_json = content_type is not None and content_type.split(b";")[0].strip().lower() == JSON_TYPE
    return key, is_json


async def _body(receive: Receive) -> tuple[bytes, Message | None]:
    """The request's body; a message other than a body part (a disconnect) stops the reading
    and is handed on with what was read."""
    parts = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(parts), message
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(parts), None


def _parse(model: type[BaseModel], body: bytes) -> BaseModel | None:
    """The check as FastAPI reads it (JSON to Python, then the model in Python mode); None for
    anything FastAPI should answer itself."""
    try:
        return model.model_validate(orjson.loads(body))
    except (orjson.JSONDecodeError, ValidationError):
        return None


def _replay(body: bytes, stopped: Message | None, receive: Receive) -> Receive:
    """A `receive` that hands the app the body again, then what followed it."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
    if stopped is not None:
        pending.append(stopped)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed
