"""One error shape for the whole JSON API: {"error": {"code", "message", "field"}}.

Clients (and schemathesis) see the same structure for a missing request, a validation error,
a refused CSRF token or a bad import; pages get the same facts as an HTML page."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
}


class ApiError(Exception):
    """An error the API reports to the client as it is (never a server error)."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def error_body(status: int, message: str, field: str | None = None) -> dict[str, Any]:
    return {"error": {"code": CODES.get(status, "error"), "message": message, "field": field}}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _render(request: Request, status: int, message: str, field: str | None) -> Response:
    if _is_api(request):
        return JSONResponse(error_body(status, message, field), status_code=status)
    pages = request.app.state.error_page
    return pages(request, status, message)


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return await _render(request, exc.status, exc.message, exc.field)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    response = await _render(request, exc.status_code, str(exc.detail), None)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def validation_error(request: Request, exc: Exception) -> Response:
    """The first problem, with the field path as the client sent it (body.sender.contacts)."""
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
    field = ".".join(str(part) for part in first.get("loc", ()) if part != "body") or None
    return await _render(request, 422, str(first.get("msg", "invalid request")), field)


HANDLERS = {
    ApiError: api_error,
    StarletteHTTPException: http_error,
    RequestValidationError: validation_error,
}
