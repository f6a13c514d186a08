"""Issue 24: real export files as people have them (tests/fixtures/realformats/, excerpts of
public files with their sources in its README) import alone, as a folder and as a ZIP, with the
counts each file holds; plus our own files that reproduce a real layout exactly where no real
file of it is at hand (named after the layout and era they reproduce)."""

from __future__ import annotations

import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from kontaktfilter.cli import main
from kontaktfilter.imports.linkedin import read_messages
from kontaktfilter.imports.sources import Source
from kontaktfilter.store import open_store
from kontaktfilter.store.database import create_db_engine, migrate
from kontaktfilter.store.schema import ContactRequest, Message, Person, StoredVerdict, User
from store_helpers import run_import

REAL = Path(__file__).parent / "fixtures" / "realformats"
EXPECTED = {  # file -> (rows the importer reads, table they land in)
    "01-2018-Connections.csv": (4, "profiles"),
    "02-2018-Messages.csv": (3, "messages"),
    "03-2018-Invitations.csv": (5, "requests"),
    "07-2026-Invitations.csv": (5, "requests"),
    "08-2026-messages.csv": (3, "messages"),  # the fourth row is a draft
    "09-linkedin-invitation-2016-foobar.eml": (1, "requests"),
    "09-linkedin-invitation-2016-incoming_1.eml": (1, "requests"),
    "10-2026-Connections.csv": (3, "profiles"),  # the fourth is a hidden member: date only
    "11-excel-resaved-Connections.csv": (3, "profiles"),
}


def test_the_fixtures_are_the_shared_real_files():
    assert sorted(p.name for p in REAL.iterdir() if p.name != "README.md") == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_real_file_imports_alone(name, store_url):
    store = open_store(store_url)
    (report,) = run_import(store, REAL / name)
    rows, table = EXPECTED[name]
    assert report.failed is None and report.unreadable_mails == ()
    assert (report.rows, report.added) == (rows, rows)
    assert store.stats()["tables"][table] == rows


def _all_counts(store) -> tuple[int, int, int]:
    tables = store.stats()["tables"]
    return tables["profiles"], tables["requests"], tables["messages"]


@pytest.mark.parametrize("packed", ["folder", "zip"])
def test_all_real_files_as_a_folder_and_as_a_zip(packed, tmp_path, store_url):
    path = tmp_path / "export"
    shutil.copytree(REAL, path)
    if packed == "zip":
        archive = tmp_path / "export.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            for member in sorted(path.iterdir()):
                zipped.write(member, f"Basic_LinkedInDataExport/{member.name}")
        path = archive
    by_table = {"profiles": 0, "requests": 0, "messages": 0}
    for rows, table in EXPECTED.values():
        by_table[table] += rows
    store = open_store(store_url)
    reports = run_import(store, path)
    assert [r.source for r in reports if r.failed] == []
    profiles, requests, messages = _all_counts(store)
    assert (requests, messages) == (by_table["requests"], by_table["messages"])
    assert store.stats()["known_contacts"] == by_table["profiles"]
    assert profiles >= by_table["profiles"]  # senders of requests are people too
    assert all(report.already_imported for report in run_import(store, path))


def test_percent_encoded_and_raw_slug_are_one_person(tmp_path, store_url):
    """Connections.csv writes `j%C3%BCrgen-…`, Invitations.csv `jürgen-…`: one known contact."""
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(REAL / "10-2026-Connections.csv", folder / "Connections.csv")
    (folder / "Invitations.csv").write_text(
        "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n"
        'Person052 Person053,Me Myself,"2/1/26, 9:15 AM",Kurze Frage zu Ihrem Vortrag,INCOMING,'
        "https://www.linkedin.com/in/jürgen-placeholder-015,https://www.linkedin.com/in/me-1\n",
        "utf-8",
    )
    store = open_store(store_url)
    run_import(store, folder)
    with store.engine.connect() as conn:
        category = conn.execute(select(StoredVerdict.category)).scalar_one()
    assert category == "known"
    assert store.stats()["known_contacts"] == 3


