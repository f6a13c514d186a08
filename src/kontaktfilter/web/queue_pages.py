"""The queue pages: the lists (pending, waiting, decided, connected) with search, one page per
request with its history, and the forms that decide and take decisions back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from kontaktfilter.bilingual import message_of
from kontaktfilter.model import ACTION_PRIORITY, Action, Category
from kontaktfilter.replies.drafts import note_in
from kontaktfilter.services.followups import waiting
from kontaktfilter.services.history import open_deadlines, request_history, standing_decisions
from kontaktfilter.services.inbox import (
    STATUSES,
    QueueItem,
    RequestFilter,
    decide_template,
    find_request,
    list_requests,
    record_decision,
    undo_last,
    undo_request,
)
from kontaktfilter.services.keymap import KEYMAP, Command, decline_action, web_keymap
from kontaktfilter.store.repository import utcnow
from kontaktfilter.web.deps import App, Csrf, RequestId, User
from kontaktfilter.web.errors import ApiError
from kontaktfilter.web.i18n import choose_language
from kontaktfilter.web.present import explained_signals, segments
from kontaktfilter.web.render import back, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
MAX_SEARCH = 200


def _cards(items: list[QueueItem], lang: str) -> list[dict]:
    return [
        {
            "item": item,
            "segments": segments(item.text, item.signals),
            "signals": explained_signals(item.signals, item.text, lang),
        }
        for item in items
    ]


def _card_helpers() -> dict:
    """What the card template needs beside the card: the keys and how to say things."""
    return {
        "keys": [k for k in KEYMAP if not k.terminal_only],
        "keymap": web_keymap(),
        "decision_keys": [k for k in KEYMAP if k.command in (Command.DECIDE, Command.DECLINE)],
        "decline_action": lambda recommended: decline_action(recommended).value,
        "note_in": note_in,
    }


@router.get("/", response_class=HTMLResponse)
def queue_page(
    request: Request,
    app: App,
    user: User,
    status: str = "pending",
    category: str | None = None,
    q: Annotated[str | None, Query(max_length=MAX_SEARCH)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """One list of requests; `q` searches the sender's name and the note."""
    if status not in STATUSES:
        raise ApiError(404, "api.no_list", status=status)
    if category is not None and category not in {c.value for c in Category}:
        raise ApiError(404, "api.no_category", category=category)
    store = app.store(user)
    search = (q or "").strip() or None
    items, total = list_requests(
        store, RequestFilter(status, category, text=search), PAGE_SIZE, (page - 1) * PAGE_SIZE
    )
    ids = [item.request_id for item in items]
    due = waiting(store, app.engine_for(user), utcnow())
    return render(
        request,
        "queue.html",
        cards=_cards(items, choose_language(request)),
        decided=standing_decisions(store, ids) if status != "pending" else {},
        deadlines=open_deadlines(store, ids) if status == "waiting" else {},
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        status=status,
        statuses=STATUSES,
        category=category,
        search=search or "",
        categories=[c.value for c in Category],
        actions=[a.value for a in ACTION_PRIORITY],
        overdue=sum(1 for d in due if d.kind in ("overdue", "reminder")),
        **_card_helpers(),
    )


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def request_page(request: Request, request_id: RequestId, app: App, user: User) -> HTMLResponse:
    """One request's own page (a permalink): its card and everything that happened to it."""
    store = app.store(user)
    item = find_request(store, request_id)
    history = request_history(store, request_id)
    if item is None or history is None:
        raise ApiError(404, "api.no_request", id=str(request_id))
    return render(
        request,
        "request.html",
        card=_cards([item], choose_language(request))[0],
        status=item.status,
        decided=standing_decisions(store, [request_id]),
        deadlines=open_deadlines(store, [request_id]),
        history=history,
        **_card_helpers(),
    )


@router.post("/requests/{request_id}/decide", dependencies=[Csrf])
def decide_form(
    request_id: RequestId,
    app: App,
    user: User,
    action: Annotated[Action, Form()],
    reply: Annotated[str | None, Form(max_length=20_000)] = None,
    next: Annotated[str | None, Form()] = None,
) -> Response:
    """Decide; `reply` is the draft as the user sent it (edited or not), kept with the
    decision."""
    engine = app.engine_for(user)
    try:
        record_decision(app.store(user), request_id, action, utcnow(), engine.strategy, reply)
        app.decided(user)
    except LookupError:
        raise ApiError(404, "api.no_request", id=str(request_id)) from None
    return back(next)


@router.post("/requests/{request_id}/undo", dependencies=[Csrf])
def undo_request_form(
    request_id: RequestId, app: App, user: User, next: Annotated[str | None, Form()] = None
) -> Response:
    """Take back the decision on this request: it is pending again."""
    if not undo_request(app.store(user), request_id):
        raise ApiError(404, "api.no_decision", id=str(request_id))
    app.decided(user)
    return back(next)


@router.post("/templates/decide", dependencies=[Csrf])
def decide_template_form(
    app: App,
    user: User,
    key: Annotated[str, Form(max_length=300)],
    action: Annotated[Action, Form()] = Action.DECLINE_SILENTLY,
) -> Response:
    """Decline (or report) every pending request of one template cluster; one undo (the
    queue's `u`) takes the whole batch back."""
    try:
        decided = decide_template(app.store(user), key, action, utcnow())
    except ValueError as exc:
        raise ApiError(422, "api.rejected", "action", reason=message_of(exc)) from None
    if not decided:
        raise ApiError(404, "api.template_done")
    app.decided(user)
    return back(f"/templates?decided={len(decided)}")


@router.post("/undo", dependencies=[Csrf])
def undo_form(app: App, user: User, next: Annotated[str | None, Form()] = None) -> Response:
    undo_last(app.store(user))
    app.decided(user)
    return back(next)
