"""The corpus model's rows per word and word pair, remembered: a sentence not met before is
mostly made of words met before, and a word's row (its own column and its character n-grams
summed) costs about nine columns to work out again."""

from __future__ import annotations

from itertools import accumulate, compress, repeat
from operator import is_
from threading import Lock

import numpy as np

from kontaktfilter.scoring.features import owner_indices

Owner = str | tuple[str, str]
"""A word (its model form, features.token_form) or a word pair (two forms)."""
FIRST_ROWS = 4_096
"""Rows first set aside; the table grows as needed, up to the memo's limit of owners."""


class OwnerRows:
    """Each owner's signed weight row (float32, one column per label), summed as the corpus
    model always summed it: reduceat over the owner's columns. A segment's sum does not depend
    on its neighbours in the take, so a row remembered here is the row summed within any
    sentence. One lock guards the table: the web app scores in a thread pool, and two threads
    adding rows at once would place them at the same offsets, or read a table another cleared."""

    def __init__(self, weights: np.ndarray, limit: int) -> None:
        self.weights = weights
        self.signed = np.concatenate([weights, -weights])
        """The weights, then their negatives: features.signed_index points into it."""
        self.limit = limit
        self._index: dict[Owner, int] = {}
        self._entries: list[int] = []
        self._rows = np.empty((FIRST_ROWS, weights.shape[1]), dtype=np.float32)
        self._lock = Lock()

    def take(self, owners: list[Owner]) -> tuple[np.ndarray, list[int]]:
        """The rows of the owners, in order, and how many feature entries each sums; those not
        met before are worked out first, all in one take from the weights."""
        with self._lock:
            index = self._index
            places = list(map(index.get, owners))
            if None in places:  # every step over the owners at C speed: most are known
                missing = list(dict.fromkeys(compress(owners, map(is_, places, repeat(None)))))
                if len(index) + len(missing) > self.limit:
                    self._forget()
                    missing = list(dict.fromkeys(owners))
                self._add(missing)
                places = list(map(index.__getitem__, owners))
            rows = np.take(self._rows, places, axis=0)
            return rows, list(map(self._entries.__getitem__, places))

    def _add(self, owners: list[Owner]) -> None:
        indices, counts = owner_indices(owners)
        rows = np.take(self.signed, indices, axis=0)
        new = np.add.reduceat(rows, list(accumulate(counts[:-1], initial=0)), axis=0)
        base = len(self._entries)
        if base + len(new) > len(self._rows):
            grown = np.empty((max(2 * len(self._rows), base + len(new)), new.shape[1]), np.float32)
            grown[:base] = self._rows[:base]
            self._rows = grown
        self._rows[base : base + len(new)] = new
        self._index.update(zip(owners, range(base, base + len(new)), strict=True))
        self._entries += counts

    def clear(self) -> None:
        """Forget every owner (in place: a caller may hold the index)."""
        with self._lock:
            self._forget()

    def _forget(self) -> None:
        self._index.clear()
        self._entries.clear()
        self._rows = np.empty((FIRST_ROWS, self.weights.shape[1]), dtype=np.float32)
