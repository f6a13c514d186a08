"""The dependencies every route shares (FastAPI `Depends`): the screener, the signed-in user,
the CSRF check on state changes, and a valid request id."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from kontaktfilter.web.auth import current_user, require_csrf
from kontaktfilter.web.state import Screener

MAX_ROW = 2**31 - 1
"""Ids and offsets beyond a 32-bit integer column cannot exist: refused as invalid (422)."""


def screener(request: Request) -> Screener:
    return request.app.state.screener


App = Annotated[Screener, Depends(screener)]
User = Annotated[str, Depends(current_user)]
Csrf = Depends(require_csrf)
RequestId = Annotated[int, Path(ge=1, le=MAX_ROW)]
