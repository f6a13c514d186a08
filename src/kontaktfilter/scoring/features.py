"""The learner's view of a request: hashed word and character n-grams of the note plus the rule
signals that fired.

Each feature is a readable string ("w|synergien", "c|erg", "s|PHRASE_SYNERGIES") hashed into a
fixed number of columns, so a model needs no vocabulary and every column can be explained again
from the request that produced it. The hash is CRC-32: stable across processes and Python
versions (a stored model must mean the same tomorrow), and computed in C.

`request_columns` gives arrays (columns, values, and which word, word pair or signal each entry
belongs to), with a memo per word, for scoring, training and explaining; `feature_names` gives
the same entries by name.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np

from kontaktfilter.text.note import AnalysedNote

N_FEATURES = 1 << 18
"""Columns of the hashed space: collisions stay rare for a personal inbox of some 10k notes."""
_INDEX_MASK = N_FEATURES - 1
CHAR_GRAMS = (3,)
"""Character n-grams inside words catch inflection, ae/ä spellings and typos that words miss
(3-grams did better than 4-grams or 3+4 on the development sets, docs/learning.md)."""
MIN_CHAR_WORD = 3
MAX_CHAR_WORD = 40
"""A longer token (a run of one letter, a pasted hash or link) gets no character n-grams: no
real word is that long, and their count would grow with a hostile token's length."""
EMPTY_NOTE = "m|empty"
_WORD_MEMO_LIMIT = 100_000
_word_memo: dict[str, tuple[list[int], list[float]]] = {}
_gram_memo: dict[str, int] = {}
"""Signed index per character n-gram (owner_indices), bounded like the word memo."""
_SIGN_SHIFT = 31 - N_FEATURES.bit_length() + 1
"""Moves the hash's sign bit (31) onto the bit of N_FEATURES (signed_index)."""


def column(name: str) -> tuple[int, float]:
    """The hashed column of a feature and its sign (signed hashing keeps collisions unbiased)."""
    code = zlib.crc32(name.encode("utf-8"))
    return code & _INDEX_MASK, -1.0 if code & 0x80000000 else 1.0


def token_form(token: str) -> str:
    return "#" if token.isdigit() else token


def _word_names(token: str) -> list[str]:
    """The word itself and its character n-grams (inside "<word>" so edges count)."""
    names = [f"w|{token}"]
    if MIN_CHAR_WORD <= len(token) <= MAX_CHAR_WORD:
        padded = f"<{token}>"
        for size in CHAR_GRAMS:
            names += [f"c|{padded[j : j + size]}" for j in range(len(padded) - size + 1)]
    return names


def word_columns(token: str) -> tuple[list[int], list[float]]:
    found = _word_memo.get(token)
    if found is None:
        if len(_word_memo) >= _WORD_MEMO_LIMIT:
            _word_memo.clear()
        pairs = [column(name) for name in _word_names(token)]
        found = _word_memo[token] = ([c for c, _ in pairs], [s for _, s in pairs])
    return found


def signed_index(name: str) -> int:
    """A feature's row in a table of the weights followed by their negatives (OwnerRows): its
    hashed column, moved down by N_FEATURES when `column` gives it the sign -1. Taking from that
    table gives the signed row without a multiplication (negating a number is exact)."""
    code = zlib.crc32(name.encode("utf-8"))
    return (code & _INDEX_MASK) | ((code >> _SIGN_SHIFT) & N_FEATURES)


