"""The JSON API under /api, described by the OpenAPI document at /openapi.json.

Every route works on the signed-in user's data only: a request id of another user is a 404,
exactly like an id that does not exist, so ids reveal nothing. State changes need the
session's CSRF token (GET /api/session hands it out)."""

from __future__ import annotations

import re
import shutil
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from kontaktfilter.config import data_dir
from kontaktfilter.formats.records import FieldError, parse_request
from kontaktfilter.formats.verdicts import verdict_to_dict
from kontaktfilter.learning.user_model import NO_MODEL
from kontaktfilter.learning.user_model import load as load_user_model
from kontaktfilter.model import Action, Category
from kontaktfilter.services.dashboard import as_dict, dashboard
from kontaktfilter.services.followups import process_followups, waiting
from kontaktfilter.services.inbox import (
    STATUSES,
    WAITING_ACTIONS,
    RequestFilter,
    find_request,
    list_requests,
    record_decision,
    stored_request,
    undo_last,
)
from kontaktfilter.services.runtime import strategy_folder, strategy_text
from kontaktfilter.store.repository import utcnow
from kontaktfilter.strategy import StrategyError, install_strategy_text
from kontaktfilter.web import schemas
from kontaktfilter.web.auth import csrf_token, current_user, require_csrf
from kontaktfilter.web.errors import ApiError
from kontaktfilter.web.i18n import choose_language
from kontaktfilter.web.present import request_out
from kontaktfilter.web.state import Screener

ERRORS = {code: {"model": schemas.ErrorOut} for code in (400, 401, 403, 404, 413, 422)}
router = APIRouter(prefix="/api", responses=ERRORS)
User = Annotated[str, Depends(current_user)]
Csrf = Depends(require_csrf)
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_ROW = 2**31 - 1
"""Ids and offsets beyond a 32-bit integer column cannot exist: refused as invalid (422)."""
RequestId = Annotated[int, Path(ge=1, le=MAX_ROW)]


def screener(request: Request) -> Screener:
    return request.app.state.screener


App = Annotated[Screener, Depends(screener)]


@router.get("/health", response_model=schemas.HealthOut)
def health() -> dict[str, str]:
    """Liveness, without touching the store."""
    return {"status": "ok"}


@router.get("/session", response_model=schemas.SessionOut)
def session(request: Request, user: User) -> dict[str, str]:
    """Who is signed in, and the CSRF token for state changes."""
    return {"user": user, "csrf_token": csrf_token(request.session)}


@router.post("/score", response_model=schemas.VerdictOut)
def score(body: schemas.ScoreIn, app: App, user: User) -> dict:
    """Score one request without storing anything (the platform gate's call)."""
    try:  # the schema checked the shapes; parse_request checks the values, as for files
        request, _label = parse_request(body.model_dump(exclude_none=True, mode="json"))
    except FieldError as exc:
        raise ApiError(422, str(exc), exc.field) from None
    except ValueError as exc:
        raise ApiError(422, str(exc)) from None
    return verdict_to_dict(app.engine_for(user).score(request))


@router.get("/requests", response_model=schemas.RequestPage)
def requests(
    http: Request,
    app: App,
    user: User,
    status: Annotated[str | None, Query(description="pending, waiting, decided, connected")] = None,
    category: Category | None = None,
    action: Action | None = None,
    q: Annotated[str | None, Query(max_length=200, description="text in note or name")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ROW)] = 0,
) -> dict:
    """The user's incoming requests, most urgent first, a page at a time."""
    if status is not None and status not in STATUSES:
        raise ApiError(422, f"status must be one of {', '.join(STATUSES)}", "status")
    where = RequestFilter(
        status, category.value if category else None, action.value if action else None, q
    )
    items, total = list_requests(app.store(user), where, limit, offset)
    lang = choose_language(http)
    return {
        "items": [request_out(item, lang) for item in items],
        "total": total,
        "limit": limit,
        "offset": offset,
    }


