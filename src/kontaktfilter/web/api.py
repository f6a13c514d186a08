"""The JSON API under /api, described by the OpenAPI document at /openapi.json.

Every route works on the signed-in user's data only: a request id of another user is a 404,
exactly like an id that does not exist, so ids reveal nothing. State changes need the
session's CSRF token (GET /api/session hands it out)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from kontaktfilter.bilingual import message_of
from kontaktfilter.formats.records import FieldError, parse_request
from kontaktfilter.formats.verdicts import verdict_to_dict
from kontaktfilter.learning.user_model import NO_MODEL
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
from kontaktfilter.services.runtime import strategy_text
from kontaktfilter.store.repository import utcnow
from kontaktfilter.web import schemas
from kontaktfilter.web.actions import begin_import, learning_status, save_strategy
from kontaktfilter.web.auth import csrf_token
from kontaktfilter.web.deps import MAX_ROW, App, Csrf, RequestId, User
from kontaktfilter.web.errors import ApiError, said
from kontaktfilter.web.i18n import choose_language
from kontaktfilter.web.present import request_out
from kontaktfilter.web.state import Screener

ERRORS = {code: {"model": schemas.ErrorOut} for code in (400, 401, 403, 404, 413, 422)}
router = APIRouter(prefix="/api", responses=ERRORS)


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
        raise ApiError(422, "api.rejected", exc.field, reason=message_of(exc)) from None
    except ValueError as exc:
        raise ApiError(422, "api.rejected", reason=message_of(exc)) from None
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
        raise ApiError(422, "api.bad_choice", "status", name="status", choices=", ".join(STATUSES))
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
        raise ApiError(404, "api.no_request", id=str(request_id))
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
        decision = record_decision(
            app.store(user), request_id, body.action, utcnow(), strategy, body.reply
        )
    except LookupError:
        raise ApiError(404, "api.no_request", id=str(request_id)) from None
    app.decided(user)
    status = "waiting" if body.action in WAITING_ACTIONS else "decided"
    return {"decision_id": decision, "request_id": request_id, "status": status}


@router.post("/undo", response_model=schemas.UndoOut, dependencies=[Csrf])
def undo(app: App, user: User) -> dict:
    """Take back the newest decision."""
    undone = undo_last(app.store(user))
    app.decided(user)
    return {"request_id": undone}


@router.get("/learn", response_model=schemas.LearnOut)
def learn_status(http: Request, app: App, user: User) -> dict:
    """The user's learned model: what it was trained on and how far it is trusted."""
    return learning_status(app, user, choose_language(http))


@router.post("/learn", response_model=schemas.LearnOut, dependencies=[Csrf])
def learn_now(http: Request, app: App, user: User) -> dict:
    """Rebuild the model from all standing decisions now (it also retrains by itself after
    every 10 decisions)."""
    return learning_status(app, user, choose_language(http), app.learn(user).message)


@router.delete("/learn", response_model=schemas.LearnOut, dependencies=[Csrf])
def learn_delete(http: Request, app: App, user: User) -> dict:
    """Delete the learned model; the rules decide alone until it is trained again."""
    removed = app.store(user).delete_learned_model()
    app.forget_engine(user)
    message = said(http, "api.model_deleted" if removed else "api.model_none")
    return learning_status(app, user, choose_language(http), message)


@router.get(
    "/learn/model",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def learn_export(app: App, user: User) -> Response:
    """Download the learned model (a NumPy .npz archive with a JSON header, no pickles)."""
    row = app.store(user).learned_model()
    if row is None or row.model == NO_MODEL:
        raise ApiError(404, "api.no_model")
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


@router.post("/imports", status_code=202, response_model=schemas.ImportJobOut, dependencies=[Csrf])
def start_import(http: Request, file: UploadFile, app: App, user: User) -> JSONResponse:
    """Upload an export (ZIP), CSV/JSON/JSONL or .eml/mbox; it imports in the background."""
    job = begin_import(app, user, file)
    return JSONResponse(job.as_dict(choose_language(http)), status_code=202)


@router.get("/imports/{job_id}", response_model=schemas.ImportJobOut)
def import_status(http: Request, job_id: str, app: App, user: User) -> dict:
    job = app.jobs.get(user, job_id)
    if job is None:
        raise ApiError(404, "api.no_import", id=job_id)
    return job.as_dict(choose_language(http))