def owner_indices(owners: Sequence[str | tuple[str, str]]) -> tuple[list[int], list[int]]:
    """The signed indices (`signed_index`) of many words (each with its character n-grams) and
    word pairs (two tokens), and how many entries each owner has: per owner the entries of
    `word_columns` and `column`. The corpus model's words not met before are mostly made of
    n-grams met before, so each n-gram's index is remembered (never the word's)."""
    indices: list[int] = []
    counts: list[int] = []
    grams = _gram_memo
    for owner in owners:
        if isinstance(owner, str):
            start = len(indices)
            indices.append(signed_index(f"w|{owner}"))
            if MIN_CHAR_WORD <= len(owner) <= MAX_CHAR_WORD:
                padded = f"<{owner}>"
                for size in CHAR_GRAMS:
                    for j in range(len(padded) - size + 1):
                        gram = padded[j : j + size]
                        index = grams.get(gram)
                        if index is None:
                            if len(grams) >= _WORD_MEMO_LIMIT:
                                grams.clear()
                            index = grams[gram] = signed_index(f"c|{gram}")
                        indices.append(index)
            counts.append(len(indices) - start)
        else:
            indices.append(signed_index(f"b|{owner[0]} {owner[1]}"))
            counts.append(1)
    return indices, counts


def bigram_pairs(note: AnalysedNote, tokens: list[str]) -> list[tuple[int, str]]:
    """(first token index, name) of each word pair within a sentence."""
    return [
        (i, f"b|{tokens[i]} {tokens[i + 1]}")
        for i in range(len(tokens) - 1)
        if note.sentences[i + 1] == note.sentences[i]
    ]


def signal_strengths(signals: Iterable[tuple[str, float]]) -> dict[str, float]:
    strongest: dict[str, float] = {}
    for name, strength in signals:
        strongest[name] = max(strongest.get(name, 0.0), min(abs(strength), 1.0))
    return strongest


class Columns(NamedTuple):
    """One request's features as arrays: hashed column, signed value, and the owner of each
    entry (word i: i; word pair starting at word i: n + i; signal k: `signal_base` + k; the
    empty-note feature: 0), so an explanation can add the pushes up per word without names."""

    columns: np.ndarray
    values: np.ndarray
    owners: np.ndarray
    signals: tuple[str, ...]
    signal_base: int


def request_columns(note: AnalysedNote, signals: Iterable[tuple[str, float]]) -> Columns:
    """Every feature of one request (repeats not merged).

    The text block (words, word pairs, character n-grams) has unit length whatever the note's
    length; each fired rule signal adds one feature valued by its strength (at most 1)."""
    tokens = [token_form(t) for t in note.tokens]
    count = len(tokens)
    columns: list[int] = []
    signs: list[float] = []
    owners: list[int] = []
    if tokens:
        for i, token in enumerate(tokens):
            its_columns, its_signs = word_columns(token)
            columns += its_columns
            signs += its_signs
            owners += [i] * len(its_columns)
        for i, name in bigram_pairs(note, tokens):
            index, sign = column(name)
            columns.append(index)
            signs.append(sign)
            owners.append(count + i)
        scale = 1.0 / math.sqrt(len(columns))
        values = [sign * scale for sign in signs]
        base = 2 * count
    else:
        index, sign = column(EMPTY_NOTE)
        columns, values, owners, base = [index], [sign], [0], 1
    strengths = signal_strengths(signals)
    for k, (name, strength) in enumerate(strengths.items()):
        index, sign = column(f"s|{name}")
        columns.append(index)
        values.append(sign * strength)
        owners.append(base + k)
    return Columns(
        np.asarray(columns, dtype=np.int64),
        np.asarray(values, dtype=np.float64),
        np.asarray(owners, dtype=np.int64),
        tuple(strengths),
        base,
    )


def feature_names(note: AnalysedNote, signals: Iterable[tuple[str, float]]) -> list[str]:
    """The readable name of each entry of request_columns, in the same order (for tests and
    for anyone inspecting a model)."""
    tokens = [token_form(t) for t in note.tokens]
    if not tokens:
        names = [EMPTY_NOTE]
    else:
        names = [name for token in tokens for name in _word_names(token)]
        names += [name for _, name in bigram_pairs(note, tokens)]
    return names + [f"s|{name}" for name in signal_strengths(signals)]
