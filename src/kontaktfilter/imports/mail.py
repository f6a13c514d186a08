"""Contact requests from the notification mails the networks send (one .eml file or an mbox).

A notification is found by its sender's address and structure, not by one subject wording:
it comes from the network's domain and either names the inviter in its subject ("Jana Roth
möchte sich mit Ihnen vernetzen", "Jana Roth wants to connect") or is an invitation mail by
address or accept link, naming the inviter in the From display name (LinkedIn's real 2016
layout: "Paul, please add me to your LinkedIn network" from "Michael McAuliffe
<invitations@linkedin.com>", the note unquoted between greeting and signature). Mails that are
not contact requests (newsletters, job alerts) are skipped and counted, not errors: an mbox of a
whole mail folder is a normal thing to import; a mail that looks like an invitation but names
no inviter is reported as unreadable. Supported layouts: docs/import-formats.md.
"""

from __future__ import annotations

import email
import email.parser
import email.policy
import hashlib
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime
from typing import BinaryIO

from kontaktfilter.bilingual import say
from kontaktfilter.imports.formats import Reading, import_format
from kontaktfilter.imports.items import RequestItem, person_key
from kontaktfilter.imports.sources import ImportFailure, Source
from kontaktfilter.store.repository import as_utc_naive
from kontaktfilter.text.note import fold

PLATFORM_DOMAINS = {"linkedin.com": "linkedin", "xing.com": "xing"}
PLATFORM_NAMES = frozenset({"linkedin", "xing", "linkedin invitations", "xing team"})
"""Display names that are the network's own, not an inviter's (folded)."""
SUBJECT_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^(?P<name>.+?) (?:wants|would like) to connect",
        r"^(?P<name>.+?) has invited you to connect",
        r"^(?:invitation|new contact request) from (?P<name>.+)$",
        r"^(?P<name>.+?) möchte sich mit Ihnen vernetzen",
        r"^(?P<name>.+?) möchte (?:Sie|dich) als Kontakt hinzufügen",
        r"^(?P<name>.+?) hat Ihnen eine Kontaktanfrage geschickt",
        r"^(?:Einladung|Neue Kontaktanfrage) von (?P<name>.+)$",
    )
)
INVITATION_SENDERS = frozenset({"invitations", "invitation", "einladungen", "einladung"})
"""Local parts of the networks' invitation mail addresses (LinkedIn: invitations@linkedin.com)."""
ACCEPT_LINK = re.compile(r"invite-accept|invitationId=|/invitations?/accept", re.IGNORECASE)
"""The accept button's link, which only an invitation mail carries."""
GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|hallo|guten tag|liebe[rs]?|sehr geehrte[rs]?)\b.*,$", re.I
)
QUOTED_NOTE = re.compile(r"[„“\"»«]([^„“”\"»«]{2,})[“”\"«»]", re.DOTALL)
TAG = re.compile(r"<[^<>]+>")
BREAK_TAGS = re.compile(r"<\s*(br|/p|/div|/tr)\b[^<>]*>", re.IGNORECASE)
"""A tag ends at its `>` and holds no `<`: a body of many `<` without `>` is read in linear time
(with `[^>]`, each `<` scanned to the end: 200 s for a 600 KB body)."""


@dataclass(frozen=True, slots=True)
class MailCounts:
    """How many mails a source held, how many were not contact requests, and where the ones
    are that look like invitations but could not be read."""

    mails: int = 0
    skipped: int = 0
    unreadable: tuple[str, ...] = ()


def _platform(message: EmailMessage) -> str | None:
    for header in ("From", "Sender", "Reply-To"):
        _, address = parseaddr(str(message.get(header, "")))
        domain = address.rpartition("@")[2].lower()
        for known, platform in PLATFORM_DOMAINS.items():
            if domain == known or domain.endswith("." + known):
                return platform
    return None


def _is_invitation(message: EmailMessage, body: str) -> bool:
    """An invitation mail by its structure: sent from an invitations address, or carrying the
    accept button's link."""
    _, address = parseaddr(str(message.get("From", "")))
    return address.partition("@")[0].lower() in INVITATION_SENDERS or bool(ACCEPT_LINK.search(body))


def _display_name(message: EmailMessage) -> str | None:
    """The From display name, where the network puts the inviter (not its own name)."""
    name, _ = parseaddr(str(message.get("From", "")))
    name = " ".join(name.split())
    return name if name and fold(name) not in PLATFORM_NAMES else None


def _signed_note(body: str, name: str) -> str:
    """An unquoted note: the lines between the greeting and the inviter's signature line."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    signature = next((i for i, line in enumerate(lines) if fold(line) == fold(name)), None)
    if signature is None:
        return ""
    start = 1 if lines and GREETING.match(lines[0]) else 0
    return " ".join(" ".join(lines[start:signature]).split())


def _sender_name(subject: str) -> str | None:
    subject = " ".join(subject.split())
    for pattern in SUBJECT_PATTERNS:
        found = pattern.search(subject)
        if found:
            return found.group("name").strip(" :-")
    return None


def _plain_text(message: EmailMessage) -> str:
    """The plain-text part alone (where an unquoted note keeps its line structure)."""
    part = message.get_body(preferencelist=("plain",))
    return _content(part) if part is not None else ""


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    return _content(part)


def _content(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    if part.get_content_subtype() == "html":
        content = html.unescape(TAG.sub("", BREAK_TAGS.sub("\n", content)))
    return content


def note_of(body: str) -> str:
    """The sender's own words: the longest quoted passage, or the `> ` quoted lines."""
    quoted = [line[1:].strip() for line in body.splitlines() if line.startswith(">")]
    if quoted:
        return " ".join(" ".join(quoted).split())
    passages = [" ".join(match.split()) for match in QUOTED_NOTE.findall(body)]
    return max(passages, key=len) if passages else ""


