"""Verdicts as plain data: what the JSON output, the API and the store keep of a verdict."""

from __future__ import annotations

from typing import Any

import orjson

from kontaktfilter.model import Verdict


def verdict_summary(verdict: Verdict) -> dict[str, Any]:
    """What a verdict concluded, without its signals: shared by the JSON form and the store."""
    return {
        "category": verdict.category.value,
        "action": verdict.action.value,
        "score": verdict.score,
        "lang": verdict.lang,
        "rule": verdict.rule,
        "reply": verdict.reply,
        "reply_note": verdict.reply_note,
    }


def verdict_to_dict(verdict: Verdict) -> dict[str, Any]:
    """The verdict as plain data: id, category, action, score and every signal with its spans
    and its learned weight in the combiner."""
    learned = dict(verdict.learned_weights)
    return {
        "id": verdict.request_id,
        **verdict_summary(verdict),
        "genuine_probability": verdict.genuine,
        "signals": [
            {
                "name": hit.name,
                "group": hit.group,
                "weight": hit.weight,
                "learned_weight": learned.get(hit.name),
                "strength": round(hit.strength, 3),
                "score": round(hit.score, 3),
                "description": hit.description,
                "detail": hit.detail,
                "spans": [{"start": s.start, "end": s.end, "text": s.text} for s in hit.spans],
            }
            for hit in verdict.hits
        ],
        "truncated": verdict.truncated,
    }


def verdict_json_line(verdict: Verdict) -> bytes:
    """The verdict as one line of JSON (UTF-8, newline-terminated), as `score --json` writes it."""
    return orjson.dumps(verdict_to_dict(verdict), option=orjson.OPT_APPEND_NEWLINE)
