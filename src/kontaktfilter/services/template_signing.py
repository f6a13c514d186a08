"""The notes of a template file read and signed in batches, across processes when the file is
big: what `kontaktfilter templates` runs on.

Reading a line and signing its note are most of the command's work and need nothing from other
notes, so a batch of lines goes to a forked worker as bytes and comes back as its notes' ids,
MinHash signatures and errors (and, when the caller keeps them, senders, texts and times). The
clustering, which needs every signature, stays with the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from kontaktfilter.bulk.index import TemplateIndex
from kontaktfilter.formats.errors import RecordError
from kontaktfilter.formats.template_notes import Lines, NoteBatch, notes_of_lines
from kontaktfilter.services.parallel import in_order


@dataclass(frozen=True, slots=True)
class SignedBatch:
    """The ids of a batch's notes, one signature row each (`index.note_signatures`) and the
    errors of its lines; the notes themselves only when the caller keeps them (`templates
    --json` writes ids and clusters: less to send between processes, less to hold)."""

    ids: list[str]
    signatures: np.ndarray
    errors: list[RecordError]
    notes: NoteBatch | None


_signing: tuple[TemplateIndex, bool] | None = None
"""The index whose hasher signs, and whether to keep the notes' columns (inherited by forked
workers, never pickled)."""


def signed_batches(
    parts: Iterable[Lines | NoteBatch], index: TemplateIndex, keep_notes: bool, jobs: int
) -> Iterator[SignedBatch]:
    """Each part read (when it is lines) and signed with `index`'s hasher, in order; in `jobs`
    forked processes when there is more than one part."""
    global _signing
    _signing = (index, keep_notes)
    try:
        yield from in_order(_signed, parts, jobs)
    finally:
        _signing = None


def _signed(part: Lines | NoteBatch) -> SignedBatch:
    assert _signing is not None, "signed outside signed_batches"
    index, keep_notes = _signing
    notes, errors = notes_of_lines(part) if isinstance(part, Lines) else (part, [])
    signatures = index.note_signatures(notes.texts, notes.names)
    return SignedBatch(notes.ids, signatures, errors, notes if keep_notes else None)
