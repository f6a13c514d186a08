"""The gate's JSON API (FastAPI): events in, decisions out, every route behind a per-client API
key (`X-API-Key`, hashed at rest). OpenAPI at /openapi.json documents it. Bad input answers 422
with the path of the field in `detail[].loc`, as FastAPI reports it."""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import yaml
from anyio import to_thread
from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader

from kontaktfilter.asgi_limits import BodySizeLimit
from kontaktfilter.bilingual import say_with
from kontaktfilter.gate.direct_checks import DirectChecks, invitation_answer, message_answer
from kontaktfilter.gate.events import EventBatch
from kontaktfilter.gate.policies import GatePolicy
from kontaktfilter.gate.runtime import Gate
from kontaktfilter.gate.schemas import (
    IngestOut,
    InvitationCheck,
    InvitationOut,
    MessageCheck,
    MessageOut,
)

DB_ENV = "KONTAKTFILTER_GATE_DB"
POLICY_ENV = "KONTAKTFILTER_GATE_POLICY"
"""A YAML file of policy overrides (name: value), read by every worker."""
THREADS = 2
"""Requests a worker handles at once in its thread pool (AnyIO's default is 40). One process
computes on one core, so two threads are enough to overlap one check's wait for the database
with another's work; every thread more only waits for the GIL behind the others. With forty,
a loaded worker checked out connections beyond the engine's pool of five and opened a new
PostgreSQL connection for many requests; with four, the bench's check p99 came out at 5.7 to
9.4 ms in some runs and 79 to 99 ms in others, with two at 5.9 to 9.0 ms in each of four runs
in the same turns (docs/gate.md)."""
KEY_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, description="The client's API key")


async def client(request: Request, key: Annotated[str | None, Depends(KEY_HEADER)]) -> str:
    """Every route needs a key; the client's name is recorded with its events. A key the
    worker knows costs a dictionary look-up on the event loop; only an unknown one goes to
    the database, in a thread (a synchronous dependency would cost a thread hop per request)."""
    store = request.app.state.gate.store
    name = store.clients.known(key) if key else None
    if name is None and key:
        name = await run_in_threadpool(store.clients.lookup, key)
    if name is None:
        raise HTTPException(401, "missing or unknown API key (header X-API-Key)")
    return name


Client = Annotated[str, Depends(client)]


def freeze_startup_heap() -> None:
    """Keep what the worker loaded at start out of the garbage collector's full runs. The
    gate's engine is most of a worker's container objects (lexicons, the corpus model),
    loaded once and kept; the objects an ingested batch leaves behind set off a full
    collection now and then, which walked them all and held up every batch and check in
    flight for far longer than a check takes. Frozen, they are never walked again; what is
    created later is collected as before."""
    gc.collect()
    gc.freeze()


MAX_BODY_BYTES = 64 << 20
"""A request body over 64 MiB is refused (413) while it arrives, before anything parses it:
without a limit, any caller, even one without a key, could make a worker hold a body of any
size (FastAPI reads the body before it checks the key). A full batch of 5,000 events with
notes of ordinary length is a few MiB."""


def create_app(gate: Gate, max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = THREADS
        gate.warm(THREADS)
        freeze_startup_heap()
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
        return _json(invitation_answer(gate, body))

    @app.post("/v1/messages/check", response_model=MessageOut)
    def check_message(body: MessageCheck, name: Client) -> Response:
        """May the sender message the recipient now, and why."""
        return _json(message_answer(gate, body))

    app.add_middleware(DirectChecks, gate=gate)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    return app


def _json(answer: bytes) -> Response:
    """The checks' answers, written by orjson (direct_checks.py) as a Response: a returned
    Response skips FastAPI's validation of the answer against its model and the thread hop
    that validation takes after a synchronous route. The models still describe the answers in
    the OpenAPI document; numbers are written as the models wrote them (floats, also for a
    sum that is 0)."""
    return Response(answer, media_type="application/json")


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
