"""Fuzzing the readers of user files (Hypothesis, bounded in time): whatever the bytes, every
record comes back as a Record or a RecordError naming its place, never as another exception
(issue 19). A longer run: `pytest -m slow tests/test_fuzz_readers.py`."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kontaktfilter.formats.records import Record, RecordError, read_records

QUICK = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LONG = settings(max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRAGMENTS = [
    b"text", b",", b'"', b"\n", b"\r", b"\r\n", b"{", b"}", b"[", b"]", b":", b"\xff", b"\x00",
    b'"text"', b'"sender"', b'"contacts"', b'"999+"', b"null", b"true", b"1e999", b"-0",
    b"\xef\xbb\xbf", b"label", b"personal", b"pitch", b"id", b"lang", b"de", b"\\", b"\t",
]  # fmt: skip
"""Pieces the formats care about, so the fuzzer reaches the parsers' corners quickly."""

files = st.one_of(
    st.binary(max_size=400),
    st.lists(st.sampled_from(FRAGMENTS), max_size=80).map(b"".join),
)


def _read_everything(content: bytes, fmt: str) -> None:
    for item in read_records(io.BytesIO(content), f"fuzz.{fmt}", fmt):
        assert isinstance(item, Record | RecordError)
        if isinstance(item, RecordError):
            assert item.where.startswith("fuzz.")


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
@QUICK
@given(content=files)
def test_any_bytes_give_records_or_named_errors(fmt: str, content: bytes) -> None:
    _read_everything(content, fmt)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
@LONG
@given(content=files)
def test_any_bytes_give_records_or_named_errors_long_run(fmt: str, content: bytes) -> None:
    _read_everything(content, fmt)
