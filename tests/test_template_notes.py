"""The fast reader of `templates` gives exactly what the full reader gives, line by line."""

from __future__ import annotations

import io

import pytest

from kontaktfilter.formats.records import RecordError, read_records
from kontaktfilter.formats.template_notes import note_of, read_template_notes

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
