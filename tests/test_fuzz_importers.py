"""Fuzzing the importers (Hypothesis, bounded in time): whatever the bytes of an export file, a
mail, an mbox or a ZIP, reading gives items or an ImportFailure naming its place, never another
exception (issue 19). A longer run: `pytest -m slow tests/test_fuzz_importers.py`."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kontaktfilter.imports.detect import plan_sources
from kontaktfilter.imports.linkedin import (
    read_connections,
    read_invitations,
    read_messages,
    read_profile,
)
from kontaktfilter.imports.mail import read_mails
from kontaktfilter.imports.sources import ImportFailure, Source

QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LONG = settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CSV_FRAGMENTS = [
    b"From,To,Sent At,Message,Direction\n", b"First Name,Last Name,URL,Connected On\n",
    b"CONVERSATION ID,FROM,DATE,CONTENT\n", b"From,To,Date,Subject,Content,Direction,Folder\n",
    b"Notes:\n", b'"', b",", b";", b"\t", b"\n", b"\r\n", b"\r", b"INCOMING", b"OUTGOING",
    b'"1/29/26, 2:37 PM"', b"6-Feb-26", b"16.09.2021", b"2025-06-01 14:03:22 UTC", b"\xfc",
    b"\xc3\xbc", b"\xef\xbb\xbf", b"%C3%BC", b"https://www.linkedin.com/in/j", b"LinkedIn Member",
    b"\x00", b"Yes",
]  # fmt: skip
MAIL_FRAGMENTS = [
    b"From ", b"From: Jana <invitations@linkedin.com>\n", b"From: x@xing.com\n", b"Subject: ",
    b"Jana Roth wants to connect", b"Date: Mon, 2 May 2016 19:34:46 +0000\n", b"Date: ???\n",
    b"Content-Type: multipart/alternative; boundary=b\n", b"--b\n", b"Content-Type: text/html\n",
    b"Content-Transfer-Encoding: quoted-printable\n", b"=C3=BC", b"=\n", b"<p>", b"<", b">",
    b"\n\n", b"Hi Paul,\n", b'"', b"\xe2\x80\x9e", b"> ", b"invite-accept", b"\xff", b"\r\n",
    b"Content-Transfer-Encoding: base64\n", b"====",
]  # fmt: skip


def _files(fragments: list[bytes]) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=600), st.lists(st.sampled_from(fragments), max_size=60).map(b"".join)
    )


def _drain(read, content: bytes, name: str) -> None:
    """Read everything; only ImportFailure (naming the file) may stop it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            for _item in read(Source(path)):
                pass
        except ImportFailure as exc:
            assert name in exc.where


READERS = {
    "Invitations.csv": read_invitations,
    "Connections.csv": read_connections,
    "messages.csv": read_messages,
    "Profile.csv": read_profile,
}


@pytest.mark.parametrize("name", sorted(READERS))
@QUICK
@given(content=_files(CSV_FRAGMENTS))
def test_any_export_file_gives_items_or_a_named_failure(name: str, content: bytes) -> None:
    _drain(READERS[name], content, name)


@pytest.mark.parametrize("name", ["fuzz.eml", "fuzz.mbox"])
@QUICK
@given(content=_files(MAIL_FRAGMENTS))
def test_any_mail_gives_requests_or_a_named_failure(name: str, content: bytes) -> None:
    _drain(read_mails, content, name)


members = st.lists(
    st.tuples(
        st.sampled_from(["Invitations.csv", "messages.csv", "a/Connections.csv", "x.eml", "n.txt"]),
        _files(CSV_FRAGMENTS),
    ),
    max_size=4,
    unique_by=lambda entry: entry[0],
)


def _zip(entries: list[tuple[str, bytes]], damage: int) -> bytes:
    """A ZIP of the entries, with one byte overwritten at `damage` (0: intact)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    blob = bytearray(buffer.getvalue())
    if damage and blob:
        blob[damage % len(blob)] ^= 0x5A
    return bytes(blob)


def _import_zip(blob: bytes) -> None:
    """Plan the archive and read every member with its importer, as `import` does."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.zip"
        path.write_bytes(blob)
        try:
            for planned in plan_sources(path):
                reader = READERS.get(planned.source.basename) or (
                    read_mails if planned.kind == "mail" else None
                )
                if reader is not None:
                    for _item in reader(planned.source):
                        pass
        except ImportFailure as exc:
            assert "export.zip" in exc.where


@QUICK
@given(entries=members, damage=st.integers(min_value=0, max_value=10_000))
def test_any_zip_gives_items_or_a_named_failure(entries, damage) -> None:
    _import_zip(_zip(entries, damage))


@pytest.mark.slow
@LONG
@given(entries=members, damage=st.integers(min_value=0, max_value=10_000))
def test_any_zip_gives_items_or_a_named_failure_long_run(entries, damage) -> None:
    _import_zip(_zip(entries, damage))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(READERS))
@LONG
@given(content=_files(CSV_FRAGMENTS))
def test_any_export_file_long_run(name: str, content: bytes) -> None:
    _drain(READERS[name], content, name)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["fuzz.eml", "fuzz.mbox"])
@LONG
@given(content=_files(MAIL_FRAGMENTS))
def test_any_mail_long_run(name: str, content: bytes) -> None:
    _drain(read_mails, content, name)
