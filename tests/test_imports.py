"""Importers on real formats: LinkedIn's export (ZIP and folder), generic CSV with a column
mapping, JSON Lines, notification mails. Every import is idempotent and scores what it stores."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from kontaktfilter.imports.dates import LINKEDIN_FORMATS, parse_date
from kontaktfilter.imports.runner import ImportFailure
from kontaktfilter.services.synthetic import export_files, write_export
from kontaktfilter.store import open_store
from kontaktfilter.store.schema import ContactRequest, Message, StoredVerdict
from store_helpers import counts, run_import

MAIL = Path("tests/fixtures/mail")
SIZES = {"invitations": 300, "connections": 40, "messages": 30}


def _requests(store) -> dict[str, tuple]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(ContactRequest.sender_name, ContactRequest.status, StoredVerdict.category)
            .join(StoredVerdict, StoredVerdict.request_id == ContactRequest.id)
            .where(ContactRequest.direction == "incoming")
        ).all()
    return {name: (status, category) for name, status, category in rows}


def test_linkedin_export_zip(store_url, tmp_path):
    store = open_store(store_url)
    reports = run_import(store, write_export(tmp_path, **SIZES))
    assert [r.kind for r in reports] == [
        "linkedin-profile",
        "linkedin-connections",
        "linkedin-invitations",
        "linkedin-messages",
    ]  # Skills.csv and the like are not ours and are left alone
    stats = store.stats()
    assert stats["tables"]["requests"] == stats["tables"]["verdicts"] == 300
    assert stats["known_contacts"] == 40
    assert stats["tables"]["messages"] == 30
    assert store.user_profile().name == "Katrin Albers"  # adopted from Profile.csv
    with store.engine.connect() as conn:
        outgoing = conn.execute(
            select(ContactRequest).where(ContactRequest.direction == "outgoing")
        ).all()
        own = conn.execute(select(Message).where(Message.outgoing)).all()
    assert len(outgoing) == 30  # every tenth invitation is the user's own
    assert len(own) == 10  # every third message is the user's (known from Invitations.csv)
    # invitations from existing connections: connected already, and known
    with store.engine.connect() as conn:
        known = conn.execute(
            select(StoredVerdict.category)
            .join(ContactRequest, ContactRequest.id == StoredVerdict.request_id)
            .where(ContactRequest.status == "connected", ContactRequest.direction == "incoming")
        ).scalars()
        found = list(known)
    # known, unless the note is all bait (a contact turned MLM seller stays spam)
    assert found.count("known") > len(found) / 2 and set(found) <= {"known", "spam"}
    assert {"generic", "collector", "spam"} <= set(stats["categories"])


def test_reimport_adds_nothing_also_from_the_unpacked_folder(store_url, tmp_path):
    store = open_store(store_url)
    archive = write_export(tmp_path / "zip", **SIZES)
    run_import(store, archive)
    first = counts(store)
    again = run_import(store, archive)
    assert all(report.already_imported for report in again)
    folder = write_export(tmp_path / "folder", zipped=False, **SIZES)
    reports = run_import(store, folder)  # other names, same rows: natural keys decide
    assert sum(report.added for report in reports) == 0
    assert counts(store) == first


def _drop_columns(text: str, names: set[str]) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    keep = [i for i, name in enumerate(rows[0]) if name not in names]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[row[i] for i in keep] for row in rows])
    return out.getvalue()


def test_export_without_preamble_or_url_columns(tmp_path, store_url):
    """Exports before 2021/2023: no "Notes:" preamble, no profile URL columns; people are
    then matched by name, and namesakes are kept apart (issue 24: never merged on a guess),
    so every connection row is one known contact and a namesake's request is not `known`."""
    files = export_files(**SIZES)
    connections = files["Connections.csv"].split("\n\n", 1)[1]
    (tmp_path / "Connections.csv").write_text(_drop_columns(connections, {"URL"}), "utf-8")
    invitations = _drop_columns(
        files["Invitations.csv"], {"inviterProfileUrl", "inviteeProfileUrl"}
    )
    (tmp_path / "Invitations.csv").write_text(invitations, "utf-8")
    rows = [tuple(row[:2]) for row in csv.reader(io.StringIO(connections))][1:]
    assert len(set(rows)) < len(rows)  # the generated export has namesakes
    store = open_store(store_url)
    run_import(store, tmp_path)
    stats = store.stats()
    assert stats["known_contacts"] == len(rows)
    assert stats["tables"]["requests"] == 300
    assert stats["categories"]["known"] >= 10  # invitations from connections, joined by name