def _owned(app: Screener, user: str, request_id: int):
    item = find_request(app.store(user), request_id)
    if item is None:
        raise ApiError(404, f"no request {request_id}")
    return item


@router.get("/requests/{request_id}", response_model=schemas.RequestOut)
def request_detail(request_id: RequestId, http: Request, app: App, user: User) -> dict:
    return request_out(_owned(app, user, request_id), choose_language(http))


@router.get("/requests/{request_id}/draft", response_model=schemas.DraftOut)
def draft(request_id: RequestId, app: App, user: User, action: Action | None = None) -> dict:
    """The reply draft for the action the user is about to take (default: the recommended)."""
    item = _owned(app, user, request_id)
    chosen = action or Action(item.action)
    reply, note = app.engine_for(user).draft(stored_request(app.store(user), request_id), chosen)
    return {"action": chosen, "reply": reply, "note": note}


@router.post(
    "/requests/{request_id}/decision", response_model=schemas.DecisionOut, dependencies=[Csrf]
)
def decide(request_id: RequestId, body: schemas.DecisionIn, app: App, user: User) -> dict:
    """Record what the user did; ask_details and hold_wait open a follow-up."""
    strategy = app.engine_for(user).strategy
    try:
        decision = record_decision(app.store(user), request_id, body.action, utcnow(), strategy)
    except LookupError:
        raise ApiError(404, f"no request {request_id}") from None
    app.decided(user)
    status = "waiting" if body.action in WAITING_ACTIONS else "decided"
    return {"decision_id": decision, "request_id": request_id, "status": status}


@router.post("/undo", response_model=schemas.UndoOut, dependencies=[Csrf])
def undo(app: App, user: User) -> dict:
    """Take back the newest decision."""
    undone = undo_last(app.store(user))
    app.decided(user)
    return {"request_id": undone}


def learning_status(app: Screener, user: str, message: str = "") -> dict:
    """The user's learned model as the API and the dashboard show it."""
    store = app.store(user)
    row = store.learned_model()
    model, warning = load_user_model(store)
    out: dict = {"model": model is not None, "decisions": store.decision_count()}
    if model is not None and row is not None:
        info = model.info
        out |= {"trained_at": row.trained_at, "distinct": info.distinct}
        out |= {"counts": info.counts, "trust": round(model.trust, 4)}
    out["message"] = message or warning or ""
    return out


@router.get("/learn", response_model=schemas.LearnOut)
def learn_status(app: App, user: User) -> dict:
    """The user's learned model: what it was trained on and how far it is trusted."""
    return learning_status(app, user)


@router.post("/learn", response_model=schemas.LearnOut, dependencies=[Csrf])
def learn_now(app: App, user: User) -> dict:
    """Rebuild the model from all standing decisions now (it also retrains by itself after
    every 10 decisions)."""
    return learning_status(app, user, app.learn(user).message)


@router.delete("/learn", response_model=schemas.LearnOut, dependencies=[Csrf])
def learn_delete(app: App, user: User) -> dict:
    """Delete the learned model; the rules decide alone until it is trained again."""
    removed = app.store(user).delete_learned_model()
    app.forget_engine(user)
    return learning_status(app, user, "deleted" if removed else "there was no learned model")


