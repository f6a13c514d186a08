"""Rendering a page: the templates with the reader's language, the session's CSRF token and the
user, and the redirects after a form. Shared by the page modules (pages, queue_pages)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from kontaktfilter.i18n import LANGUAGES, Translator
from kontaktfilter.web.auth import csrf_token
from kontaktfilter.web.i18n import choose_language

_templates = Environment(
    loader=FileSystemLoader(str(resources.files("kontaktfilter.web") / "templates")),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only a path of this site: never an open redirect to another host."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return fallback


def render(request: Request, name: str, http_status: int = 200, **values: Any) -> HTMLResponse:
    lang = choose_language(request)
    config = request.app.state.screener.config
    user = "local" if config.local else request.session.get("user")
    html = _templates.get_template(name).render(
        t=Translator(lang),
        lang=lang,
        languages=LANGUAGES,
        path=request.url.path,
        query=request.url.query,
        csrf=csrf_token(request.session),
        user=user,
        local=config.local,
        **values,
    )
    return HTMLResponse(html, status_code=http_status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status, status_code=status, message=message)


def back(target: str | None, fallback: str = "/") -> RedirectResponse:
    return RedirectResponse(safe_next(target, fallback), status_code=303)