def test_generic_csv_with_column_mapping_and_german_dates(store_url, tmp_path):
    path = tmp_path / "anfragen.csv"
    path.write_text(
        "Nr;Nachricht;Absender;Datum\n".replace(";", ",")
        + '1,"Hallo Frau Albers, kennen Sie schon mein kostenloses Webinar?",Ralf Sommer,'
        "22.11.2026 09:30\n"
        "2,,Tobias Krüger,23.11.2026\n",
        "utf-8",
    )
    store = open_store(store_url)
    columns = {"id": "Nr", "text": "Nachricht", "sender": "Absender", "sent_at": "Datum"}
    run_import(store, path, columns=columns)
    found = _requests(store)
    assert found["Ralf Sommer"][1] == "spam"
    assert found["Tobias Krüger"][1] == "generic"
    with store.engine.connect() as conn:
        dates = set(conn.execute(select(ContactRequest.sent_at)).scalars())
    assert dates == {datetime(2026, 11, 22, 9, 30), datetime(2026, 11, 23)}


def test_jsonl_keeps_sender_profiles_and_known_contacts(store_url, tmp_path):
    path = tmp_path / "inbox.jsonl"
    path.write_text(
        '{"id": "a", "text": "Hallo Jens!", "sender": {"id": "jens", "name": "Jens Hoffmann"},'
        ' "context": {"known_contacts": ["jens"]}}\n'
        '{"id": "b", "text": "", "sender": {"name": "Neu Ling", "contacts": 999,'
        ' "created": "2026-09-01"}, "sent_at": "2026-11-20T10:00:00+01:00"}\n',
        "utf-8",
    )
    store = open_store(store_url)
    run_import(store, path)
    found = _requests(store)
    assert found["Jens Hoffmann"][1] == "known"
    assert found["Neu Ling"][1] == "collector"  # 999+ contacts on a two-month-old profile
    with store.engine.connect() as conn:
        moment = conn.execute(
            select(ContactRequest.sent_at).where(ContactRequest.key == "rec:b")
        ).scalar_one()
    assert moment == datetime(2026, 11, 20, 9, 0)  # stored as UTC


def test_mbox_notifications(store_url):
    store = open_store(store_url)
    (report,) = run_import(store, MAIL / "inbox.mbox")
    assert (report.rows, report.skipped_mails) == (2, 1)
    found = _requests(store)
    assert found["Daniel Price"][1] == "personal"
    assert found["Bernd Schäfer"][1] in {"vague", "collector"}
    (again,) = run_import(store, MAIL / "xing_kontaktanfrage_de.eml")
    assert again.added == 0  # the same mail (Message-ID) from a single .eml file


def test_single_eml_and_a_mail_that_is_no_request(store_url, tmp_path):
    store = open_store(store_url)
    (report,) = run_import(store, MAIL / "linkedin_invite_en.eml")
    assert report.added == 1
    (newsletter,) = run_import(store, MAIL / "newsletter.eml")
    assert (newsletter.rows, newsletter.skipped_mails) == (0, 1)


def test_unknown_format_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello", "utf-8")
    with pytest.raises(ImportFailure, match="notes.txt: cannot tell the format"):
        run_import(open_store(f"sqlite:///{tmp_path / 'x.db'}"), path)


def test_empty_folder_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ImportFailure, match="nothing to import"):
        run_import(open_store(f"sqlite:///{tmp_path / 'x.db'}"), tmp_path / "empty")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1/29/26, 2:37 PM", datetime(2026, 1, 29, 14, 37)),
        ("12/1/25, 12:05 AM", datetime(2025, 12, 1, 0, 5)),
        ("12/1/25, 12:05\u202fPM", datetime(2025, 12, 1, 12, 5)),
        ("2021-08-01 10:00:00", datetime(2021, 8, 1, 10, 0)),
        ("2025-06-01 14:03:22 UTC", datetime(2025, 6, 1, 14, 3, 22)),
        ("", None),
    ],
)
def test_invitation_dates(text, expected):
    assert parse_date(text, LINKEDIN_FORMATS, "Invitations.csv:2", "Sent At") == expected


def test_folder_copy_is_found_by_name_case(tmp_path, store_url):
    folder = write_export(tmp_path / "export", zipped=False, **SIZES)
    shutil.move(folder / "Invitations.csv", folder / "invitations.CSV")
    store = open_store(store_url)
    run_import(store, folder)
    assert store.stats()["tables"]["requests"] == 300


@pytest.mark.parametrize(
    "text, expected",
    [
        ("08 Feb 2026", datetime(2026, 2, 8)),  # Connections.csv since 2021
        ("1/8/18, 6:14 PM", datetime(2018, 1, 8, 18, 14)),  # every file in 2018
        ("6-Feb-26", datetime(2026, 2, 6)),  # re-saved by Excel (English)
        ("9/16/2021", datetime(2021, 9, 16)),  # Excel, US
        ("2/12/2026 11:44", datetime(2026, 2, 12, 11, 44)),
        ("16.09.2021", datetime(2021, 9, 16)),  # Excel, German
        ("16.09.2021 14:03", datetime(2021, 9, 16, 14, 3)),
    ],
)
def test_dates_of_every_era_and_spreadsheet(text, expected):
    assert parse_date(text, LINKEDIN_FORMATS, "Connections.csv:2", "Connected On") == expected
