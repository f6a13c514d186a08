"""Reads only what template clustering needs from a request file: id, sender, text, time and
the names to remove, as plain tuples.

`kontaktfilter templates` on a million lines spent more time building Request and Profile
objects it never used than clustering. Plain JSONL records (only id, sender, recipient, text
and sent_at, profiles with only id and name) are decoded with orjson and read directly; every
other record, and every line orjson refuses, goes through `records.read_records`, so what is
accepted and every error message stay exactly those of the full reader.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO

import orjson

from kontaktfilter.formats.errors import RecordError
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
    loads = orjson.loads
    for number, line in enumerate(stream, 1):
        note = None
        if len(line) <= MAX_LINE_BYTES and not (number == 1 and line.startswith(b"\xef\xbb\xbf")):
            try:
                note = _plain_note(loads(line), number)
            except orjson.JSONDecodeError:
                if not line.strip():
                    continue
        if note is None:
            note = _full(line, number, name)
            if note is None:
                continue
        yield note