@router.get(
    "/learn/model",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def learn_export(app: App, user: User) -> Response:
    """Download the learned model (a NumPy .npz archive with a JSON header, no pickles)."""
    row = app.store(user).learned_model()
    if row is None or row.model == NO_MODEL:
        raise ApiError(404, "no learned model; POST /api/learn trains one")
    return Response(
        row.model,
        media_type="application/octet-stream",
        headers={"Content-Disposition": 'attachment; filename="kontaktfilter-model.npz"'},
    )


@router.get("/followups", response_model=list[schemas.FollowUpOut])
def followups(app: App, user: User) -> list:
    """Open follow-ups (overdue first by date) and requests pending too long; changes nothing."""
    return waiting(app.store(user), app.engine_for(user), utcnow())


@router.post("/followups/process", response_model=list[schemas.FollowUpOut], dependencies=[Csrf])
def process(app: App, user: User) -> list:
    """Resolve what is due now: answers re-score, silence past the deadline declines."""
    return process_followups(app.store(user), app.engine_for(user), utcnow())


@router.get("/templates", response_model=list[schemas.TemplateOut])
def templates(app: App, user: User) -> list:
    """Notes sent by many senders (automation tools), biggest cluster first."""

    return app.store(user).templates()


@router.get("/stats", response_model=schemas.StatsOut)
def stats(app: App, user: User) -> dict:
    store = app.store(user)
    counts = store.stats()
    return {
        "user": counts["user"],
        "tables": counts["tables"],
        "statuses": counts["statuses"],
        "known_contacts": counts["known_contacts"],
        **as_dict(dashboard(store)),
    }


def _strategy_out(app: Screener, user: str) -> dict:
    strategy = app.engine_for(user).strategy
    return {
        "source": strategy.source,
        "text": strategy_text(user),
        "follow_up_days": strategy.follow_up_days,
        "hold_days": strategy.hold_days,
        "reminder_days": strategy.reminder_days,
        "rules": [
            {"name": r.name, "action": r.action, "when": dict(r.when)} for r in strategy.rules
        ],
    }


@router.get("/strategy", response_model=schemas.StrategyOut)
def get_strategy(app: App, user: User) -> dict:
    return _strategy_out(app, user)


@router.put("/strategy", response_model=schemas.StrategyOut, dependencies=[Csrf])
def put_strategy(body: schemas.StrategyIn, app: App, user: User) -> dict:
    """Check the YAML and make it the user's strategy; invalid text changes nothing (422)."""
    save_strategy(app, user, body.text)
    return _strategy_out(app, user)


def save_strategy(app: Screener, user: str, text: str) -> None:
    try:
        install_strategy_text(text, strategy_folder(user), "strategy")
    except StrategyError as exc:
        raise ApiError(422, str(exc), "text") from None
    app.forget_engine(user)


@router.post("/imports", status_code=202, response_model=schemas.ImportJobOut, dependencies=[Csrf])
def start_import(file: UploadFile, app: App, user: User) -> JSONResponse:
    """Upload an export (ZIP), CSV/JSON/JSONL or .eml/mbox; it imports in the background."""
    job = begin_import(app, user, file)
    return JSONResponse(job.as_dict(), status_code=202)


MAX_UPLOAD_NAME = 100
"""Characters of an upload's name kept (the name only tells the format; the ending is kept)."""


def begin_import(app: Screener, user: str, file: UploadFile):
    name = SAFE_NAME.sub("_", (file.filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    if not name.strip("._"):
        raise ApiError(422, "the upload needs a file name (its ending tells the format)", "file")
    if len(name) > MAX_UPLOAD_NAME:  # file systems refuse names over 255 bytes: keep the ending
        stem, dot, ending = name.rpartition(".")
        ending = ending[:10] if dot else ""
        name = f"{stem[: MAX_UPLOAD_NAME - len(ending) - 1]}.{ending}" if ending else name[:100]
    folder = data_dir() / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    target = folder / name
    try:
        with target.open("wb") as out:
            shutil.copyfileobj(file.file, out)
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise ApiError(507, f"the upload could not be stored ({exc.strerror})", "file") from None
    return app.jobs.start(user, app.store(user), app.engine_for(user), target)


@router.get("/imports/{job_id}", response_model=schemas.ImportJobOut)
def import_status(job_id: str, app: App, user: User) -> dict:
    job = app.jobs.get(user, job_id)
    if job is None:
        raise ApiError(404, f"no import {job_id}")
    return job.as_dict()
