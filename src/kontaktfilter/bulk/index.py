"""A near-duplicate index of notes: finds one template sent by many senders.

MinHash signatures (minhash.py) are cut into bands; two notes are candidates when a band matches
and are kept when their estimated Jaccard similarity reaches the threshold. Band look-ups use
sorted NumPy columns (plus a small unsorted tail for notes added since the last sort) instead of
Python dictionaries, which keeps a million notes within a few hundred bytes each
(band_columns.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count, filterfalse
from typing import Any

import numpy as np

from kontaktfilter.bulk.band_columns import BandColumns
from kontaktfilter.bulk.band_columns import band_keys as _band_keys
from kontaktfilter.bulk.clustering import cluster_labels
from kontaktfilter.bulk.minhash import EMPTY_SLOT, MinHasher
from kontaktfilter.bulk.normalise import template_tokens
from kontaktfilter.bulk.note_batch import note_words

DEFAULT_THRESHOLD = 0.45
"""Copies of a spintax template share about half their bigrams; 0.45 links them, unrelated notes
stay far below."""
DEFAULT_BANDS = 16
DEFAULT_NUM_PERM = 64
TAIL_LIMIT = 4096
"""Notes added since the last sort are compared linearly until there are this many."""
EVIDENCE_LIMIT = 64
"""`evidence` stops collecting candidates at about this many (newest first): enough to show a
template, and it keeps a query's cost flat however big a cluster grows."""
SMALL_BATCH = 64
"""Below this many notes, `note_signatures` tokenises note by note."""
BATCH_QUERIES = 256
"""Notes looked up together by `sender_counts`: bounds the candidate matrix of one step."""


def epoch_seconds(moment: datetime) -> int:
    """Epoch seconds; a naive time is taken as UTC."""
    return int((moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).timestamp())


def _moment(seconds: int) -> datetime:
    return datetime.fromtimestamp(int(seconds), UTC).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class Match:
    msg_id: str
    sender: str
    similarity: float
    seen_at: datetime


@dataclass(frozen=True, slots=True)
class Cluster:
    cluster_id: int
    members: tuple[str, ...]
    senders: int
    first_seen: datetime
    last_seen: datetime
    example: str


