"""The fast reader of `templates` gives exactly what the full reader gives, line by line, and
its batches exactly what it gives line by line."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from kontaktfilter.formats.iso_times import plain_seconds
from kontaktfilter.formats.records import RecordError, read_records
from kontaktfilter.formats.template_notes import (
    batch_of,
    note_of,
    read_note_batches,
    read_template_notes,
)

LINES = [
    b'{"id": "a1", "sender": {"id": "s1", "name": "Anna Berg"}, "text": "Hallo Jonas, hi",'
    b' "recipient": {"name": "Jonas Weber"}, "sent_at": "2026-03-01T10:00:00"}',
    b'{"sender": "Ben Smith", "text": "no id: the line number stands in"}',
    b'{"id": 7, "sender": {"name": "Emma"}, "text": "an integer id"}',
    b'{"id": "", "sender": {"id": "", "name": ""}, "text": "nobody sent it"}',
    b"",
    b"   ",
    b'{"id": "x", "text": "extra fields go to the full reader", "lang": "de", "label": "spam"}',
    b'{"id": "y", "text": "a bad language", "lang": "klingon"}',
    b'{"id": "z", "text": 5}',
    b'{"id": "t", "text": "bad time", "sent_at": "yesterday"}',
    b'{"id": "n", "text": "NaN is Python JSON, not strict JSON", "score": NaN}',
    b'{"id": "p", "text": "a profile with more fields", "sender": {"name": "Li", "contacts": 3}}',
    b'{"id": "q", "text": "a bad profile", "sender": {"name": 5}}',
    b"[1, 2]",
    b"{not json",
    b'{"id": "u", "text": "\xff bad utf-8"}',
    b'{"id": "s", "text": "lone surrogate \\ud800"}',
    b'{"id": "w", "text": "windows line end"}\r',
]


def _full(data: bytes) -> list:
    return [
        item if isinstance(item, RecordError) else note_of(item)
        for item in read_records(io.BytesIO(data), "f.jsonl", "jsonl")
    ]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "bom"])
def test_fast_reader_matches_the_full_reader(bom: bytes) -> None:
    data = bom + b"\n".join(LINES) + b"\n"
    fast = list(read_template_notes(io.BytesIO(data), "f.jsonl"))
    expected = _full(data)
    assert [str(item) if isinstance(item, RecordError) else item for item in fast] == [
        str(item) if isinstance(item, RecordError) else item for item in expected
    ]
    assert sum(isinstance(item, RecordError) for item in fast) == 7


def test_plain_note_fields() -> None:
    notes = list(read_template_notes(io.BytesIO(b"\n".join(LINES[:4])), "f.jsonl"))
    assert notes[0][:3] == ("a1", "s1", "Hallo Jonas, hi")
    assert notes[0][3].isoformat() == "2026-03-01T10:00:00"
    assert notes[0][4] == ("Anna Berg", "Jonas Weber")
    assert notes[1][:2] == ("2", "Ben Smith") and notes[1][3] is None
    assert notes[2][:2] == ("7", "Emma")
    assert notes[3][:2] == ("4", "unknown:4") and notes[3][4] == ()


def _flattened(items: list) -> tuple[list, list]:
    """The notes the batches hold (times as epoch seconds) and the errors' texts, each in
    order (a batch's errors come before its notes)."""
    notes, errors = [], []
    for item in items:
        if isinstance(item, RecordError):
            errors.append(str(item))
            continue
        seconds = [s if timed else None for s, timed in zip(item.seconds, item.timed, strict=True)]
        notes.extend(zip(item.ids, item.senders, item.texts, seconds, item.names, strict=True))
    return notes, errors


def _notes(data: bytes) -> list:
    return _flattened(
        [
            batch_of([note]) if isinstance(note, tuple) else note
            for note in read_template_notes(io.BytesIO(data), "f.jsonl")
        ]
    )


def _record(rng: random.Random, number: int, times: bool) -> dict:
    first = rng.choice(["Anna", "Jürgen", "", "O'Neill"])
    record = {
        "id": f"m{number}",
        "sender": {"id": f"s{rng.randrange(50)}", "name": f"{first} Berg".strip()},
        "recipient": {"name": rng.choice(["Katrin Weber", "", "Ben"])},
        "text": rng.choice(["Hallo Ben, ein Text. Viele Grüße, Anna", "hi", "", "Grüße\n"]),
    }
    if times:
        day = rng.choice(["2024-02-29", "1970-01-01", "0001-01-01", "9999-12-31", "1969-12-31"])
        record["sent_at"] = f"{day}T{rng.randrange(24):02}:{rng.randrange(60):02}:59"
    return record


@pytest.mark.parametrize("times", [True, False], ids=["timed", "untimed"])
def test_batches_of_plain_lines_hold_the_notes_read_line_by_line(times: bool) -> None:
    rng = random.Random(4)
    lines = [orjson.dumps(_record(rng, n, times)) for n in range(3000)]
    data = b"\n".join(lines) + b"\n"
    batches = list(read_note_batches(io.BytesIO(data), "f.jsonl", size=20_000))
    assert len(batches) > 3
    assert _flattened(batches) == _notes(data)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "bom"])
def test_batches_of_mixed_lines_hold_the_notes_and_errors_read_line_by_line(bom: bytes) -> None:
    data = bom + b"\n".join(LINES * 5) + b"\n"
    for size in (1, 300, 100_000):
        assert _flattened(list(read_note_batches(io.BytesIO(data), "f.jsonl", size))) == (
            _notes(data)
        )


@pytest.mark.parametrize(
    "spelling",
    ["2026-02-30T10:00:00", "2026-13-01T10:00:00", "2026-01-01T24:00:00", "0000-01-01T00:00:00",
     "2026-01-01 10:00:00", "2026-01-01T10:00:0Z", "2026-01-01T10:00:00Z", "٢٠٢٦-01-01T10:00:00",
     "2026-01-01T10:60:00", "2026-01-00T10:00:00", "2026-01-01"],
)  # fmt: skip
def test_times_the_batch_does_not_read_are_read_one_by_one(spelling: str) -> None:
    """Not the plain form, or not a valid time: `fromisoformat` decides, line by line."""
    plain = '"2026-01-01T10:00:00"'
    line = b'{"id": "a", "sender": {"id": "s", "name": "A"}, "recipient": {"name": "B"}, '
    lines = [line + f'"text": "t", "sent_at": {plain}}}'.encode()] * 3
    lines.insert(1, line + f'"text": "t", "sent_at": "{spelling}"}}'.encode())
    data = b"\n".join(lines)
    assert _flattened(list(read_note_batches(io.BytesIO(data), "f.jsonl"))) == _notes(data)


def test_plain_seconds_are_those_of_fromisoformat() -> None:
    rng = random.Random(5)
    moments = [datetime(1, 1, 1) + timedelta(seconds=rng.randrange(315_000_000_000))
               for _ in range(20_000)]  # fmt: skip
    spelled = [moment.isoformat() for moment in moments]
    expected = [int(m.replace(tzinfo=UTC).timestamp()) for m in moments]
    assert plain_seconds(spelled).tolist() == expected