def test_real_invitations_meet_real_resaved_connections(tmp_path, store_url):
    """The 2026 Invitations.csv (raw slugs) with the Excel re-saved Connections.csv of the same
    account (percent-encoded slugs, `6-Feb-26`): the invitation to jürgen-placeholder-006 was
    answered, so that request counts as connected."""
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(REAL / "07-2026-Invitations.csv", folder / "Invitations.csv")
    shutil.copy(REAL / "11-excel-resaved-Connections.csv", folder / "Connections.csv")
    store = open_store(store_url)
    run_import(store, folder)
    with store.engine.connect() as conn:
        status = conn.execute(
            select(ContactRequest.status).where(
                ContactRequest.recipient_key == "linkedin:jürgen-placeholder-006"
            )
        ).scalar_one()
    assert status == "connected"


PROFILE_2022 = (
    "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,"
    "Geo Location,Twitter Handles,Websites,Instant Messengers\n"
    "Paula,Hammer,,,,Head of Logistics,,Logistics,,Berlin,,,\n"
)
INVITATIONS_2022 = (  # 5 columns: no profile URLs in exports of about 2019 to mid-2023
    "From,To,Sent At,Message,Direction\n"
    'Paula Hammer,Jonas Weber,"3/2/22, 4:10 PM",,OUTGOING\n'
    'Mia Roth,Paula Hammer,"3/5/22, 9:01 AM",Hallo Frau Hammer - kurze Frage zu Ihrem Talk,'
    "INCOMING\n"
)
MESSAGES_2022 = (  # 9 columns: SENDER PROFILE URL, no RECIPIENT PROFILE URLS, no draft flag
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,FOLDER\n"
    "2-AAA==,,Mia Roth,https://www.linkedin.com/in/mia-roth-12,Paula Hammer,"
    "2022-03-05 09:05:00 UTC,,Danke fürs Annehmen!,INBOX\n"
    "2-AAA==,,Paula Hammer,https://www.linkedin.com/in/paula-hammer-7,Mia Roth,"
    "2022-03-05 10:00:00 UTC,,Gern - worum geht es genau?,INBOX\n"
    "2-BBB==,,LinkedIn Member,,Paula Hammer,2022-03-06 10:00:00 UTC,,Hi there,INBOX\n"
    "2-CCC==,,LinkedIn Member,,Paula Hammer,2022-03-07 10:00:00 UTC,,Hello,INBOX\n"
)


def _export_2022(folder: Path) -> Path:
    folder.mkdir()
    (folder / "Profile.csv").write_text(PROFILE_2022, "utf-8")
    (folder / "Invitations.csv").write_text(INVITATIONS_2022, "utf-8")
    (folder / "messages.csv").write_text(MESSAGES_2022, "utf-8")
    return folder


def test_export_of_the_2022_era_marks_the_users_own_messages(tmp_path, store_url):
    store = open_store(store_url)
    run_import(store, _export_2022(tmp_path / "export"))
    with store.engine.connect() as conn:
        outgoing = conn.execute(select(Message.sender_name, Message.outgoing)).all()
    assert sorted(outgoing) == [
        ("LinkedIn Member", False),
        ("LinkedIn Member", False),
        ("Mia Roth", False),
        ("Paula Hammer", True),
    ]


def test_linkedin_member_rows_are_kept_apart(tmp_path):
    path = _export_2022(tmp_path / "export") / "messages.csv"
    keys = {m.sender_name: set() for m in read_messages(Source(path))}
    for message in read_messages(Source(path)):
        keys[message.sender_name].add(message.sender_key)
    assert len(keys["LinkedIn Member"]) == 2  # two hidden members, not one person
    assert keys["Mia Roth"] == {"linkedin:mia-roth-12"}


def test_stats_say_how_people_were_matched(tmp_path, store_url):
    store = open_store(store_url)
    run_import(store, REAL / "01-2018-Connections.csv")  # no URLs: by name
    run_import(store, REAL / "10-2026-Connections.csv")  # URLs
    (tmp_path / "Connections.csv").write_text(
        "First Name,Last Name,Email Address,Company,Position,Connected On\n"
        'Jan,Ott,,A,B,"1/8/18, 6:14 PM"\nJan,Ott,,C,D,"2/8/18, 6:14 PM"\n',
        "utf-8",
    )
    run_import(store, tmp_path / "Connections.csv")  # namesakes: apart
    assert store.stats()["people"] == {"by_url": 3, "by_name": 4, "apart": 2}


EXCEL_DE_CONNECTIONS = (  # German Excel: `;`, cp1252, day-first dates, the preamble gone
    "First Name;Last Name;URL;Email Address;Company;Position;Connected On\r\n"
    "Jürgen;Weiß;https://www.linkedin.com/in/j%C3%BCrgen-wei%C3%9F-1;;Müller GmbH;"
    "Geschäftsführer;16.09.2021\r\n"
)


