"""Which notes belong to a bulk template: the screener's own template index (bulk/), fed with
every note the gate sees and pruned to the policy's window, so memory stays bounded.

Each gate process keeps its own index in memory (it is NumPy columns, not a table): with two
workers each sees the notes it ingested, and a note's template flag is decided once, when its
invitation is ingested, and stored with it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from kontaktfilter.bulk.index import TemplateIndex
from kontaktfilter.bulk.normalise import template_tokens

PRUNE_EVERY = 50_000
"""Notes added between two prunes of the window."""
Note = tuple[str, str, str, datetime]
"""(id, sender, note, time)"""


class NoteTemplates:
    def __init__(self, window_days: float, min_senders: int) -> None:
        self.window_days, self.min_senders = window_days, min_senders
        self.index = TemplateIndex()
        self._since_prune = 0
        self._lock = threading.Lock()
        """The service checks notes in threads while a batch adds to the index."""

    def signatures(self, notes: Sequence[str]) -> np.ndarray:
        """MinHash signatures of many notes at once (NumPy works per batch)."""
        return self.index.hasher.signatures([template_tokens(note) for note in notes])

    def matches(
        self, note: str, sender: str, now: datetime, signature: np.ndarray | None = None
    ) -> bool:
        """Whether `min_senders` other senders sent a near-copy within the window."""
        if not note.strip():
            return False
        with self._lock:
            senders, _, _ = self.index.evidence(
                note,
                exclude_sender=sender,
                now=now,
                window_days=self.window_days,
                signature=signature,
            )
        return senders >= self.min_senders

    def flags(self, notes: Sequence[Note]) -> list[bool]:
        """For each note, whether it was in a template when it came in (what `matches` says,
        asked for the whole batch at once); then index them all."""
        signatures = self.signatures([note for _, _, note, _ in notes])
        with self._lock:
            counts = self.index.sender_counts(
                signatures,
                [sender for _, sender, _, _ in notes],
                [at for *_, at in notes],
                self.window_days,
            )
        flags = [
            bool(note.strip()) and int(count) >= self.min_senders
            for (_, _, note, _), count in zip(notes, counts, strict=True)
        ]
        self.add(notes, signatures)
        return flags

    def add(self, notes: Sequence[Note], signatures: np.ndarray | None = None) -> None:
        """Index the notes that have words; `signatures` (one row per note) spares hashing
        them a second time when the caller has just checked them. The index keeps no text:
        the gate matches by signature and never lists clusters, so a window's texts would be
        memory kept for nothing."""
        if signatures is None:
            signatures = self.signatures([note for _, _, note, _ in notes])
        kept = [bool(note.strip()) for _, _, note, _ in notes]
        written = [
            (i, s, "", at, ()) for (i, s, _, at), keep in zip(notes, kept, strict=True) if keep
        ]
        with self._lock:
            self.index.add_many(written, signatures[np.asarray(kept, dtype=bool)])
            self._since_prune += len(written)
            if self._since_prune >= PRUNE_EVERY and written:
                self.index.prune(max(at for *_, at in notes), self.window_days)
                self._since_prune = 0
