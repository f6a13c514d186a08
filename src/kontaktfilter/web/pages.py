"""The screener's HTML pages beside the queue (web/queue_pages.py): follow-ups, templates,
signals, dashboard, strategy, import, policy, language and login, and the rendering they share.
Each page is a server-rendered template; the small script in static/app.js adds the keys and
one-click actions on top, and every action also works as a plain form without it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from kontaktfilter.i18n import LANGUAGES, Translator
from kontaktfilter.model import Category
from kontaktfilter.scoring.corpus_model import LABELS
from kontaktfilter.services.dashboard import dashboard
from kontaktfilter.services.followups import process_followups, waiting
from kontaktfilter.services.inbox import template_members
from kontaktfilter.services.policy_page import render_policy_page
from kontaktfilter.services.runtime import forget_strategy, strategy_text
from kontaktfilter.store.privacy import delete_user_data, export_user_data
from kontaktfilter.store.repository import utcnow
from kontaktfilter.strategy import DEFAULT_SOURCE
from kontaktfilter.web import charts
from kontaktfilter.web.actions import begin_import, learning_status, save_strategy
from kontaktfilter.web.auth import (
    revoke_sessions,
    sign_in,
    verify_password,
)
from kontaktfilter.web.deps import App, Csrf, User
from kontaktfilter.web.errors import ApiError, said
from kontaktfilter.web.i18n import LANG_COOKIE, choose_language
from kontaktfilter.web.render import back, render, safe_next

router = APIRouter(include_in_schema=False)
CONFIRM_WORDS = frozenset({"delete", "löschen"})
"""What the user types to confirm deleting all of their data (the page asks in either language)."""
# follow-ups, templates, dashboard ---------------------------------------------------------


@router.get("/followups", response_class=HTMLResponse)
def followups_page(request: Request, app: App, user: User) -> HTMLResponse:
    due = waiting(app.store(user), app.engine_for(user), utcnow())
    return render(request, "followups.html", due=due, resolved=None)


@router.post("/followups/process", response_class=HTMLResponse, dependencies=[Csrf])
def followups_process(request: Request, app: App, user: User) -> HTMLResponse:
    store, engine = app.store(user), app.engine_for(user)
    resolved = [d for d in process_followups(store, engine, utcnow()) if d.kind != "open"]
    due = waiting(store, engine, utcnow())
    return render(request, "followups.html", due=due, resolved=resolved)


@router.get("/templates", response_class=HTMLResponse)
def templates_page(
    request: Request, app: App, user: User, decided: Annotated[int, Query(ge=0)] = 0
) -> HTMLResponse:
    """The template clusters with their requests; `decided` says how many the last "decline
    all" took (with its undo)."""
    store = app.store(user)
    return render(
        request,
        "templates.html",
        clusters=store.templates(),
        members=template_members(store),
        decided=decided,
    )


@router.get("/signals", response_class=HTMLResponse)
def signals_page(request: Request, app: App, user: User) -> HTMLResponse:
    """Every signal: its rule weight, what the combiner learned of it on real requests (the
    label it pushes most towards), its roles and what it means, in the reader's language."""
    lang = choose_language(request)
    engine = app.engine_for(user)
    rows = []
    for signal, weight in sorted(engine.signals, key=lambda entry: entry[0].name):
        learned = None
        if engine.corpus is not None and not signal.late:
            pushes = [engine.corpus.signal_push(signal.name, i) for i in range(len(LABELS))]
            best = max(range(len(LABELS)), key=lambda i: pushes[i])
            learned = (LABELS[best].value, pushes[best])
        rows.append(
            {
                "name": signal.name,
                "group": signal.group.value,
                "weight": weight,
                "learned": learned,
                "roles": sorted(role.value for role in signal.roles),
                "description": signal.explain(lang),
            }
        )
    return render(request, "signals.html", signals=rows)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    app: App,
    user: User,
    learned: int | None = None,
    deleted: int | None = None,
) -> HTMLResponse:
    t = Translator(choose_language(request))
    board = dashboard(app.store(user))
    names = {c.value: t(f"category.{c.value}") for c in Category}
    return render(
        request,
        "dashboard.html",
        board=board,
        names=names,
        weekly=Markup(charts.weekly_stacked(board.weeks, t("dashboard.weekly"), names)),
        share=Markup(charts.share_line(board.weeks, t("dashboard.share"))),
        delays=Markup(charts.histogram(board.decision_buckets, t("dashboard.delays"))),
        learning=learning_status(app, user, t.lang),
        learned=learned,
        deleted=deleted,
    )


@router.post("/learn", dependencies=[Csrf])
def learn_form(app: App, user: User) -> Response:
    app.learn(user)
    return back("/dashboard?learned=1#learning", "/dashboard")


