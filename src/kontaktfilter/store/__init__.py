"""The screener's memory: SQLite by default, PostgreSQL by URL (docs/store.md)."""

from kontaktfilter.store.database import StoreError, open_store
from kontaktfilter.store.repository import Store

__all__ = ["Store", "StoreError", "open_store"]
