"""LinkedIn's data export ("Get a copy of your data"): Invitations.csv, Connections.csv,
messages.csv and Profile.csv, as downloaded (a ZIP) or unpacked (a folder).

Formats as exports of every era show them (docs/import-formats.md has the details, the eras
and the real files each layout was checked on):
- Invitations.csv  `From,To,Sent At,Message,Direction[,inviterProfileUrl,inviteeProfileUrl]`,
  Sent At like `1/29/26, 2:37 PM`, Direction INCOMING or OUTGOING.
- Connections.csv  a 3-line "Notes:" preamble (since 2021), then `First Name,Last Name[,URL],
  Email Address,Company,Position,Connected On`, dates `08 Feb 2026` (2018: `1/8/18, 6:14 PM`).
- messages.csv     `CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,...,DATE,
  SUBJECT,CONTENT,FOLDER[,...]`, dates `2025-06-01 14:03:22 UTC`; draft rows are skipped.
  2018: `Messages.csv` with `From,To,Date,Subject,Content,Direction,Folder`.
- Profile.csv      one row with `First Name,Last Name,...,Headline,...`.
Spreadsheet re-saves (other dates, separators, encodings) are read too (csvtable, dates).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from kontaktfilter.bilingual import say
from kontaktfilter.imports.csvtable import csv_table
from kontaktfilter.imports.dates import LINKEDIN_FORMATS, parse_date
from kontaktfilter.imports.formats import Reading, Sniff, header_of, import_format
from kontaktfilter.imports.items import (
    MessageItem,
    OwnProfileItem,
    PersonItem,
    RequestItem,
    digest_key,
    name_key,
    person_key,
)
from kontaktfilter.imports.sources import ImportFailure, Source
from kontaktfilter.text.note import fold

PLATFORM = "linkedin"
DIRECTIONS = {"INCOMING": "incoming", "OUTGOING": "outgoing"}
ANONYMOUS_NAMES = frozenset({"linkedin member", "linkedin-mitglied"})
"""Folded names the export shows for members who hid their profile: not a person's name."""


def _clean_name(name: str) -> str:
    return " ".join(name.split())


def _csv_header(*columns: str) -> Sniff:
    """A CSV file whose first line names all of `columns`."""
    return lambda name, head, _container: (
        name.endswith(".csv") and all(column in header_of(head) for column in columns)
    )


@import_format("linkedin-invitations", 2, _csv_header("Direction", "Sent At"), ("invitations.csv",))
def read_invitations(source: Source, reading: Reading | None = None) -> Iterator[RequestItem]:
    """Invitations of every era: 5 columns until 2023, 7 with both profile URLs since."""
    required = ("From", "To", "Sent At", "Message", "Direction")
    name = source.name  # a property that formats; read once, not per row
    with csv_table(source, required, (reading or Reading()).encoding) as table:
        for line, row in table:
            where = f"{name}:{line}"
            direction = DIRECTIONS.get(row["Direction"].strip().upper())
            if direction is None:
                wrong = row["Direction"]
                raise ImportFailure(
                    where,
                    say(
                        f"expected INCOMING or OUTGOING, not {wrong!r}",
                        f"erwartet INCOMING oder OUTGOING, nicht {wrong!r}",
                    ),
                    "Direction",
                )
            sent_at = parse_date(row["Sent At"], LINKEDIN_FORMATS, where, "Sent At")
            inviter, invitee = _clean_name(row["From"]), _clean_name(row["To"])
            inviter_url = row.get("inviterProfileUrl") or None
            invitee_url = row.get("inviteeProfileUrl") or None
            apart = (direction, sent_at, row["Message"])  # the row, whatever the file's name
            inviter_key = _key(inviter_url, inviter, apart)
            invitee_key = _key(invitee_url, invitee, apart)
            yield RequestItem(
                key=digest_key("li-inv", direction, inviter_key, invitee_key, sent_at),
                direction=direction,
                platform=PLATFORM,
                sender_key=inviter_key,
                sender_name=inviter,
                recipient_key=invitee_key,
                recipient_name=invitee,
                text=row["Message"].strip(),
                sent_at=sent_at,
                sender_url=inviter_url,
            )


