"""The screener's memory: SQLite by default, PostgreSQL by URL (docs/store.md).

The names below are loaded on first use, so that a module of the package that needs no
SQLAlchemy (store.readonly, for `check`) can be imported without it."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kontaktfilter.store.database import StoreError, open_store
    from kontaktfilter.store.repository import Store

__all__ = ["Store", "StoreError", "open_store"]
_HOMES = {"Store": "repository", "StoreError": "database", "open_store": "database"}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
