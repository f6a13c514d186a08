"""Bad import input: each gets an error naming the file, line and field, and the store is left
exactly as it was before the file (the check pass reads everything before anything is written)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from kontaktfilter.imports.runner import ImportFailure
from kontaktfilter.imports.sources import Source, zip_members
from kontaktfilter.services.synthetic import export_files, write_export
from kontaktfilter.store import open_store
from store_helpers import ENGINE, counts, run_import

SIZES = {"invitations": 200, "connections": 20, "messages": 10}


@pytest.fixture
def store(store_url, tmp_path):
    """A store that already holds one import, so "unchanged" means more than "empty"."""
    store = open_store(store_url)
    run_import(store, write_export(tmp_path / "earlier", seed=1, **SIZES))
    return store


def _invitations(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "Invitations.csv"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def _refused(store, path: Path, *patterns: str, **options) -> str:
    """The import of `path` fails (the path itself, or its one bad file is skipped) with an
    error holding `patterns`, and the store is as before."""
    before = counts(store)
    try:
        reports = run_import(store, path, **options)
    except ImportFailure as exc:
        message = str(exc)
    else:
        failures = [str(report.failed) for report in reports if report.failed]
        assert failures, reports
        message = failures[0]
    for pattern in patterns:
        assert pattern in message, message
    assert counts(store) == before
    return message


def _fresh_invitations() -> str:
    return export_files(seed=2, **SIZES)["Invitations.csv"]


def test_truncated_inside_a_quoted_note(store, tmp_path):
    text = _fresh_invitations()
    cut = text.index('"', len(text) // 2) + 5  # inside a quoted, comma-holding note
    line = text[:cut].count("\n") + 1
    _refused(store, _invitations(tmp_path, text[:cut]), f"Invitations.csv:{line}", "truncated")


def test_truncated_at_a_field_boundary(store, tmp_path):
    rows = list(csv.reader(io.StringIO(_fresh_invitations())))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        rows[:120] + [rows[120][:3]]
    )  # cut after Sent At
    line = out.getvalue().count("\n")
    _refused(
        store,
        _invitations(tmp_path, out.getvalue()),
        f"Invitations.csv:{line}",
        "field 'Message'",
        "3 of 7 fields",
    )


def test_renamed_column(store, tmp_path):
    text = _fresh_invitations().replace("Direction", "Richtung", 1)
    _refused(
        store, _invitations(tmp_path, text), "Invitations.csv:1", "missing column(s) 'Direction'"
    )


def test_non_utf8_file_and_the_encoding_option(store, tmp_path):
    lines = [line for line in _fresh_invitations().splitlines() if line.isascii()]
    lines[57] = lines[57].replace(",INCOMING", "Gr\u00fc\u00dfe,INCOMING", 1)
    raw = ("\n".join(lines) + "\n").encode("cp1252")
    _refused(
        store,
        _invitations(tmp_path, raw),
        "Invitations.csv:58",
        "byte 0xfc",
        "--encoding",
        encoding="utf-8",
    )
    (report,) = run_import(store, _invitations(tmp_path, raw), encoding="cp1252")
    assert report.added == len(lines) - 1


def test_cp1252_is_found_and_a_mix_with_utf8_is_refused(store, tmp_path):
    """Issue 24: a spreadsheet's cp1252 file imports without --encoding; a file with UTF-8
    and cp1252 bytes would be garbled either way and is refused, naming a line of each."""
    lines = [line for line in _fresh_invitations().splitlines() if line.isascii()]
    lines[57] = lines[57].replace(",INCOMING", "Gr\u00fc\u00dfe,INCOMING", 1)
    raw = ("\n".join(lines) + "\n").encode("cp1252")
    (report,) = run_import(store, _invitations(tmp_path, raw))
    assert report.added == len(lines) - 1 and report.failed is None
    utf8 = lines[:]
    utf8[99] = utf8[99].replace(",INCOMING", "\u00e4,INCOMING", 1)
    text = [line.encode("utf-8") for line in utf8[:99]] + [utf8[99].encode("cp1252")]
    mixed = b"\n".join(text + [line.encode() for line in utf8[100:]]) + b"\n"
    _refused(store, _invitations(tmp_path, mixed), "Invitations.csv:100", "mixes UTF-8 (line 58)")


def test_unknown_date_format(store, tmp_path):
    lines = _fresh_invitations().splitlines()
    cells = lines[9].split(",")
    quoted_date = f"{cells[2]},{cells[3]}"  # "1/5/26, 9:03 AM" spans two naive cells
    lines[9] = lines[9].replace(quoted_date, "2026.13.45")
    path = _invitations(tmp_path, "\n".join(lines) + "\n")
    _refused(
        store, path, "Invitations.csv:10", "field 'Sent At'", "unknown date format '2026.13.45'"
    )


def test_bad_direction_names_the_field(store, tmp_path):
    text = _fresh_invitations().replace(",OUTGOING,", ",SIDEWAYS,", 1)
    _refused(store, _invitations(tmp_path, text), "field 'Direction'", "SIDEWAYS")


def test_one_bad_file_in_an_export_is_skipped_and_the_rest_imports(store, tmp_path):
    """Issue 24: each file imports whole or not at all; a bad one no longer blocks the valid
    invitations and connections of the same export, and its report names file, line, field."""
    files = export_files(seed=3, **SIZES)
    files["messages.csv"] = files["messages.csv"].replace("UTC", "o'clock", 1)
    folder = tmp_path / "export"
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_text(content, "utf-8")
    before = counts(store)
    reports = {report.source: report for report in run_import(store, folder)}
    failed = reports["messages.csv"].failed
    assert failed is not None and "messages.csv:2" in str(failed) and "field 'DATE'" in str(failed)
    after = counts(store)
    assert after["tables"]["messages"] == before["tables"]["messages"]
    added = reports["Invitations.csv"].added
    assert added > SIZES["invitations"] * 0.9  # a few may equal the earlier import's
    assert after["tables"]["requests"] == before["tables"]["requests"] + added
    assert reports["Connections.csv"].failed is None


def test_zip_member_escaping_the_folder(store, tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Invitations.csv", _fresh_invitations())
        archive.writestr("../../outside/Connections.csv", "First Name,Last Name,Connected On\n")
    _refused(store, path, "evil.zip!../../outside/Connections.csv", "escapes the archive folder")


def test_zip_member_named_dot(store, tmp_path):
    """Issue 19: a member named '.' raised IndexError."""
    path = tmp_path / "dot.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(".", "x")
    _refused(store, path, "dot.zip", "a member has no name")


def test_zip_bomb_by_ratio(store, tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("messages.csv", "CONVERSATION ID" + " " * (40 * 1024 * 1024))
    _refused(store, path, "bomb.zip!messages.csv", "decompression bomb")


def test_zip_member_inflating_beyond_the_bound_while_read(tmp_path):
    """A member whose directory entry lies about its size is still stopped while streaming."""
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Invitations.csv", _fresh_invitations())
    (member,) = zip_members(path)
    small = Source(member.path, member.member, limit=1000)
    with pytest.raises(ImportFailure, match=r"big.zip!Invitations.csv: inflates beyond 1,000"):
        small.digest()


def test_zip_member_too_large_by_directory(tmp_path):
    path = tmp_path / "large.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Invitations.csv", _fresh_invitations())
    with pytest.raises(ImportFailure, match="inflates to .* bytes \\(limit 100\\)"):
        zip_members(path, limit=100)


def test_not_a_zip_archive(store, tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(b"PK\x03\x04 but then nothing useful")
    _refused(store, path, "export.zip")


def test_generic_csv_without_text_column(store, tmp_path):
    path = tmp_path / "requests.csv"
    path.write_text("id,Nachricht\n1,Hallo\n", "utf-8")
    _refused(store, path, "requests.csv:1", "no 'text' column", "'Nachricht'")


def test_bad_jsonl_line_names_line_and_field(store, tmp_path):
    path = tmp_path / "requests.jsonl"
    path.write_text('{"text": "ok"}\n{"text": "x", "sender": {"contacts": "many"}}\n', "utf-8")
    _refused(store, path, "requests.jsonl:2", "sender.contacts")


def test_failure_while_writing_removes_what_the_run_added(store, tmp_path, monkeypatch):
    """A failure after the check pass (here: the engine breaks on the 150th request) must not
    leave half a file behind."""
    before = counts(store)
    calls = {"n": 0}
    score_many = type(ENGINE).score_many

    def breaking(self, requests, now=None):
        batch = list(requests)
        calls["n"] += len(batch)
        if calls["n"] >= 150:
            raise RuntimeError("disk full")
        return score_many(self, batch, now)

    monkeypatch.setattr(type(ENGINE), "score_many", breaking)
    with pytest.raises(RuntimeError, match="disk full"):
        run_import(
            store,
            _invitations(tmp_path, export_files(seed=4, **SIZES)["Invitations.csv"]),
            batch=50,
        )
    assert counts(store) == before


@pytest.mark.parametrize(
    ("member", "message"),
    [("", "a member has no name"), ("C:/Windows/Invitations.csv", "escapes the archive folder")],
)
def test_zip_members_with_odd_names(tmp_path, member, message):
    path = tmp_path / "odd.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo(member), "From,To\n")
    with pytest.raises(ImportFailure, match=message):
        zip_members(path)


@pytest.mark.parametrize("layout", ["eml", "mbox"])
def test_a_huge_mail_is_read_in_bounded_memory(tmp_path, store_url, layout):
    """Issue 19: a 77 MB .eml took 790 MB. A mail over the bound is not parsed; one from a
    network is reported as unreadable, and the mails around it in an mbox still import."""
    import tracemalloc

    from kontaktfilter.imports.mail import read_mails

    huge = (
        b"From: Jana Roth <invitations@linkedin.com>\nSubject: Jana, please add me\n\n"
        + b"A" * (40 * 1024 * 1024)  # one 40 MB line, no newline in it
        + b"\n"
    )
    small = (
        b"From: LinkedIn <invitations@linkedin.com>\nSubject: Jana Roth wants to connect\n\n"
        b'"Hallo, wir haben uns auf der LogiMAT gesprochen."\n'
    )
    if layout == "eml":
        path, expected = tmp_path / "huge.eml", 0
        path.write_bytes(huge)
    else:
        path, expected = tmp_path / "inbox.mbox", 2
        path.write_bytes(b"From a\n" + small + b"From b\n" + huge + b"From c\n" + small)
    tracemalloc.start()
    counts: list = []
    items = list(read_mails(Source(path), counts))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, peak
    assert len(items) == expected
    where = "huge.eml" if layout == "eml" else "inbox.mbox: mail 2"
    assert counts[0].unreadable == (where,)
