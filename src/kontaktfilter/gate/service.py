"""The gate's JSON API (FastAPI): events in, decisions out, every route behind a per-client API
key (`X-API-Key`, hashed at rest). OpenAPI at /openapi.json documents it. Bad input answers 422
with the path of the field in `detail[].loc`, as FastAPI reports it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

import orjson
import yaml
from anyio import to_thread
from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field

from kontaktfilter.bilingual import say_with
from kontaktfilter.gate.decisions import Outcome, Reason
from kontaktfilter.gate.events import MAX_NOTE, EventBatch, Id, Moment
from kontaktfilter.gate.policies import GatePolicy
from kontaktfilter.gate.runtime import Gate

DB_ENV = "KONTAKTFILTER_GATE_DB"
POLICY_ENV = "KONTAKTFILTER_GATE_POLICY"
"""A YAML file of policy overrides (name: value), read by every worker."""
THREADS = 4
"""Requests a worker handles at once in its thread pool (AnyIO's default is 40). One process
computes on one core, so a few threads are enough to overlap one check's wait for the database
with another's work, and four stay within the engine's pool of five connections: with forty,
a loaded worker checked out connections beyond the pool and opened a new PostgreSQL connection
for many requests."""
KEY_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, description="The client's API key")


class IngestOut(BaseModel):
    received: int
    new: int
    duplicates: int
    """Event ids the gate had already counted: a retry is always safe."""
    orphans: int


class InvitationCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sender: Id
    recipient: Id
    note: str = Field("", max_length=MAX_NOTE)
    at: Moment | None = None
    """The moment to decide for (default: now); replays pass the event's time."""


class ReasonOut(BaseModel):
    name: str
    outcome: Outcome
    detail: str
    score: float | None = None


class NoteOut(BaseModel):
    category: str
    action: str
    genuine: float | None
    signals: list[str]


class InvitationOut(BaseModel):
    outcome: Outcome
    reasons: list[ReasonOut]
    risk: float
    signals: list[ReasonOut]
    note: NoteOut | None


class MessageCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sender: Id
    recipient: Id
    via: Literal["direct", "reply", "group"] = "direct"
    """How the message would reach the recipient: a new message, an answer (to a message, a
    note or a decline comment), or a post into a shared group. Each is held to the setting."""
    at: Moment | None = None


class MessageOut(BaseModel):
    allowed: bool
    reason: str
    detail: str


async def client(request: Request, key: Annotated[str | None, Depends(KEY_HEADER)]) -> str:
    """Every route needs a key; the client's name is recorded with its events. A key the
    worker knows costs a dictionary look-up on the event loop; only an unknown one goes to
    the database, in a thread (a synchronous dependency would cost a thread hop per request)."""
    store = request.app.state.gate.store
    name = store.known_client(key) if key else None
    if name is None and key:
        name = await run_in_threadpool(store.client_for, key)
    if name is None:
        raise HTTPException(401, "missing or unknown API key (header X-API-Key)")
    return name


Client = Annotated[str, Depends(client)]


def create_app(gate: Gate) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = THREADS
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="kontaktfilter gate",
        version="1",
        description="Limits, privacy that holds, behaviour and reputation for a network "
        "operator (docs/gate.md).",
    )
    app.state.gate = gate

    @app.post("/v1/events", response_model=IngestOut)
    def post_events(batch: EventBatch, name: Client) -> IngestOut:
        """Apply a batch; each event id counts once, so a failed batch is simply sent again."""
        result = gate.store.ingest(batch.events, name)
        return IngestOut(
            received=result.received,
            new=result.new,
            duplicates=result.duplicates,
            orphans=result.orphans,
        )

    @app.post("/v1/invitations/check", response_model=InvitationOut)
    def check_invitation(body: InvitationCheck, name: Client) -> Response:
        """allow, hold, limit or block, with every reason and the note's verdict."""
        decision, verdict = gate.check_invitation(body.sender, body.recipient, body.note, body.at)
        note = None
        if verdict is not None:
            note = {
                "category": verdict.category.value,
                "action": verdict.action.value,
                "genuine": None if verdict.genuine is None else float(verdict.genuine),
                "signals": list(verdict.signal_names),
            }
        return _json(
            {
                "outcome": decision.outcome.value,
                "reasons": [_reason(reason) for reason in decision.reasons],
                "risk": float(decision.risk),
                "signals": [_reason(reason) for reason in decision.signals],
                "note": note,
            }
        )

    @app.post("/v1/messages/check", response_model=MessageOut)
    def check_message(body: MessageCheck, name: Client) -> Response:
        """May the sender message the recipient now, and why."""
        decision = gate.check_message(body.sender, body.recipient, body.via, body.at)
        return _json(
            {"allowed": decision.allowed, "reason": decision.reason, "detail": decision.detail}
        )

    return app


def _json(content: dict[str, Any]) -> Response:
    """The checks' answers, written by orjson: a returned Response skips FastAPI's validation
    of the answer against its model and the thread hop that validation takes after a
    synchronous route. The models above still describe the answers in the OpenAPI document;
    numbers are written as the models wrote them (floats, also for a sum that is 0)."""
    return Response(orjson.dumps(content), media_type="application/json")


def _reason(reason: Reason) -> dict[str, Any]:
    return {
        "name": reason.name,
        "outcome": reason.outcome.value,
        "detail": reason.detail,
        "score": None if reason.score is None else float(reason.score),
    }


def app_from_environment() -> FastAPI:
    """The factory `gate serve` hands to uvicorn (one per worker process)."""
    url = os.environ.get(DB_ENV)
    if not url:
        raise RuntimeError(f"{DB_ENV} is not set: the gate needs a database URL")
    return create_app(Gate(url, load_policy(os.environ.get(POLICY_ENV))))


def load_policy(path: str | None) -> GatePolicy:
    """The defaults, changed by the file's entries; an error names the file and the setting."""
    if not path:
        return GatePolicy()
    with open(path, encoding="utf-8") as handle:
        overrides = yaml.safe_load(handle) or {}
    if not isinstance(overrides, dict):
        raise ValueError(
            say_with(
                "{path}: expected name: value pairs",
                "{path}: erwartet werden Paare aus Name: Wert",
                path=path,
            )
        )
    try:
        return GatePolicy().with_overrides(overrides)
    except ValueError as exc:
        raise ValueError(
            say_with("{path}: {reason}", "{path}: {reason}", path=path, reason=exc)
        ) from exc
