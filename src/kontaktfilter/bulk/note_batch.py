"""The template words of many notes at once: what `normalise.template_tokens` keeps of each
note, as the CRC-32 hashes `minhash.py` hashes words with, flat, and a count per note.

`template_tokens` costs about 10 us a note in Python (the word pattern, folding, trimming), which
was the biggest part of `kontaktfilter templates` on a million notes. Here a batch of notes is one
string: its words are the runs of a table of letter code points over the whole batch, each
spelling is folded and hashed once (`WordTable`), and greetings, sign-offs and names are trimmed
with array operations. tests/test_note_batch.py holds it to `template_tokens`, word for word.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Sequence
from itertools import chain

import numpy as np

from kontaktfilter.bulk.normalise import (
    CLOSING_WORDS,
    GREETING_WORDS,
    MAX_CLOSING_TOKENS,
    MAX_GREETING_TOKENS,
    banned_words,
    without_links,
)
from kontaktfilter.text.note import fold

_LETTER_RUN = re.compile(r"[^\W\d_]+")
"""The letters of `normalise.WORD`; its words are runs of them joined by single apostrophes."""
_APOSTROPHES = (ord("'"), ord("’"))
_BMP = 0x10000
_SPACE = ord(" ")
_GREETING, _CLOSING = 1, 2
"""Bits of `WordTable.flags`."""
WORD_MEMO_LIMIT = 1_000_000
"""Spellings remembered before the table starts afresh (a batch never sees it cleared)."""


@functools.cache
def _letter_table() -> np.ndarray:
    """Whether each code point of the basic plane is a letter of `normalise.WORD`, and a last
    entry (False) that code points beyond it are looked up as before `_astral_letters`."""
    plane = "".join(map(chr, range(_BMP)))
    table = np.zeros(_BMP + 1, dtype=bool)
    for run in _LETTER_RUN.finditer(plane):
        table[run.start() : run.end()] = True
    return table


def _letters(codes: np.ndarray) -> np.ndarray:
    """Which code points are letters; the rare ones beyond the basic plane one by one."""
    letters = np.take(_letter_table(), codes, mode="clip")
    astral = np.flatnonzero(codes >= _BMP)
    if astral.size:
        found = {int(c) for c in np.unique(codes[astral]) if _LETTER_RUN.fullmatch(chr(c))}
        letters[astral] = np.isin(codes[astral], list(found))
    return letters


class WordTable:
    """Every spelling seen gets an id; an id stands for one folded word, with its CRC-32 and
    whether it greets or signs off. Raw spellings map straight to the id of their folded form,
    and each pair of names to the ids of its parts, so a known word or pair costs one
    dictionary look-up at C speed and is never folded again."""

    def __init__(self) -> None:
        self._raw: dict[str, int] = {}
        self._folded: dict[str, int] = {}
        self._names: dict[tuple[str, ...], tuple[int, ...]] = {}
        self.hashes = np.empty(1024, dtype=np.uint64)
        self.flags = np.empty(1024, dtype=np.uint8)

    def start_batch(self) -> None:
        """Forget everything once the table is full: between batches, so ids stay valid
        within one."""
        if len(self._raw) + len(self._folded) + len(self._names) >= WORD_MEMO_LIMIT:
            self._raw.clear()
            self._folded.clear()
            self._names.clear()

    def raw_ids(self, words: list[str]) -> np.ndarray:
        """The folded word id of each raw spelling."""
        ids = list(map(self._raw.get, words))
        if None in ids:
            for word in set(words).difference(self._raw):
                self._raw[word] = self._folded_id(fold(word))
            ids = list(map(self._raw.__getitem__, words))
        return np.array(ids, dtype=np.int64)

    def name_ids(self, names: Sequence[tuple[str, ...]]) -> list[tuple[int, ...]]:
        """The ids of the folded parts of each note's names (the words it must not keep)."""
        ids = list(map(self._names.get, names))
        if None in ids:
            for pair in set(names).difference(self._names):
                self._names[pair] = tuple(map(self._folded_id, banned_words(pair)))
            ids = list(map(self._names.__getitem__, names))
        return ids

    def _folded_id(self, word: str) -> int:
        known = self._folded.get(word)
        if known is not None:
            return known
        number = self._folded[word] = len(self._folded)
        if number == len(self.hashes):
            self.hashes = np.resize(self.hashes, 2 * number)
            self.flags = np.resize(self.flags, 2 * number)
        self.hashes[number] = zlib.crc32(word.encode())
        self.flags[number] = _GREETING * (word in GREETING_WORDS) + _CLOSING * (
            word in CLOSING_WORDS
        )
        return number


_TABLE = WordTable()