def test_german_excel_resave_imports(tmp_path, store_url):
    path = tmp_path / "Connections.csv"
    path.write_bytes(EXCEL_DE_CONNECTIONS.encode("cp1252"))
    store = open_store(store_url)
    (report,) = run_import(store, path)
    assert report.failed is None and report.added == 1
    with store.engine.connect() as conn:
        key, headline = conn.execute(select(Person.key, Person.headline)).one()
    assert key == "linkedin:jürgen-weiß-1" and headline == "Geschäftsführer bei Müller GmbH"


def test_an_error_in_a_resaved_file_suggests_the_original_zip(tmp_path, store_url):
    path = tmp_path / "Connections.csv"
    broken = EXCEL_DE_CONNECTIONS.replace("16.09.2021", "im September")
    path.write_bytes(broken.encode("cp1252"))
    (report,) = run_import(open_store(store_url), path)
    message = str(report.failed)
    assert "Connections.csv:2, field 'Connected On'" in message
    assert "re-saved by a spreadsheet" in message and "';'" in message and "cp1252" in message
    assert "import the original ZIP" in message


def test_an_invitation_mail_without_inviter_is_reported(tmp_path, store_url):
    mail = (REAL / "09-linkedin-invitation-2016-foobar.eml").read_bytes()
    anonymous = mail.replace(b"Foo Bar <invitations@linkedin.com>", b"invitations@linkedin.com")
    path = tmp_path / "anonymous.eml"
    path.write_bytes(anonymous)
    (report,) = run_import(open_store(store_url), path)
    assert report.rows == 0 and report.unreadable_mails == ("anonymous.eml",)


def test_the_2016_mail_names_the_inviter_and_the_note(store_url):
    store = open_store(store_url)
    run_import(store, REAL / "09-linkedin-invitation-2016-incoming_1.eml")
    with store.engine.connect() as conn:
        name, text = conn.execute(select(ContactRequest.sender_name, ContactRequest.text)).one()
    assert (name, text) == ("Michael McAuliffe", "I'd like to join your LinkedIn network.")


def test_keys_stored_before_are_decoded_by_the_migration(store_url):
    """A store written by the version before (encoded key of a contact, raw key of the same
    person as a sender) is upgraded to one decoded, still-connected person."""
    engine = create_db_engine(store_url)
    migrate(engine, "0003")
    with engine.begin() as connection:
        user = connection.execute(
            User.__table__.insert()
            .values(name="local", profile={}, created_at=datetime(2026, 1, 1))
            .returning(User.id)
        ).scalar_one()
        people = Person.__table__
        connection.execute(
            people.insert(),
            [
                {
                    "user_id": user,
                    "key": "linkedin:j%c3%bcrgen-1",
                    "name": "J",
                    "headline": "",
                    "data": {},
                    "connected_on": datetime(2026, 2, 1),
                },
                {
                    "user_id": user,
                    "key": "linkedin:jürgen-1",
                    "name": "J",
                    "headline": "",
                    "data": {},
                    "connected_on": None,
                },
                {
                    "user_id": user,
                    "key": "linkedin:m%c3%bcller-2",
                    "name": "M",
                    "headline": "",
                    "data": {},
                    "connected_on": datetime(2026, 2, 1),
                },
            ],
        )
    store = open_store(store_url)
    with store.engine.connect() as conn:
        rows = sorted(conn.execute(select(Person.key, Person.connected_on.is_not(None))).all())
    assert rows == [("linkedin:jürgen-1", True), ("linkedin:müller-2", True)]


def test_cli_names_the_skipped_file_and_exits_1(tmp_path):
    """The run's exit status says a file was skipped; the summary names it and what was done."""
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(REAL / "07-2026-Invitations.csv", folder / "Invitations.csv")
    broken = (REAL / "08-2026-messages.csv").read_text("utf-8").replace(" UTC", " o'clock", 1)
    (folder / "messages.csv").write_text(broken, "utf-8")
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(main, ["--db", db, "import", str(folder)])
    assert result.exit_code == 1
    assert "Invitations.csv: 5 rows, 5 new" in result.output
    assert "messages.csv:2, field 'DATE'" in result.output
    assert "Nothing from this file was stored." in result.output
    assert "The other file was imported." in result.output