def _key(url: str | None, name: str, apart: object) -> str:
    """A person's key; a name that names nobody in particular ("LinkedIn Member", shown for
    hidden profiles) is kept apart by `apart` (the row or conversation) instead of merged."""
    if not url and fold(name) in ANONYMOUS_NAMES:
        return digest_key(f"{PLATFORM}-apart", name, apart)
    return person_key(url, name, PLATFORM)


def _is_connections_header(row: list[str]) -> bool:
    cells = {cell.strip() for cell in row}
    return "First Name" in cells and "Connected On" in cells


def _is_connections_file(name: str, head: bytes, _container: bool) -> bool:
    """A Connections.csv: its "Notes:" preamble, or its header within the first bytes."""
    text = head.decode("utf-8", errors="replace")
    return name.endswith(".csv") and (
        header_of(head).startswith("Notes:") or ("First Name" in text and "Connected On" in text)
    )


@import_format("linkedin-connections", 1, _is_connections_file, ("connections.csv",))
def read_connections(source: Source, reading: Reading | None = None) -> Iterator[PersonItem]:
    """Connections of every era: no URL column before 2023 (people are then known by name, and
    two connections of one name are kept apart, not merged)."""
    required = ("First Name", "Last Name", "Connected On")
    encoding = (reading or Reading()).encoding
    shared = _shared_names(source, encoding)
    with csv_table(source, required, encoding, _is_connections_header) as table:
        checked = False
        for line, row in table:
            if not checked:  # since 2021 the export begins with "Notes:"; a re-save drops it
                checked = True
                if "URL" in (table.header or ()) and not table.preamble:
                    table.resaved.append(
                        say("the 'Notes:' preamble is gone", "der Vorspann 'Notes:' fehlt")
                    )
            where = f"{source.name}:{line}"
            connected = parse_date(row["Connected On"], LINKEDIN_FORMATS, where, "Connected On")
            name = _clean_name(f"{row['First Name']} {row['Last Name']}")
            url = row.get("URL") or None
            if not name and not url:
                continue  # a member who hid their profile: only the date is exported
            company, position = row.get("Company", "").strip(), row.get("Position", "").strip()
            headline = f"{position} bei {company}" if position and company else position or company
            key = _key(url, name, (company, position, connected))
            if not url and fold(name) in shared:
                key = digest_key(f"{PLATFORM}-apart", name, company, position, connected)
            yield PersonItem(key=key, name=name, headline=headline, url=url, connected_on=connected)


def _shared_names(source: Source, encoding: str) -> frozenset[str]:
    """Folded names that two or more URL-less rows of a Connections.csv carry."""
    required = ("First Name", "Last Name", "Connected On")
    seen: set[str] = set()
    shared: set[str] = set()
    with csv_table(source, required, encoding, _is_connections_header) as table:
        for _line, row in table:
            if row.get("URL"):
                continue
            name = fold(_clean_name(f"{row['First Name']} {row['Last Name']}"))
            (shared if name in seen else seen).add(name)
    return frozenset(shared)


MESSAGE_COLUMNS = {
    "From": "FROM",
    "To": "TO",
    "Date": "DATE",
    "Subject": "SUBJECT",
    "Content": "CONTENT",
    "Direction": "DIRECTION",
    "Folder": "FOLDER",
}
"""The 2018 layout of Messages.csv (`From,To,Date,Subject,Content,Direction,Folder`), renamed to
the columns of the layout since 2019 (`CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE
URL,TO,[RECIPIENT PROFILE URLS,]DATE,SUBJECT,CONTENT,FOLDER[,ATTACHMENTS,IS MESSAGE DRAFT]`)."""


