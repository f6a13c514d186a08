"""The learner's view of a request: hashed word and character n-grams of the note plus the rule
signals that fired.

Each feature is a readable string ("w|synergien", "c|ergi", "s|PHRASE_SYNERGIES") hashed into a
fixed number of columns, so a model needs no vocabulary and every column can be explained again
from the request that produced it. The hash is CRC-32: stable across processes and Python
versions (a stored model must mean the same tomorrow), and computed in C.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kontaktfilter.note import AnalysedNote

N_FEATURES = 1 << 18
"""Columns of the hashed space: collisions stay rare for a personal inbox of some 10k notes."""
_INDEX_MASK = N_FEATURES - 1
CHAR_GRAMS = (3,)
"""Character n-grams inside words catch inflection, ae/ä spellings and typos that words miss."""
MIN_CHAR_WORD = 3


@dataclass(frozen=True, slots=True)
class Feature:
    """One readable feature of one request, with the note span it came from (None for a signal)."""

    name: str
    value: float
    start: int | None = None
    end: int | None = None


def _digits_folded(token: str) -> str:
    return "#" if token.isdigit() else token


def note_features(note: AnalysedNote) -> list[Feature]:
    """Word unigrams and bigrams (within a sentence) and character 3-grams of each word, each
    weighted so that the text block has unit length whatever the note's length."""
    tokens = [_digits_folded(token) for token in note.tokens]
    if not tokens:
        return [Feature("m|empty", 1.0)]
    raw: list[tuple[str, int, int]] = []
    for i, token in enumerate(tokens):
        start, end = note.starts[i], note.ends[i]
        raw.append((f"w|{token}", start, end))
        if i + 1 < len(tokens) and note.sentences[i + 1] == note.sentences[i]:
            raw.append((f"b|{token} {tokens[i + 1]}", start, note.ends[i + 1]))
        if len(token) >= MIN_CHAR_WORD:
            padded = f"<{token}>"
            for size in CHAR_GRAMS:
                for j in range(len(padded) - size + 1):
                    raw.append((f"c|{padded[j : j + size]}", start, end))
    value = 1.0 / math.sqrt(len(raw))
    return [Feature(name, value, start, end) for name, start, end in raw]


def signal_features(signals: Iterable[tuple[str, float]]) -> list[Feature]:
    """One feature per fired rule signal, valued by its strength (at most 1)."""
    strongest: dict[str, float] = {}
    for name, strength in signals:
        strongest[name] = max(strongest.get(name, 0.0), min(abs(strength), 1.0))
    return [Feature(f"s|{name}", strength) for name, strength in strongest.items()]


def request_features(note: AnalysedNote, signals: Iterable[tuple[str, float]]) -> list[Feature]:
    """Everything the learner sees of one request."""
    return note_features(note) + signal_features(signals)


def column(name: str) -> tuple[int, float]:
    """The hashed column of a feature and its sign (signed hashing keeps collisions unbiased)."""
    code = zlib.crc32(name.encode("utf-8"))
    return code & _INDEX_MASK, -1.0 if code & 0x80000000 else 1.0


def vectorise(features: Sequence[Feature]) -> dict[int, float]:
    """The sparse row of one request: column -> summed signed value."""
    row: dict[int, float] = {}
    for feature in features:
        index, sign = column(feature.name)
        row[index] = row.get(index, 0.0) + sign * feature.value
    return row
