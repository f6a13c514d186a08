"""Stored verdicts as the screener shows them: signals explained in the reader's language, and
the note cut into plain and marked segments. The template escapes every segment; nothing here
builds HTML, so a hostile note can only ever be text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kontaktfilter.services.inbox import QueueItem
from kontaktfilter.signals import REGISTRY


@dataclass(frozen=True)
class Segment:
    text: str
    signals: tuple[str, ...]
    """Names of the signals whose evidence covers this segment; empty for plain text."""


CODE = re.compile(r"[a-z_]+")
"""A detail that is an internal name (the phrase family that matched): shown on hover only."""


def _detail(row: dict[str, Any], lang: str) -> dict[str, str | None]:
    """The detail in the reader's language; a bare internal name moves to `code`."""
    detail = (row.get("texts") or {}).get(lang) or row.get("detail") or None
    if detail is not None and not row.get("texts") and CODE.fullmatch(detail):
        return {"detail": None, "code": detail}
    return {"detail": detail, "code": None}


def explained_signals(signals: list[dict[str, Any]], text: str, lang: str) -> list[dict[str, Any]]:
    """Stored signal rows with group, description, contribution and the evidence texts."""
    shown = []
    for row in signals:
        known = REGISTRY.get(row["name"])
        spans = [
            {"start": start, "end": end, "text": text[start:end]}
            for start, end in row.get("spans", [])
            if 0 <= start <= end <= len(text)
        ]
        shown.append(
            {
                "name": row["name"],
                "group": known.group if known else "unknown",
                "weight": row["weight"],
                "strength": row["strength"],
                "score": round(row["weight"] * row["strength"], 3),
                "description": known.explain(lang) if known else "",
                **_detail(row, lang),
                "spans": spans,
            }
        )
    return shown


def segments(text: str, signals: list[dict[str, Any]]) -> list[Segment]:
    """The note split at every span boundary; each piece knows which signals cover it
    (overlapping evidence of two signals marks the overlap with both)."""
    cuts = {0, len(text)}
    covered: list[tuple[int, int, str]] = []
    for row in signals:
        for start, end in row.get("spans", []):
            if 0 <= start < end <= len(text):
                cuts.update((start, end))
                covered.append((start, end, row["name"]))
    bounds = sorted(cuts)
    pieces = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        names = tuple(dict.fromkeys(n for s, e, n in covered if s <= start and end <= e))
        pieces.append(Segment(text[start:end], names))
    return pieces


def request_out(item: QueueItem, lang: str) -> dict[str, Any]:
    """The API form of a stored request."""
    return {
        "id": item.request_id,
        "key": item.key,
        "sender_name": item.sender_name,
        "text": item.text,
        "sent_at": item.sent_at,
        "status": item.status,
        "category": item.category,
        "action": item.action,
        "score": item.score,
        "rule": item.rule,
        "signals": explained_signals(item.signals, item.text, lang),
        "reply": item.reply,
        "reply_note": item.reply_note,
    }
