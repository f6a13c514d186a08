"""Time as the store keeps it: naive UTC, the same on both backends (SQLite has no time zones)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC: both backends store it the same way (SQLite has no time zones)."""
    return datetime.now(UTC).replace(tzinfo=None)


def as_utc_naive(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
