"""LinkedIn's data export ("Get a copy of your data"): Invitations.csv, Connections.csv,
messages.csv and Profile.csv, as downloaded (a ZIP) or unpacked (a folder).

Formats as exports show them (docs/import-formats.md has the details and the eras):
- Invitations.csv  `From,To,Sent At,Message,Direction[,inviterProfileUrl,inviteeProfileUrl]`,
  Sent At like `1/29/26, 2:37 PM`, Direction INCOMING or OUTGOING.
- Connections.csv  a 3-line "Notes:" preamble (in exports since 2021), then
  `First Name,Last Name[,URL],Email Address,Company,Position,Connected On`, dates `08 Feb 2026`.
- messages.csv     `CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,...,DATE,
  SUBJECT,CONTENT,FOLDER[,...]`, dates `2025-06-01 14:03:22 UTC`; draft rows are skipped.
- Profile.csv      one row with `First Name,Last Name,...,Headline,...`.
"""

from __future__ import annotations

from collections.abc import Iterator

from kontaktfilter.imports.csvtable import csv_rows
from kontaktfilter.imports.dates import (
    CONNECTION_FORMATS,
    INVITATION_FORMATS,
    MESSAGE_FORMATS,
    parse_date,
)
from kontaktfilter.imports.items import (
    MessageItem,
    OwnProfileItem,
    PersonItem,
    RequestItem,
    digest_key,
    person_key,
)
from kontaktfilter.imports.sources import ImportFailure, Source

PLATFORM = "linkedin"
FILES = {
    "profile.csv": "linkedin-profile",
    "connections.csv": "linkedin-connections",
    "invitations.csv": "linkedin-invitations",
    "messages.csv": "linkedin-messages",
}
"""Export members kontaktfilter reads, by lower-case file name; the rest of an export is ignored."""
DIRECTIONS = {"INCOMING": "incoming", "OUTGOING": "outgoing"}


def _clean_name(name: str) -> str:
    return " ".join(name.split())


def read_invitations(source: Source, encoding: str = "utf-8") -> Iterator[RequestItem]:
    required = ("From", "To", "Sent At", "Message", "Direction")
    with source.open() as stream:
        for line, row in csv_rows(stream, source.name, required, encoding):
            where = f"{source.name}:{line}"
            direction = DIRECTIONS.get(row["Direction"].strip().upper())
            if direction is None:
                raise ImportFailure(
                    where, f"expected INCOMING or OUTGOING, not {row['Direction']!r}", "Direction"
                )
            sent_at = parse_date(row["Sent At"], INVITATION_FORMATS, where, "Sent At")
            inviter, invitee = _clean_name(row["From"]), _clean_name(row["To"])
            inviter_url = row.get("inviterProfileUrl") or None
            invitee_url = row.get("inviteeProfileUrl") or None
            inviter_key = person_key(inviter_url, inviter, PLATFORM)
            invitee_key = person_key(invitee_url, invitee, PLATFORM)
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


def _is_connections_header(row: list[str]) -> bool:
    cells = {cell.strip() for cell in row}
    return "First Name" in cells and "Connected On" in cells


def read_connections(source: Source, encoding: str = "utf-8") -> Iterator[PersonItem]:
    required = ("First Name", "Last Name", "Connected On")
    with source.open() as stream:
        rows = csv_rows(stream, source.name, required, encoding, _is_connections_header)
        for line, row in rows:
            where = f"{source.name}:{line}"
            connected = parse_date(row["Connected On"], CONNECTION_FORMATS, where, "Connected On")
            name = _clean_name(f"{row['First Name']} {row['Last Name']}")
            url = row.get("URL") or None
            if not name and not url:
                continue  # a member who hid their profile: only the date is exported
            company, position = row.get("Company", "").strip(), row.get("Position", "").strip()
            headline = f"{position} bei {company}" if position and company else position or company
            yield PersonItem(
                key=person_key(url, name, PLATFORM),
                name=name,
                headline=headline,
                url=url,
                connected_on=connected,
            )


def read_messages(
    source: Source, encoding: str = "utf-8", own_keys: frozenset[str] = frozenset()
) -> Iterator[MessageItem]:
    """Messages; `own_keys` (the user's person keys) mark the ones the user sent."""
    required = ("CONVERSATION ID", "FROM", "DATE", "CONTENT")
    with source.open() as stream:
        for line, row in csv_rows(stream, source.name, required, encoding):
            if row.get("IS MESSAGE DRAFT", "").strip().lower() == "yes":
                continue
            where = f"{source.name}:{line}"
            sent_at = parse_date(row["DATE"], MESSAGE_FORMATS, where, "DATE")
            sender = _clean_name(row["FROM"])
            url = row.get("SENDER PROFILE URL") or None
            sender_key = person_key(url, sender, PLATFORM)
            conversation = row["CONVERSATION ID"].strip()
            yield MessageItem(
                key=digest_key("li-msg", conversation, sent_at, sender_key, row["CONTENT"]),
                conversation=conversation,
                sender_key=sender_key,
                sender_name=sender,
                sent_at=sent_at,
                text=row["CONTENT"],
                subject=row.get("SUBJECT", "").strip(),
                folder=row.get("FOLDER", "").strip(),
                outgoing=sender_key in own_keys,
            )


def read_profile(source: Source, encoding: str = "utf-8") -> Iterator[OwnProfileItem]:
    with source.open() as stream:
        for _line, row in csv_rows(stream, source.name, ("First Name", "Last Name"), encoding):
            name = _clean_name(f"{row['First Name']} {row['Last Name']}")
            profile = {"name": name}
            if row.get("Headline", "").strip():
                profile["headline"] = row["Headline"].strip()
            yield OwnProfileItem(profile)
            return


def own_key(item: RequestItem) -> str:
    """The user's own person key: the invitee of an incoming, the inviter of an outgoing request."""
    return item.recipient_key if item.direction == "incoming" else item.sender_key
