"""One error shape for the whole JSON API: {"error": {"code", "message", "field"}}.

Clients (and schemathesis) see the same structure for a missing request, a validation error,
a refused CSRF token or a bad import; pages get the same facts as an HTML page. `code` is for
programs and never changes with the language; `message` is for people, in the reader's
language (cookie, then Accept-Language, as every page): the texts are the `api.*` entries of
kontaktfilter.i18n."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kontaktfilter.i18n import translator
from kontaktfilter.web.i18n import choose_language

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
VALIDATION_TEXTS = {
    "missing",
    "string_type",
    "string_too_long",
    "string_too_short",
    "int_parsing",
    "int_type",
    "float_parsing",
    "bool_parsing",
    "greater_than_equal",
    "less_than_equal",
    "literal_error",
    "enum",
    "json_invalid",
    "dict_type",
    "model_attributes_type",
    "list_type",
    "datetime_from_date_parsing",
    "datetime_parsing",
    "extra_forbidden",
}
"""pydantic's error types the catalogues put in words (`api.validation.<type>`); any other type
is said as a general "invalid value"."""


class ApiError(Exception):
    """An error the API reports to the client as it is (never a server error): `key` names its
    text in the `api.*` catalogue entries, `values` fill it in."""

    def __init__(self, status: int, key: str, field: str | None = None, **values: object) -> None:
        super().__init__(key)
        self.status, self.key, self.field, self.values = status, key, field, values


def error_body(status: int, message: str, field: str | None = None) -> dict[str, Any]:
    return {"error": {"code": CODES.get(status, "error"), "message": message, "field": field}}


def said(request: Request, key: str, **values: object) -> str:
    """An API text in the language of the request's reader."""
    return translator(choose_language(request))(key, **values)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _render(request: Request, status: int, message: str, field: str | None) -> Response:
    if _is_api(request):
        return JSONResponse(error_body(status, message, field), status_code=status)
    pages = request.app.state.error_page
    return pages(request, status, message)


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return await _render(request, exc.status, said(request, exc.key, **exc.values), exc.field)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (an unknown path, a method a route lacks) carry the status's
    English phrase: said in the reader's words by status, anything else as it is."""
    assert isinstance(exc, StarletteHTTPException)
    message = str(exc.detail)
    if message == HTTPStatus(exc.status_code).phrase:
        message = said(request, "api.status", status=str(exc.status_code))
    response = await _render(request, exc.status_code, message, None)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def validation_error(request: Request, exc: Exception) -> Response:
    """The first problem, with the field path as the client sent it (body.sender.contacts),
    said by pydantic's error type in the reader's language."""
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {"loc": (), "type": ""}
    field = ".".join(str(part) for part in first.get("loc", ()) if part != "body") or None
    kind = first.get("type", "")
    context = {name: str(value) for name, value in (first.get("ctx") or {}).items()}
    if kind in VALIDATION_TEXTS:
        message = said(request, f"api.validation.{kind}", **context)
    else:
        message = said(request, "api.validation.other", type=kind or "?")
    return await _render(request, 422, message, field)


HANDLERS = {
    ApiError: api_error,
    StarletteHTTPException: http_error,
    RequestValidationError: validation_error,
}