class TemplateIndex:
    """Add notes, ask for near-duplicates from other senders, list clusters (bulk.index_file
    saves and loads it)."""

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        num_perm: int = DEFAULT_NUM_PERM,
        bands: int = DEFAULT_BANDS,
        seed: int = 1,
    ) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        self.threshold, self.bands, self.seed = threshold, bands, seed
        self.hasher = MinHasher(num_perm, seed)
        self._signatures = np.empty((0, num_perm), dtype=np.uint32)
        self._buffers: dict[str, np.ndarray] = {}
        """Room behind `_signatures`, `_seen` and `_sender_codes`, which are views of these."""
        self._seen = np.empty(0, dtype=np.int64)
        self._sender_codes = np.empty(0, dtype=np.int32)
        self._senders: list[str] = []
        self._sender_index: dict[str, int] = {}
        self._ids: list[str] = []
        self._texts: list[str] = []
        self._row_by_id: dict[str, int] | None = None
        self._columns = BandColumns(bands)

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> tuple[str, ...]:
        """Message ids in the order they were added."""
        return tuple(self._ids)

    def signature(self, text: str, names: Iterable[str] = ()) -> np.ndarray:
        return self.hasher.signatures([template_tokens(text, names)])[0]

    def add(self, msg_id: str, sender: str, text: str, seen_at: datetime, names=()) -> None:
        self.add_many([(msg_id, sender, text, seen_at, tuple(names))])

    def add_many(
        self,
        items: Sequence[tuple[str, str, str, datetime, Sequence[str]]],
        signatures: np.ndarray | None = None,
    ) -> None:
        """Index a batch; signatures are computed for the whole batch at once, unless the
        caller has them already (one row per item, from `hasher.signatures`)."""
        if not items:
            return
        texts = [item[2] for item in items]
        if signatures is None:
            signatures = self.note_signatures(texts, [tuple(item[4]) for item in items])
        seconds = np.array([epoch_seconds(item[3]) for item in items], dtype=np.int64)
        ids, senders = [str(item[0]) for item in items], [item[1] for item in items]
        self.add_columns(ids, senders, texts, seconds, signatures)

    def note_signatures(self, texts: Sequence[str], names: Sequence[tuple[str, ...]]) -> np.ndarray:
        """The signature of each note (names removed), as `signature` gives it: a batch through
        `note_batch.note_words`, a few notes one by one (cheaper than the batch's array steps)."""
        if len(texts) < SMALL_BATCH:
            tokens = [template_tokens(t, n) for t, n in zip(texts, names, strict=True)]
            return self.hasher.signatures(tokens)
        return self.hasher.word_signatures(*note_words(texts, names))

    def add_columns(
        self,
        ids: list[str],
        senders: list[str],
        texts: list[str],
        seconds: np.ndarray,
        signatures: np.ndarray,
    ) -> None:
        """Index notes given as columns (one entry per note each; `seconds` since the epoch):
        `add_many` without its tuples, and no Python step per note but a sender look-up."""
        if not ids:
            return
        codes = np.array(self._codes(senders), dtype=np.int32)
        self._signatures = self._appended("signatures", self._signatures, signatures)
        self._sender_codes = self._appended("sender_codes", self._sender_codes, codes)
        self._seen = self._appended("seen", self._seen, seconds)
        self._ids.extend(ids)
        self._texts.extend(texts)
        self._row_by_id = None
        self._columns.forget_tail()
        if len(self) - self._columns.count > TAIL_LIMIT and self._columns.built:
            self._columns.merge_tail(self._signatures)

    def _appended(self, name: str, current: np.ndarray, extra: np.ndarray) -> np.ndarray:
        """`current` followed by `extra`, as a view of a buffer that grows by half when full: a
        million notes added in batches copy each row about twice, not once per later batch."""
        size = len(current) + len(extra)
        buffer = self._buffers.get(name)
        if buffer is None or current.base is not buffer or len(buffer) < size:
            capacity = max(size, len(current) * 3 // 2)
            buffer = np.empty((capacity, *current.shape[1:]), dtype=current.dtype)
            buffer[: len(current)] = current
            self._buffers[name] = buffer
        buffer[len(current) : size] = extra
        return buffer[:size]

    def signature_of(self, msg_id: str) -> np.ndarray | None:
        """The stored signature of an indexed note: an importer indexes a whole file first and
        then scores each note, which need not hash it a second time."""
        if self._row_by_id is None:
            self._row_by_id = {identifier: row for row, identifier in enumerate(self._ids)}
        row = self._row_by_id.get(msg_id)
        return None if row is None else self._signatures[row]

    def _codes(self, senders: list[str]) -> list[int]:
        """The code of each sender; new senders get the next codes in order of appearance."""
        new = list(filterfalse(self._sender_index.__contains__, dict.fromkeys(senders)))
        self._sender_index.update(zip(new, count(len(self._senders))))
        self._senders.extend(new)
        return list(map(self._sender_index.__getitem__, senders))

    def _ensure_sorted(self) -> None:
        if not self._columns.built:
            self._columns.build(self._signatures)

    def _candidates(self, keys: np.ndarray, limit: int | None = None) -> tuple[np.ndarray, bool]:
        """Rows sharing a band with `keys` (see `BandColumns.candidates`)."""
        self._ensure_sorted()
        return self._columns.candidates(self._signatures, keys, limit)

    def _similar(
        self,
        text: str,
        names: Iterable[str],
        exclude_sender: str | None,
        now: datetime | None,
        window_days: float | None,
        signature: np.ndarray | None = None,
        limit: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray, bool]:
        """Rows similar to `text` (or to its precomputed signature), their similarity, most
        similar first, and whether the candidates were complete (see `_candidates`)."""
        empty = np.empty(0, dtype=np.int64), np.empty(0), True
        if not len(self):
            return empty
        if signature is None:
            signature = self.signature(text, names)
        if signature[0] == EMPTY_SLOT:
            return empty  # nothing left after normalisation: no template evidence either way
        rows, complete = self._candidates(_band_keys(signature[None, :], self.bands)[0], limit)
        if rows.size == 0:
            return empty
        equal = np.count_nonzero(self._signatures[rows] == signature[None, :], axis=1)
        similarity = equal / signature.size
        keep = similarity >= self.threshold
        if exclude_sender is not None and exclude_sender in self._sender_index:
            keep &= self._sender_codes[rows] != self._sender_index[exclude_sender]
        if now is not None and window_days is not None:
            keep &= self._seen[rows] >= epoch_seconds(now) - window_days * 86_400
        order = np.argsort(-similarity[keep], kind="stable")
        return rows[keep][order], similarity[keep][order], complete

    def _matches(self, rows: np.ndarray, similarity: np.ndarray) -> list[Match]:
        return [
            Match(
                self._ids[row],
                self._senders[self._sender_codes[row]],
                float(sim),
                _moment(self._seen[row]),
            )
            for row, sim in zip(rows, similarity, strict=True)
        ]

    def query(
        self,
        text: str,
        names: Iterable[str] = (),
        exclude_sender: str | None = None,
        now: datetime | None = None,
        window_days: float | None = None,
    ) -> list[Match]:
        """Indexed notes similar to `text`, most similar first, within the time window."""
        rows, similarity, _ = self._similar(text, names, exclude_sender, now, window_days)
        return self._matches(rows, similarity)

    def evidence(
        self,
        text: str,
        names: Iterable[str] = (),
        exclude_sender: str | None = None,
        now: datetime | None = None,
        window_days: float | None = None,
        examples: int = 5,
        signature: np.ndarray | None = None,
    ) -> tuple[int, list[str], bool]:
        """How many distinct senders sent a similar note, the ids of the most similar few, and
        whether the count is exact (else it is a lower bound): what the template signal needs,
        at a cost that does not grow with the size of the cluster (EVIDENCE_LIMIT)."""
        rows, _, complete = self._similar(
            text, names, exclude_sender, now, window_days, signature, EVIDENCE_LIMIT
        )
        senders = len(set(self._sender_codes[rows].tolist()))
        return senders, [self._ids[row] for row in rows[:examples].tolist()], complete

    def sender_counts(
        self,
        signatures: np.ndarray,
        exclude_senders: Sequence[str],
        nows: Sequence[datetime],
        window_days: float,
    ) -> np.ndarray:
        """For each note of a batch (one signature row each), what `evidence` counts first: the
        distinct senders other than its own who sent a similar note within the window before
        its time. The same candidates and the same tests as `evidence`, done for the whole
        batch in a few NumPy steps instead of dozens per note; a gate ingesting a batch, or
        replaying one, asks for every note before it adds them."""
        counts = np.zeros(len(signatures), dtype=np.int64)
        if not len(self) or not len(signatures):
            return counts
        self._ensure_sorted()
        for start in range(0, len(signatures), BATCH_QUERIES):
            stop = start + BATCH_QUERIES
            counts[start:stop] = self._sender_counts(
                signatures[start:stop], exclude_senders[start:stop], nows[start:stop], window_days
            )
        return counts

    def _sender_counts(
        self,
        signatures: np.ndarray,
        exclude_senders: Sequence[str],
        nows: Sequence[datetime],
        window_days: float,
    ) -> np.ndarray:
        """`sender_counts` for one slice of at most BATCH_QUERIES notes."""
        keys = _band_keys(signatures, self.bands)
        query, rows = self._columns.batch_candidates(self._signatures, keys, EVIDENCE_LIMIT)
        equal = np.count_nonzero(self._signatures[rows] == signatures[query], axis=1)
        keep = equal / signatures.shape[1] >= self.threshold
        keep &= signatures[query, 0] != EMPTY_SLOT  # a note without words matches nothing
        own = np.array([self._sender_index.get(s, -1) for s in exclude_senders], dtype=np.int64)
        keep &= self._sender_codes[rows] != own[query]
        start = np.array([epoch_seconds(now) - window_days * 86_400 for now in nows])
        keep &= self._seen[rows] >= start[query]
        pairs = np.unique(query[keep] * len(self._senders) + self._sender_codes[rows[keep]])
        return np.bincount(pairs // len(self._senders), minlength=len(signatures))

    def prune(self, now: datetime, window_days: float) -> int:
        """Forget notes older than the window; returns how many were dropped."""
        keep = self._seen >= epoch_seconds(now) - window_days * 86_400
        dropped = int((~keep).sum())
        if dropped:
            self._buffers.clear()  # the kept rows are copies: let the old buffers go
            self._signatures = self._signatures[keep]
            self._seen = self._seen[keep]
            self._sender_codes = self._sender_codes[keep]
            self._ids = [i for i, k in zip(self._ids, keep, strict=True) if k]
            self._texts = [t for t, k in zip(self._texts, keep, strict=True) if k]
            self._columns.filter(keep)
            self._row_by_id = None
        return dropped

    def labels(self) -> np.ndarray:
        """Cluster label per indexed note; notes without a near-duplicate get -1."""
        return self.labels_of(self._signatures)

    def labels_of(self, signatures: np.ndarray) -> np.ndarray:
        """The labels `labels` would give an index of exactly the notes these signatures
        (from this index's hasher) belong to, without indexing them."""
        return cluster_labels(signatures, self.bands, self.threshold)

    def clusters(self, min_senders: int = 2) -> list[Cluster]:
        """Clusters with at least `min_senders` distinct senders, biggest first."""
        labels = self.labels()
        members = np.flatnonzero(labels >= 0)
        if members.size == 0:
            return []
        order = members[np.argsort(labels[members], kind="stable")]
        bounds = np.flatnonzero(np.diff(labels[order])) + 1
        found = []
        for group in np.split(order, bounds):
            senders = np.unique(self._sender_codes[group]).size
            if senders < min_senders:
                continue
            seen = self._seen[group]
            found.append(
                Cluster(
                    cluster_id=int(labels[group[0]]),
                    members=tuple(self._ids[row] for row in group),
                    senders=int(senders),
                    first_seen=_moment(seen.min()),
                    last_seen=_moment(seen.max()),
                    example=self._texts[group[0]],
                )
            )
        found.sort(key=lambda c: (-c.senders, -len(c.members), c.cluster_id))
        return found

    def state(self) -> tuple[dict[str, Any], dict[str, list[str]], dict[str, np.ndarray]]:
        """Everything the index holds: settings, strings and arrays (bulk.index_file saves it)."""
        settings = {
            "threshold": self.threshold,
            "bands": self.bands,
            "num_perm": self.hasher.num_perm,
            "seed": self.seed,
        }
        strings = {"senders": self._senders, "ids": self._ids, "texts": self._texts}
        arrays = {
            "signatures": self._signatures,
            "seen": self._seen,
            "sender_codes": self._sender_codes,
        }
        return settings, strings, arrays

    @classmethod
    def from_state(
        cls,
        settings: dict[str, Any],
        strings: dict[str, list[str]],
        arrays: dict[str, np.ndarray],
    ) -> TemplateIndex:
        """The index `state` described; raises ValueError when its parts do not fit."""
        index = cls(
            settings["threshold"], settings["num_perm"], settings["bands"], settings["seed"]
        )
        index._signatures, index._seen = arrays["signatures"], arrays["seen"]
        index._sender_codes = arrays["sender_codes"]
        index._senders, index._ids, index._texts = (
            strings["senders"],
            strings["ids"],
            strings["texts"],
        )
        index._sender_index = {sender: code for code, sender in enumerate(index._senders)}
        if not len(index._ids) == len(index._signatures) == len(index._seen):
            raise ValueError("index arrays have different lengths")
        return index