def _is_messages_file(name: str, head: bytes, _container: bool) -> bool:
    first = header_of(head)
    old = all(column in first for column in ("From", "To", "Date", "Content", "Direction"))
    return name.endswith(".csv") and ("CONVERSATION ID" in first or old)  # old: 2018


@import_format("linkedin-messages", 3, _is_messages_file, ("messages.csv",))
def read_messages(source: Source, reading: Reading | None = None) -> Iterator[MessageItem]:
    """Messages of every era; who the user is (`reading.own`) marks the ones the user sent
    where the file has no Direction column."""
    reading = reading or Reading()
    own = reading.own or OwnIdentity()
    required = ("FROM", "DATE", "CONTENT")
    with csv_table(source, required, reading.encoding, rename=MESSAGE_COLUMNS) as table:
        for line, row in table:
            if row.get("IS MESSAGE DRAFT", "").strip().lower() == "yes":
                continue
            where = f"{source.name}:{line}"
            sent_at = parse_date(row["DATE"], LINKEDIN_FORMATS, where, "DATE")
            sender = _clean_name(row["FROM"])
            url = row.get("SENDER PROFILE URL") or None
            conversation = row.get("CONVERSATION ID", "").strip() or _conversation(row)
            sender_key = _key(url, sender, conversation)
            direction = DIRECTIONS.get(row.get("DIRECTION", "").strip().upper())
            yield MessageItem(
                key=digest_key("li-msg", conversation, sent_at, sender_key, row["CONTENT"]),
                conversation=conversation,
                sender_key=sender_key,
                sender_name=sender,
                sent_at=sent_at,
                text=row["CONTENT"],
                subject=row.get("SUBJECT", "").strip(),
                folder=row.get("FOLDER", "").strip(),
                outgoing=direction == "outgoing" if direction else own.sent(sender_key, sender),
            )


REPLY_PREFIX = re.compile(r"^(?:(?:re|aw|fwd?|wg)\s*:\s*)+", re.IGNORECASE)


def _conversation(row: dict[str, str]) -> str:
    """A conversation id for the 2018 layout, which has none: its two people and the subject
    without reply prefixes."""
    people = sorted(fold(_clean_name(row.get(column, ""))) for column in ("FROM", "TO"))
    subject = REPLY_PREFIX.sub("", row.get("SUBJECT", "").strip())
    return digest_key("li-conv", *people, subject.casefold())


@import_format("linkedin-profile", 0, _csv_header("First Name", "Headline"), ("profile.csv",))
def read_profile(source: Source, reading: Reading | None = None) -> Iterator[OwnProfileItem]:
    encoding = (reading or Reading()).encoding
    with csv_table(source, ("First Name", "Last Name"), encoding) as table:
        for _line, row in table:
            name = _clean_name(f"{row['First Name']} {row['Last Name']}")
            profile = {"name": name}
            if row.get("Headline", "").strip():
                profile["headline"] = row["Headline"].strip()
            yield OwnProfileItem(profile)
            return


@dataclass
class OwnIdentity:
    """Who the user is in an export: person keys by profile URL (from invitations that carry
    URLs) and by name (Profile.csv, invitations without URLs). A message is the user's when its
    sender's URL is the user's; by name only when the user's URL is not known, since exports of
    about 2019 to mid-2023 have URLs in messages.csv but none in Invitations.csv."""

    keys: set[str] = field(default_factory=set)

    def add(self, key: str) -> None:
        if "-apart" not in key.split(":", 1)[0]:
            self.keys.add(key)

    def add_name(self, name: str) -> None:
        if name.strip():
            self.keys.add(name_key(name, PLATFORM))

    def sent(self, sender_key: str, sender_name: str) -> bool:
        if sender_key in self.keys:
            return True
        by_url = any(not key.startswith(f"{PLATFORM}-") for key in self.keys)
        return not by_url and name_key(sender_name, PLATFORM) in self.keys


def own_key(item: RequestItem) -> str:
    """The user's own person key: the invitee of an incoming, the inviter of an outgoing request."""
    return item.recipient_key if item.direction == "incoming" else item.sender_key
