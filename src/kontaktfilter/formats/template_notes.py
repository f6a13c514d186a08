"""Reads only what template clustering needs from a request file: id, sender, text, time and
the names to remove, as plain tuples.

`kontaktfilter templates` on a million lines spent more time building Request and Profile
objects it never used than clustering. Plain JSONL records (only id, sender, recipient, text
and sent_at, profiles with only id and name) are decoded with orjson and read directly; every
other record, and every line orjson refuses, goes through `records.read_records`, so what is
accepted and every error message stay exactly those of the full reader. `read_note_batches`
reads many lines at once into columns (`NoteBatch`): a batch of uniform records is checked and
taken apart column by column, without Python code per note; any other batch goes line by line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, repeat
from typing import Any, BinaryIO

import numpy as np
import orjson

from kontaktfilter.bulk.index import epoch_seconds
from kontaktfilter.formats.errors import RecordError
from kontaktfilter.formats.iso_times import plain_seconds
from kontaktfilter.formats.records import MAX_LINE_BYTES, Record, jsonl_object, record_of

TemplateNote = tuple[str, str, str, datetime | None, tuple[str, ...]]
"""(id, sender key, text, sent at or None, names of sender and recipient)."""
PLAIN_FIELDS = frozenset(("id", "sender", "recipient", "text", "sent_at"))
PLAIN_PROFILE_FIELDS = frozenset(("id", "name"))


def _plain_profile(value: Any) -> tuple[str | None, str] | None:
    """(id, name) of a profile the full reader would accept as is, else None."""
    if value is None:
        return None, ""
    if isinstance(value, str):
        return (value, value) if value.strip() else (None, "")
    if not isinstance(value, dict) or not value.keys() <= PLAIN_PROFILE_FIELDS:
        return None
    name = value.get("name")
    if name is None:
        name = ""
    elif not isinstance(name, str):
        return None
    identifier = value.get("id")
    return (None if identifier in (None, "") else str(identifier)), name


def _plain_note(data: Any, number: int) -> TemplateNote | None:
    """The note of a plain record, or None when the full reader has to look at it."""
    if not isinstance(data, dict) or not data.keys() <= PLAIN_FIELDS:
        return None
    text = data.get("text")
    sender = _plain_profile(data.get("sender"))
    recipient = _plain_profile(data.get("recipient"))
    if not isinstance(text, str) or sender is None or recipient is None:
        return None
    sent_at = data.get("sent_at")
    if sent_at in (None, ""):
        moment = None
    elif isinstance(sent_at, str):
        try:
            moment = datetime.fromisoformat(sent_at)
        except ValueError:
            return None
    else:
        return None
    identifier = data.get("id")
    msg_id = str(number) if identifier in (None, "") else str(identifier)
    sender_id, sender_name = sender
    names = tuple(name for name in (sender_name, recipient[1]) if name)
    return msg_id, sender_id or sender_name or f"unknown:{msg_id}", text, moment, names


def note_of(record: Record) -> TemplateNote:
    """The note of a record read by the full reader: the same fields `_plain_note` reads."""
    request = record.request
    sender = request.sender.id or request.sender.name or f"unknown:{request.id}"
    names = tuple(n for n in (request.sender.name, request.recipient.name) if n)
    return str(request.id), sender, request.text, request.sent_at, names


def _full(line: bytes, number: int, name: str) -> TemplateNote | RecordError | None:
    """One line through the full reader, numbered as in the file (None: a blank line)."""
    found = jsonl_object(number, line, name)
    if found is None:
        return None
    record = record_of(*found)
    return record if isinstance(record, RecordError) else note_of(record)


def read_template_notes(stream: BinaryIO, name: str) -> Iterator[TemplateNote | RecordError]:
    """Notes of a JSONL stream in order; a bad line is yielded as its RecordError."""
    for number, line in enumerate(stream, 1):
        note = _note_of_line(line, number, name)
        if note is not None:
            yield note


def _note_of_line(line: bytes, number: int, name: str) -> TemplateNote | RecordError | None:
    """The note of line `number`, its error, or None for a blank line."""
    if len(line) <= MAX_LINE_BYTES and not (number == 1 and line.startswith(b"\xef\xbb\xbf")):
        try:
            note = _plain_note(orjson.loads(line), number)
        except orjson.JSONDecodeError:
            if not line.strip():
                return None
        else:
            if note is not None:
                return note
    return _full(line, number, name)


BATCH_BYTES = 8 * 1024 * 1024
"""About how much of the file `read_note_batches` reads at once (some 20,000 notes): enough
that the steps per batch cost nothing per note, little enough to stay a few megabytes."""


@dataclass(frozen=True, slots=True)
class NoteBatch:
    """Notes of consecutive lines as columns (one entry per note each): what template
    clustering reads, without a tuple per note. `seconds` are epoch seconds of `sent_at` (a
    time without zone is UTC), 0 where `timed` is False (the record has no time)."""

    ids: list[str]
    senders: list[str]
    texts: list[str]
    seconds: np.ndarray
    timed: np.ndarray
    names: list[tuple[str, ...]]

    def __len__(self) -> int:
        return len(self.ids)


def batch_of(notes: Sequence[TemplateNote]) -> NoteBatch:
    """The columns of notes read one by one."""
    times = [note[3] for note in notes]
    return NoteBatch(
        [note[0] for note in notes],
        [note[1] for note in notes],
        [note[2] for note in notes],
        np.array([0 if at is None else epoch_seconds(at) for at in times], dtype=np.int64),
        np.array([at is not None for at in times], dtype=bool),
        [note[4] for note in notes],
    )


def read_note_batches(
    stream: BinaryIO, name: str, size: int | None = None
) -> Iterator[NoteBatch | RecordError]:
    """The notes of a JSONL stream in batches of lines of about `size` bytes (BATCH_BYTES unless
    given), in order; the
    errors of a batch's lines come before the batch. Exactly the notes and errors of
    `read_template_notes`."""
    for lines in line_chunks(stream, name, size):
        batch, errors = notes_of_lines(lines)
        yield from errors
        if len(batch):
            yield batch


@dataclass(frozen=True, slots=True)
class Lines:
    """Consecutive lines of the JSONL file `name`, numbered from `first`, not read yet."""

    lines: list[bytes]
    first: int
    name: str


def line_chunks(stream: BinaryIO, name: str, size: int | None = None) -> Iterator[Lines]:
    """The lines of a stream in chunks of about `size` bytes (BATCH_BYTES unless given): what
    `notes_of_lines` reads, here or in another process."""
    first = 1
    while lines := stream.readlines(size or BATCH_BYTES):
        yield Lines(lines, first, name)
        first += len(lines)


def notes_of_lines(chunk: Lines) -> tuple[NoteBatch, list[RecordError]]:
    """The notes of a chunk of lines and their errors: at once when the lines are uniform plain
    records, else line by line."""
    batch = _plain_batch(chunk.lines, chunk.first)
    if batch is not None:
        return batch, []
    notes, errors = [], []
    for number, line in enumerate(chunk.lines, chunk.first):
        note = _note_of_line(line, number, chunk.name)
        if isinstance(note, RecordError):
            errors.append(note)
        elif note is not None:
            notes.append(note)
    return batch_of(notes), errors


def _column(rows: list[dict], key: str) -> list[Any]:
    return list(map(dict.get, rows, repeat(key)))


def _all(values: Iterable[Any], kind: type) -> bool:
    return set(map(type, values)) == {kind}


def _plain_batch(lines: list[bytes], first: int) -> NoteBatch | None:
    """The batch when every line is a plain record whose ids, sender ids and names are
    non-empty strings (or empty names), with profiles as objects and every time in the plain
    form or none at all: then `_plain_note` would read each as these columns say. None
    otherwise: the caller reads the lines one by one."""
    if max(map(len, lines)) > MAX_LINE_BYTES or (first == 1 and lines[0][:3] == b"\xef\xbb\xbf"):
        return None
    try:
        records = list(map(orjson.loads, lines))
    except orjson.JSONDecodeError:
        return None
    if not _all(records, dict) or not PLAIN_FIELDS.issuperset(chain.from_iterable(records)):
        return None
    texts, ids = _column(records, "text"), _column(records, "id")
    senders, recipients = _column(records, "sender"), _column(records, "recipient")
    if not _all(chain(senders, recipients), dict):
        return None
    if not PLAIN_PROFILE_FIELDS.issuperset(chain.from_iterable(chain(senders, recipients))):
        return None
    sender_ids = _column(senders, "id")
    sender_names, recipient_names = _column(senders, "name"), _column(recipients, "name")
    strings = chain(texts, ids, sender_ids, sender_names, recipient_names)
    if not _all(strings, str) or "" in ids or "" in sender_ids:
        return None
    times = _column(records, "sent_at")
    if _all(times, type(None)):
        seconds, timed = np.zeros(len(times), dtype=np.int64), np.zeros(len(times), dtype=bool)
    elif _all(times, str) and (seconds := plain_seconds(times)) is not None:
        timed = np.ones(len(times), dtype=bool)
    else:
        return None
    names = list(zip(sender_names, recipient_names, strict=True))
    if "" in sender_names or "" in recipient_names:
        names = [tuple(name for name in pair if name) for pair in names]
    return NoteBatch(ids, sender_ids, texts, seconds, timed, names)
