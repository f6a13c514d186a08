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

from kontaktfilter.bulk.index import TemplateIndex

PRUNE_EVERY = 50_000
"""Notes added between two prunes of the window."""


class NoteTemplates:
    def __init__(self, window_days: float, min_senders: int) -> None:
        self.window_days, self.min_senders = window_days, min_senders
        self.index = TemplateIndex()
        self._since_prune = 0
        self._lock = threading.Lock()
        """The service checks notes in threads while a batch adds to the index."""

    def matches(self, note: str, sender: str, now: datetime) -> bool:
        """Whether `min_senders` other senders sent a near-copy within the window."""
        if not note.strip():
            return False
        with self._lock:
            senders, _, _ = self.index.evidence(
                note, exclude_sender=sender, now=now, window_days=self.window_days
            )
        return senders >= self.min_senders

    def add(self, notes: Sequence[tuple[str, str, str, datetime]]) -> list[bool]:
        """Index (id, sender, note, at) and say for each whether it was in a template then."""
        flags = [self.matches(note, sender, at) for _, sender, note, at in notes]
        written = [(i, s, n, at, ()) for i, s, n, at in notes if n.strip()]
        with self._lock:
            self.index.add_many(written)
            self._since_prune += len(written)
            if self._since_prune >= PRUNE_EVERY and notes:
                self.index.prune(max(at for *_, at in notes), self.window_days)
                self._since_prune = 0
        return flags
