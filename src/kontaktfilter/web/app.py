"""The web screener: `create_app` wires the JSON API, the pages, sessions and the limits.

Layers, outermost first: trusted hosts on loopback (a page of another site cannot reach the
screener through DNS rebinding), the upload size limit, the signed session cookie. The API and
the pages share one error handler (errors.py)."""

from __future__ import annotations

from importlib import resources
from importlib.metadata import version

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from kontaktfilter.asgi_limits import BodySizeLimit
from kontaktfilter.web import api, pages, queue_pages, render
from kontaktfilter.web.auth import LoginRequired
from kontaktfilter.web.errors import HANDLERS, error_body, said
from kontaktfilter.web.headers import SecurityHeaders
from kontaktfilter.web.state import Screener

SESSION_COOKIE = "kontaktfilter_session"
SESSION_DAYS = 14
DOCS_ASSETS = "/api/docs-assets"
"""Where the API docs page loads Swagger UI from: this server, so it renders offline."""


async def _login_required(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse(error_body(401, said(request, "api.sign_in")), status_code=401)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={target}", status_code=303)


def create_app(screener: Screener) -> FastAPI:
    app = FastAPIOffline(  # Swagger UI's assets from the package, not from a CDN
        static_url=DOCS_ASSETS,
        title="kontaktfilter",
        version=version("kontaktfilter"),
        description=(
            "Screens contact requests: every verdict with its signals and evidence. "
            "State changes need the X-CSRF-Token header from GET /api/session."
        ),
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.screener = screener
    app.state.error_page = render.error_page
    for exception, handler in HANDLERS.items():
        app.add_exception_handler(exception, handler)
    app.add_exception_handler(LoginRequired, _login_required)
    app.include_router(api.router)
    app.include_router(queue_pages.router)
    app.include_router(pages.router)
    static = resources.files("kontaktfilter.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.add_middleware(
        SessionMiddleware,
        secret_key=screener.config.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_DAYS * 86400,
        same_site="strict",
        https_only=not screener.config.local,  # beyond loopback: behind TLS, never sent in clear
    )
    app.add_middleware(BodySizeLimit, max_bytes=screener.config.max_upload_bytes)
    app.add_middleware(SecurityHeaders)
    if screener.config.local:
        hosts = ["127.0.0.1", "localhost", "[::1]", "::1"]
        bound = screener.config.host.strip("[]")
        hosts += [bound, f"[{bound}]"] if ":" in bound else [bound]  # e.g. 127.0.0.2
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)
    return app