class Unreadable(Exception):
    """A mail that looks like an invitation but names no inviter."""


def _request(message: EmailMessage, where: str, raw: bytes) -> RequestItem | None:
    platform = _platform(message)
    if platform is None:
        return None
    name = _sender_name(str(message.get("Subject", "")))
    body = _body_text(message)
    note = note_of(body)
    if name is None:
        plain = _plain_text(message)
        if not _is_invitation(message, plain or body):
            return None
        name = _display_name(message)
        if name is None:
            raise Unreadable(where)
        note = note or _signed_note(plain or body, name)
    date_header = message.get("Date")
    try:
        sent_at = as_utc_naive(parsedate_to_datetime(str(date_header))) if date_header else None
    except (TypeError, ValueError):
        raise ImportFailure(
            where,
            say(f"unreadable date {date_header!r}", f"unlesbares Datum {date_header!r}"),
            "Date",
        ) from None
    _, recipient = parseaddr(str(message.get("To", "")))
    sender_key = person_key(None, name, platform)
    message_id = str(message.get("Message-ID", "")).strip()
    return RequestItem(
        key=f"mail:{message_id}" if message_id else f"mail:{hashlib.sha1(raw).hexdigest()[:24]}",
        direction="incoming",
        platform=platform,
        sender_key=sender_key,
        sender_name=name,
        recipient_key=recipient.lower(),
        recipient_name="",
        text=note,
        sent_at=sent_at,
    )


def _parse(data: bytes) -> EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[return-value]


MAX_MAIL_BYTES = 4 * 1024 * 1024
"""A notification mail is some 20-200 KB; a larger one (a mail with attachments) is not read
past this bound, so a 77 MB mail costs 4 MB of memory, not a parse of all of it."""
_CHUNK = 64 * 1024


def _is_mail(name: str, head: bytes, _container: bool) -> bool:
    return name.endswith((".eml", ".mbox")) or head.startswith(b"From ")


@import_format("mail", 7, _is_mail)
def read_mail_file(source: Source, reading: Reading | None = None) -> Iterator[RequestItem]:
    """The registered reader: the tally of `read_mails` goes to `reading.tally`."""
    return read_mails(source, (reading or Reading()).tally)


def read_mails(source: Source, counts: list[MailCounts] | None = None) -> Iterator[RequestItem]:
    """Requests from an .eml file or an mbox, mail by mail; `counts` receives the tally."""
    mails = skipped = 0
    unreadable: list[str] = []
    with source.open() as stream:
        single = source.basename.lower().endswith(".eml")
        if single:
            head = stream.read(MAX_MAIL_BYTES + 1)
            raws = iter([(head[:MAX_MAIL_BYTES], len(head) > MAX_MAIL_BYTES)])
        else:
            raws = _mbox_entries(stream, source.name)
        for number, (raw, cut) in enumerate(raws, 1):
            mails += 1
            where = source.name if single else f"{source.name}: mail {number}"
            try:
                item = _oversized(raw, where) if cut else _request(_parse(raw), where, raw)
            except Unreadable:
                unreadable.append(where)
                continue
            if item is None:
                skipped += 1
                continue
            yield item
    if counts is not None:
        counts.append(MailCounts(mails, skipped, tuple(unreadable)))


def _oversized(head: bytes, where: str) -> None:
    """A mail over MAX_MAIL_BYTES: not a notification, unless its headers say it is one from a
    network, in which case it is reported as unreadable rather than skipped silently."""
    block = re.split(rb"\r?\n\r?\n", head[:_CHUNK], maxsplit=1)[0]  # the header block only
    headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(block)
    if _platform(headers) is not None:  # type: ignore[arg-type]
        raise Unreadable(where)


def _mbox_entries(stream: BinaryIO, name: str) -> Iterator[tuple[bytes, bool]]:
    """(first MAX_MAIL_BYTES of a message, whether it was longer) for each message of an mbox,
    split at the `From ` lines that begin a line (a body line starting so is written `>From `
    by mail programs). Read in bounded pieces: no line or message is held whole."""
    current: list[bytes] = []
    size, cut, line_start, first = 0, False, True, True
    while piece := stream.readline(_CHUNK):
        if line_start and piece.startswith(b"From "):
            if not first:
                yield b"".join(current), cut
            current, size, cut = [], 0, False
        elif first:
            raise ImportFailure(
                f"{name}:1",
                say(
                    "not an mbox file (it must begin with a 'From ' line)",
                    "keine mbox-Datei (sie muss mit einer Zeile 'From ' beginnen)",
                ),
            )
        elif size + len(piece) <= MAX_MAIL_BYTES:
            current.append(piece)
            size += len(piece)
        else:
            cut = True
        first, line_start = False, piece.endswith(b"\n")
    if not first:
        yield b"".join(current), cut
