"""MinHash signatures over word bigrams, computed for many notes at once with NumPy.

Word bigrams keep word order (a template is a sequence, not a bag) while one swapped or spun word
only changes two shingles. Each distinct word is hashed once with CRC-32 (stable across
processes, so stored signatures stay comparable after a restart); bigram hashes are combined in
NumPy for a whole batch. The permutations are multiply-add-shift hashes, h(x) = (a*x + b mod 2**64)
>> 32, a universal family that needs no division: it is what makes a million notes take seconds.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from itertools import chain

import numpy as np

EMPTY_SLOT = np.uint32(0xFFFFFFFF)
"""The signature value of a note without words: it never equals a real minimum."""
_PAIR = np.uint64(0x9E3779B1)
_LOW32 = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)
CHUNK_SHINGLES = 8192
"""Shingles hashed per NumPy step: the 64 x 8192 hashes (4 MB) stay in the processor's cache."""
WORD_MEMO_LIMIT = 1_000_000
_WORD_HASHES: dict[str, int] = {}
"""CRC-32 of each word seen, shared by all hashers: it never depends on the permutations."""


class MinHasher:
    """Holds the permutation parameters; `signatures` turns token lists into a matrix."""

    def __init__(self, num_perm: int = 64, seed: int = 1) -> None:
        rng = np.random.default_rng(seed)
        self.num_perm, self.seed = num_perm, seed
        self.a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
        self.b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)

    def same_as(self, other: MinHasher) -> bool:
        """Whether both give equal signatures for equal notes (so one can stand in for both)."""
        return (self.num_perm, self.seed) == (other.num_perm, other.seed)

    @staticmethod
    def _word_hashes(words: list[str]) -> np.ndarray:
        hashes = list(map(_WORD_HASHES.get, words))
        if None in hashes:
            if len(_WORD_HASHES) >= WORD_MEMO_LIMIT:
                _WORD_HASHES.clear()
            for word in {w for w, h in zip(words, hashes, strict=True) if h is None}:
                _WORD_HASHES[word] = zlib.crc32(word.encode())
            hashes = list(map(_WORD_HASHES.__getitem__, words))
        return np.array(hashes, dtype=np.uint64)

    def shingles(self, documents: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Bigram hashes of all documents, flat, and the number of shingles per document."""
        lengths = np.fromiter((len(d) for d in documents), dtype=np.int64, count=len(documents))
        return word_shingles(self._word_hashes(list(chain.from_iterable(documents))), lengths)

    def signatures(self, documents: Sequence[Sequence[str]]) -> np.ndarray:
        """One uint32 row of `num_perm` minima per document (token list).

        The hashes are laid out one permutation per row and one shingle per column, a few
        thousand shingles at a time: the minimum of each document is then a `reduceat` along
        contiguous memory within the cache, about ten times faster than shingles as rows."""
        return self.signatures_of_shingles(*self.shingles(documents))

    def word_signatures(self, words: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """`signatures` of documents given as the CRC-32 of their words, all documents flat,
        and the number of words of each (what `note_batch.note_words` gives)."""
        return self.signatures_of_shingles(*word_shingles(words, lengths))

    def signatures_of_shingles(self, shingles: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """The rows of `signatures` from the flat shingle hashes and the count per document."""
        rows = np.full((len(counts), self.num_perm), EMPTY_SLOT, dtype=np.uint32)
        present = np.flatnonzero(counts)
        ends = np.cumsum(counts[present])
        starts = ends - counts[present]
        a, b = self.a[:, None], self.b[:, None]
        buffer = np.empty((self.num_perm, CHUNK_SHINGLES), dtype=np.uint64)
        begin = 0
        while begin < present.size:
            limit = starts[begin] + CHUNK_SHINGLES
            end = max(begin + 1, int(np.searchsorted(ends, limit, side="right")))
            low, high = starts[begin], ends[end - 1]
            if high - low <= CHUNK_SHINGLES:
                hashed = buffer[:, : high - low]
            else:  # one document longer than a chunk
                hashed = np.empty((self.num_perm, high - low), dtype=np.uint64)
            np.multiply(a, shingles[None, low:high], out=hashed)
            hashed += b
            hashed >>= _SHIFT
            rows[present[begin:end]] = np.minimum.reduceat(hashed, starts[begin:end] - low, 1).T
            begin = end
        return rows


def word_shingles(words: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bigram hashes of documents given as word hashes (all documents flat, `lengths` words
    each), flat, and the number of shingles per document: a one-word document is its own
    shingle, an empty one has none."""
    if words.size == 0:
        return words, np.zeros(len(lengths), dtype=np.int64)
    with np.errstate(over="ignore"):
        pairs = ((words[:-1] * _PAIR) ^ words[1:]) & _LOW32
    ends = np.cumsum(lengths)
    inside = np.ones(max(words.size - 1, 0), dtype=bool)
    inside[ends[(ends > 0) & (ends < words.size)] - 1] = False  # no pair across documents
    single = np.flatnonzero(lengths == 1)
    counts = np.where(lengths > 1, lengths - 1, lengths)
    pieces = pairs[inside]
    if single.size:  # a one-word note is its own shingle; keep document order
        positions = np.cumsum(counts)[single] - 1
        pieces = np.insert(pieces, positions - np.arange(single.size), words[ends[single] - 1])
    return pieces, counts