def note_words(
    texts: Sequence[str], names: Sequence[tuple[str, ...]]
) -> tuple[np.ndarray, np.ndarray]:
    """The CRC-32 of each word `template_tokens` keeps, all notes flat in order, and the number
    of words kept per note; `names` are the names of each note, as tuples."""
    _TABLE.start_batch()
    ids, counts = _words(texts)
    note = np.repeat(np.arange(len(texts)), counts)
    banned = _banned_mask(ids, note, _TABLE.name_ids(names))
    kept = _kept(_TABLE.flags[ids], banned, counts, note)
    return _TABLE.hashes[ids[kept]], np.bincount(note[kept], minlength=len(texts))


def _words(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Word ids of all notes flat and the number of words per note. A word is a run of letters
    with single apostrophes between letters (`normalise.WORD`); everything else becomes a space
    and `str.split` cuts the batch into its words in one call."""
    joined = "\n".join(texts)  # a line break is no word: no word runs across two notes
    if "://" in joined or "www." in joined or "@" in joined:
        texts = [without_links(text) for text in texts]
        joined = "\n".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    letters = _letters(codes)
    inside = letters.copy()
    apostrophe = (codes[1:-1] == _APOSTROPHES[0]) | (codes[1:-1] == _APOSTROPHES[1])
    inside[1:-1] |= apostrophe & letters[:-2] & letters[2:]
    words = np.where(inside, codes, _SPACE).tobytes().decode("utf-32-le")
    starts = inside.copy()
    starts[1:] &= ~inside[:-1]
    starts = np.flatnonzero(starts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    ends = np.cumsum(lengths + 1) - 1
    counts = np.diff(np.searchsorted(starts, ends), prepend=0)
    return _TABLE.raw_ids(words.split()), counts


def _banned_mask(ids: np.ndarray, note: np.ndarray, banned: list[tuple[int, ...]]) -> np.ndarray:
    """Which words (of note `note[i]` each) are a part of their own note's names. Only words
    that are some note's name part are compared with their own note's parts."""
    mask = np.zeros(ids.size, dtype=bool)
    sizes = np.fromiter(map(len, banned), dtype=np.int64, count=len(banned))
    if not sizes.any():
        return mask
    flat = np.fromiter(chain.from_iterable(banned), dtype=np.int64, count=int(sizes.sum()))
    named = np.zeros(len(_TABLE.hashes), dtype=bool)
    named[flat] = True
    candidates = np.flatnonzero(named[ids])
    parts = np.full((len(banned), int(sizes.max())), -1, dtype=np.int64)
    columns = np.arange(flat.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    parts[np.repeat(np.arange(len(banned)), sizes), columns] = flat
    mask[candidates] = (parts[note[candidates]] == ids[candidates, None]).any(axis=1)
    return mask


def _kept(
    flags: np.ndarray, banned: np.ndarray, counts: np.ndarray, note: np.ndarray
) -> np.ndarray:
    """Which words `normalise._trimmed` keeps: not a leading greeting or name (at most the
    first MAX_GREETING_TOKENS), not from the last sign-off word among the last
    MAX_CLOSING_TOKENS on (and the sign-off words just before it), and no name anywhere."""
    offsets = np.cumsum(counts) - counts
    greeting = ((flags & _GREETING) != 0) | banned
    closing = (flags & _CLOSING) != 0
    lead = _at(greeting, offsets, counts, np.arange(MAX_GREETING_TOKENS))
    start = np.where(lead.all(axis=1), MAX_GREETING_TOKENS, np.argmin(lead, axis=1))
    back = counts[:, None] - 1 - np.arange(MAX_CLOSING_TOKENS)  # the last words, last first
    last = _at(closing, offsets, counts, back) & (back >= start[:, None])
    found = last.any(axis=1)
    index = counts - 1 - np.argmax(last, axis=1)
    run = _runs(closing)  # sign-off words in a row ending at each word (before: the next)
    end = np.where(found, np.maximum(start, index - run[offsets + np.maximum(index, 0)]), counts)
    position = np.arange(flags.size) - offsets[note]
    return (position >= start[note]) & (position < end[note]) & ~banned


def _at(values: np.ndarray, offsets: np.ndarray, counts: np.ndarray, columns: np.ndarray):
    """values[offset + column] for each note (row) and column, False outside the note."""
    columns = np.broadcast_to(columns, (counts.size, columns.shape[-1]))
    inside = (columns >= 0) & (columns < counts[:, None])
    out = np.zeros(columns.shape, dtype=bool)
    out[inside] = values[(offsets[:, None] + columns)[inside]]
    return out


def _runs(flags: np.ndarray) -> np.ndarray:
    """For each position p, how many flags in a row are set just before p (p from 0 to the
    length): run[p] counts flags[p - run[p] : p]."""
    total = np.concatenate(([0], np.cumsum(flags)))
    cleared = np.maximum.accumulate(np.where(np.concatenate(([True], ~flags)), total, 0))
    return total - cleared