@router.post("/learn/delete", dependencies=[Csrf])
def learn_delete_form(app: App, user: User) -> Response:
    app.store(user).delete_learned_model()
    app.forget_engine(user)
    return back("/dashboard?learned=0#learning", "/dashboard")


@router.get("/my-data.zip")
def my_data_export(app: App, user: User) -> Response:
    """Every row of the user's, as `kontaktfilter export-my-data` writes it."""
    blob = export_user_data(app.database, user, utcnow())
    disposition = 'attachment; filename="kontaktfilter-my-data.zip"'
    return Response(
        blob, media_type="application/zip", headers={"Content-Disposition": disposition}
    )


@router.post("/my-data/delete", dependencies=[Csrf])
def my_data_delete(
    request: Request, app: App, user: User, confirm: Annotated[str, Form(max_length=40)] = ""
) -> Response:
    """Delete all of the user's data (and, on a shared screener, the account): only when the
    confirmation word was typed, since nothing brings it back but an export."""
    if confirm.strip().lower() not in CONFIRM_WORDS:
        return back("/dashboard?deleted=0#my-data", "/dashboard")
    delete_user_data(app.database, user)
    forget_strategy(user)
    app.forget_user(user)
    request.session.clear()
    local = request.app.state.screener.config.local
    return RedirectResponse("/dashboard?deleted=1" if local else "/login", status_code=303)


# strategy, import, policy ------------------------------------------------------------------


@router.get("/strategy", response_class=HTMLResponse)
def strategy_page(request: Request, app: App, user: User, saved: bool = False) -> HTMLResponse:
    return render(
        request,
        "strategy.html",
        text=strategy_text(user),
        strategy=app.engine_for(user).strategy,
        default_source=DEFAULT_SOURCE,
        error=None,
        saved=saved,
    )


@router.post("/strategy", response_class=HTMLResponse, dependencies=[Csrf])
def strategy_save(
    request: Request, app: App, user: User, text: Annotated[str, Form(max_length=200_000)]
) -> Response:
    """Validate first: an invalid strategy is shown with its error and saves nothing."""
    try:
        save_strategy(app, user, text)
    except ApiError as exc:
        strategy = app.engine_for(user).strategy
        return render(
            request,
            "strategy.html",
            422,
            text=text,
            strategy=strategy,
            default_source=DEFAULT_SOURCE,
            error=said(request, exc.key, **exc.values),
        )
    return RedirectResponse("/strategy?saved=1", status_code=303)


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, user: User) -> HTMLResponse:
    return render(request, "import.html", job=None)


@router.post("/import", dependencies=[Csrf])
def import_upload(app: App, user: User, file: UploadFile) -> Response:
    job = begin_import(app, user, file)
    return RedirectResponse(f"/import/{job.id}", status_code=303)


@router.get("/import/{job_id}", response_class=HTMLResponse)
def import_job_page(request: Request, job_id: str, app: App, user: User) -> HTMLResponse:
    job = app.jobs.get(user, job_id)
    if job is None:
        raise ApiError(404, "api.no_import", id=job_id)
    return render(request, "import.html", job=job.as_dict(choose_language(request)))


@router.get("/policy", response_class=HTMLResponse)
def policy(request: Request, app: App, user: User) -> HTMLResponse:
    owner = app.store(user).user_profile().name
    strategy = app.engine_for(user).strategy
    return HTMLResponse(render_policy_page(strategy, choose_language(request), owner))


# language, login ---------------------------------------------------------------------------


@router.post("/lang", dependencies=[Csrf])
def switch_language(
    lang: Annotated[str, Form()], next: Annotated[str | None, Form()] = None
) -> Response:
    if lang not in LANGUAGES:
        raise ApiError(422, "api.bad_choice", "lang", name="lang", choices=", ".join(LANGUAGES))
    response = back(next)
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    if request.app.state.screener.config.local:
        return back(next)
    return render(request, "login.html", next=safe_next(next), error=None)


@router.post("/login", response_class=HTMLResponse, dependencies=[Csrf])
def login(
    request: Request,
    name: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str | None, Form()] = None,
) -> Response:
    app = request.app.state.screener
    wait = app.logins.wait_seconds(name)
    if wait > 0:
        message = Translator(choose_language(request))("login.throttled", seconds=round(wait))
        return render(request, "login.html", 429, next=safe_next(next), error=message)
    if not verify_password(app.database, name, password):
        app.logins.failed(name)
        message = Translator(choose_language(request))("login.failed")
        return render(request, "login.html", 401, next=safe_next(next), error=message)
    app.logins.succeeded(name)
    sign_in(request, name)
    return back(next)


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request) -> Response:
    """Signs the user out of every session: a copied cookie is worth nothing afterwards."""
    user = request.session.get("user")
    if user and not request.app.state.screener.config.local:
        revoke_sessions(request.app.state.screener.database, user)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
