"""What pushed a learned judgement: the features of a note that moved a model's score most,
shown as words of the note (with their spans) and rule signals. Shared by the user's learner
and the corpus model so both explain themselves the same way."""

from __future__ import annotations

import numpy as np

from kontaktfilter.model import Span
from kontaktfilter.scoring.features import Columns
from kontaktfilter.signals.context import Context

SHOWN_FEATURES = 4
SHOWN_SPANS = 3


def pushes(weights: np.ndarray, found: Columns, target: int) -> np.ndarray:
    """Each feature entry's push on the score of class `target` against the mean of the other
    classes, for a linear model's weights (features × classes)."""
    rows = weights[found.columns].astype(np.float64)
    others = [c for c in range(weights.shape[1]) if c != target]
    return (rows[:, target] - rows[:, others].mean(axis=1)) * found.values


def strongest_features(
    ctx: Context, found: Columns, weights: np.ndarray, target: int
) -> list[tuple[str, Span | None]]:
    """Owners of the features (whole words with their character n-grams, word pairs, rule
    signals) by their summed push towards class `target`, strongest first, each with the note
    span it stands on."""
    totals = np.bincount(found.owners, weights=pushes(weights, found, target))
    note, words = ctx.note, len(ctx.note.tokens)
    evidence: list[tuple[str, Span | None]] = []
    for owner in np.argsort(-totals)[: SHOWN_FEATURES + SHOWN_SPANS].tolist():
        if totals[owner] <= 0:
            break
        if owner >= found.signal_base:
            evidence.append((found.signals[owner - found.signal_base], None))
        elif not words:
            evidence.append(("(leere Notiz)" if ctx.lang == "de" else "(empty note)", None))
        else:
            first, last = (owner, owner) if owner < words else (owner - words, owner - words + 1)
            start, end = note.starts[first], note.ends[last]
            text = note.text[start:end]
            evidence.append((f'"{text}"', Span(start, end, text)))
    return evidence


def shown(evidence: list[tuple[str, Span | None]]) -> tuple[str, tuple[Span, ...]]:
    """The labels for a detail line and the spans to mark in the note."""
    distinct = list(dict.fromkeys(label for label, _ in evidence))  # "wir" twice reads once
    labels = ", ".join(distinct[:SHOWN_FEATURES])
    spans = [span for _, span in evidence if span is not None][:SHOWN_SPANS]
    return labels, tuple(sorted(spans))


def shown_words(evidence: list[tuple[str, Span | None]], lang: str) -> str:
    """The words among the labels, for a reader who sees the signals listed beside the detail
    (the web): signal names are internal codes there."""
    words = list(dict.fromkeys(label for label, span in evidence if span is not None))
    quote = "„{}“" if lang == "de" else '"{}"'
    return ", ".join(quote.format(word.strip('"')) for word in words[:SHOWN_FEATURES]) or "–"
