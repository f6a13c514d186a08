"""The band look-up of the template index (index.py): every note's band keys in sorted NumPy
columns, one column per band, plus an unsorted tail of the newest notes. A full tail is merged
into the columns and a prune filters them, so an index that grows and is pruned as a stream goes
by is sorted once. Look-ups go one note at a time (`candidates`) or a batch at once
(`batch_candidates`) and read the same rows either way.
"""

from __future__ import annotations

import numpy as np

_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))


def band_keys(signatures: np.ndarray, bands: int) -> np.ndarray:
    """One uint64 key per band and note, mixing the band's rows."""
    rows = signatures.shape[1] // bands
    parts = signatures[:, : bands * rows].reshape(len(signatures), bands, rows).astype(np.uint64)
    keys = np.zeros((len(signatures), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in range(rows):
            keys = (keys ^ parts[:, :, column]) * _MIX[column % 2]
    return keys


def _bounds(columns: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each key row (one key per band) starts and ends in the sorted band columns."""
    lows = np.empty(keys.shape, dtype=np.int64)
    highs = np.empty(keys.shape, dtype=np.int64)
    for band in range(keys.shape[1]):
        column = columns[:, band]
        lows[:, band] = column.searchsorted(keys[:, band], side="left")
        highs[:, band] = column.searchsorted(keys[:, band], side="right")
    return lows, highs


def _ragged(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, ...]:
    """For (query, band) slices of the sorted columns, each element's query, band and position:
    the slices laid end to end without a Python loop over them."""
    query, band = np.nonzero(lengths)
    sizes = lengths[query, band]
    within = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    position = np.repeat(starts[query, band], sizes) + within
    return np.repeat(query, sizes), np.repeat(band, sizes), position


class BandColumns:
    """Rows below `count` are in the sorted columns (equal keys by row, oldest first); the
    rows from `count` on are the tail. The signatures themselves stay with the index, which
    passes them in."""

    def __init__(self, bands: int) -> None:
        self.bands = bands
        self.keys: np.ndarray | None = None
        self.rows: np.ndarray | None = None
        self.count = 0
        self._tail_keys: np.ndarray | None = None
        """Band keys of the tail, computed once per tail instead of once per query (the
        queries between two additions read the same tail)."""
        self._tail_sorted: tuple[np.ndarray, np.ndarray] | None = None
        """The same keys sorted per band, and the tail rows in that order (for a batch)."""

    @property
    def built(self) -> bool:
        return self.keys is not None

    def forget_tail(self) -> None:
        """The tail changed: its cached keys are stale."""
        self._tail_keys = self._tail_sorted = None

    def build(self, signatures: np.ndarray) -> None:
        """Sort every note into the columns."""
        keys = band_keys(signatures, self.bands)
        self.rows = np.asfortranarray(np.argsort(keys, axis=0, kind="stable"))
        self.keys = np.asfortranarray(np.take_along_axis(keys, self.rows, axis=0))
        self.count = len(signatures)
        self.forget_tail()

    def merge_tail(self, signatures: np.ndarray) -> None:
        """Merge the tail into the columns: what a full stable sort would give (equal keys by
        row, and every tail row is newer than every sorted one), at the cost of one pass over
        the columns instead of a sort of all of them."""
        assert self.keys is not None and self.rows is not None
        old, total = self.count, len(signatures)
        tail = band_keys(signatures[old:], self.bands)
        order = np.argsort(tail, axis=0, kind="stable")
        tail = np.take_along_axis(tail, order, axis=0)
        keys = np.empty((total, self.bands), dtype=np.uint64, order="F")
        rows = np.empty((total, self.bands), dtype=self.rows.dtype, order="F")
        shift = np.arange(total - old)
        for band in range(self.bands):
            column = self.keys[:, band]
            # after the equal keys already sorted: the tail's rows are the newer ones
            placed = column.searchsorted(tail[:, band], side="right") + shift
            rest = np.ones(total, dtype=bool)
            rest[placed] = False
            keys[placed, band], keys[rest, band] = tail[:, band], column
            rows[placed, band], rows[rest, band] = order[:, band] + old, self.rows[:, band]
        self.keys, self.rows, self.count = keys, rows, total
        self.forget_tail()

    def filter(self, keep: np.ndarray) -> None:
        """Drop the pruned rows from the columns and number the rest anew: the order of what
        is left does not change (the new numbers keep the old order), so no sort."""
        self.forget_tail()
        if self.keys is None or self.rows is None:
            self.count = 0
            return
        renumbered = np.cumsum(keep) - 1
        kept = keep[self.rows]  # every column holds each sorted row once
        count = int(keep[: self.count].sum())
        keys = np.empty((count, self.bands), dtype=np.uint64, order="F")
        rows = np.empty((count, self.bands), dtype=self.rows.dtype, order="F")
        for band in range(self.bands):
            column = kept[:, band]
            keys[:, band] = self.keys[column, band]
            rows[:, band] = renumbered[self.rows[column, band]]
        self.keys, self.rows, self.count = keys, rows, count

    def candidates(
        self, signatures: np.ndarray, keys: np.ndarray, limit: int | None
    ) -> tuple[np.ndarray, bool]:
        """Rows sharing a band with `keys`, and whether that is all of them. With a `limit` the
        bands are read in turn until that many rows are found, newest rows of a bucket first:
        a note with many copies is settled by its first band, a unique note still looks at
        every band. Every tail row sharing a band is a candidate."""
        assert self.keys is not None and self.rows is not None
        found = []
        collected, complete = 0, True
        for band in range(self.bands):
            column = self.keys[:, band]
            low = np.searchsorted(column, keys[band], side="left")
            high = np.searchsorted(column, keys[band], side="right")
            if high == low:
                continue
            if limit is not None and high - low > limit:
                low = high - limit
            found.append(self.rows[low:high, band])
            collected += high - low
            if limit is not None and collected >= limit and band < self.bands - 1:
                complete = False
                break
        if self.count < len(signatures):
            if self._tail_keys is None:
                self._tail_keys = band_keys(signatures[self.count :], self.bands)
            hits = np.flatnonzero((self._tail_keys == keys[None, :]).any(axis=1))
            found.append(hits + self.count)
        if not found:
            return np.empty(0, dtype=np.int64), complete
        # rows within one bucket are distinct already; only several buckets can share rows
        return (found[0] if len(found) == 1 else np.unique(np.concatenate(found))), complete

    def batch_candidates(
        self, signatures: np.ndarray, keys: np.ndarray, limit: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """`candidates` for many key rows at once, as (query, row) pairs, each pair once: the
        same rows, read with a few NumPy steps for the whole batch."""
        assert self.keys is not None and self.rows is not None
        lows, highs = _bounds(self.keys, keys)
        # the newest `limit` rows of a bucket, bands in turn until `limit` rows are found
        counted = np.minimum(highs - lows, limit)
        before = np.cumsum(counted, axis=1) - counted
        counted[:, 1:] *= before[:, 1:] < limit
        query, band, position = _ragged(highs - counted, counted)
        rows = self.rows[position, band].astype(np.int64)
        # a row found in several bands is compared once
        total = len(signatures)
        query, rows = np.divmod(np.unique(query * total + rows), total)
        if self.count < total:
            if self._tail_sorted is None:
                tail = band_keys(signatures[self.count :], self.bands)
                order = np.argsort(tail, axis=0, kind="stable")
                self._tail_sorted = (np.take_along_axis(tail, order, axis=0), order)
            tail_keys, tail_rows = self._tail_sorted
            t_lows, t_highs = _bounds(tail_keys, keys)
            t_query, t_band, t_position = _ragged(t_lows, t_highs - t_lows)
            # a copy in the tail matches in most bands: a (query, tail row) table drops the
            # repeats without sorting them
            found = np.zeros((len(keys), len(tail_keys)), dtype=bool)
            found[t_query, tail_rows[t_position, t_band]] = True
            t_query, t_rows = np.nonzero(found)
            query = np.concatenate((query, t_query))
            rows = np.concatenate((rows, t_rows + self.count))
        return query, rows
