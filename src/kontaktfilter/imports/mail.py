"""Contact requests from the notification mails the networks send (one .eml file or an mbox).

A notification names the sender in its subject ("Jana Roth möchte sich mit Ihnen vernetzen",
"Jana Roth wants to connect", "Jana Roth möchte Sie als Kontakt hinzufügen") and quotes the note,
if there is one, in the body. Mails that are not contact requests (newsletters, job alerts) are
skipped and counted, not errors: an mbox of a whole mail folder is a normal thing to import.
Supported layouts: docs/import-formats.md.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime
from typing import BinaryIO

from kontaktfilter.imports.items import RequestItem, person_key
from kontaktfilter.imports.sources import ImportFailure, Source
from kontaktfilter.store.repository import as_utc_naive

PLATFORM_DOMAINS = {"linkedin.com": "linkedin", "xing.com": "xing"}
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
QUOTED_NOTE = re.compile(r"[„“\"»«]([^„“”\"»«]{2,})[“”\"«»]", re.DOTALL)
TAG = re.compile(r"<[^<>]+>")
BREAK_TAGS = re.compile(r"<\s*(br|/p|/div|/tr)\b[^<>]*>", re.IGNORECASE)
"""A tag ends at its `>` and holds no `<`: a body of many `<` without `>` is read in linear time
(with `[^>]`, each `<` scanned to the end: 200 s for a 600 KB body)."""


@dataclass(frozen=True, slots=True)
class MailCounts:
    """How many mails a source held and how many were not contact requests."""

    mails: int = 0
    skipped: int = 0


def _platform(message: EmailMessage) -> str | None:
    for header in ("From", "Sender", "Reply-To"):
        _, address = parseaddr(str(message.get(header, "")))
        domain = address.rpartition("@")[2].lower()
        for known, platform in PLATFORM_DOMAINS.items():
            if domain == known or domain.endswith("." + known):
                return platform
    return None


def _sender_name(subject: str) -> str | None:
    subject = " ".join(subject.split())
    for pattern in SUBJECT_PATTERNS:
        found = pattern.search(subject)
        if found:
            return found.group("name").strip(" :-")
    return None


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
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


def _request(message: EmailMessage, where: str, raw: bytes) -> RequestItem | None:
    platform = _platform(message)
    name = _sender_name(str(message.get("Subject", "")))
    if platform is None or name is None:
        return None
    date_header = message.get("Date")
    try:
        sent_at = as_utc_naive(parsedate_to_datetime(str(date_header))) if date_header else None
    except (TypeError, ValueError):
        raise ImportFailure(where, f"unreadable date {date_header!r}", "Date") from None
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
        text=note_of(_body_text(message)),
        sent_at=sent_at,
    )


def _parse(data: bytes) -> EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[return-value]


def read_mails(source: Source, counts: list[MailCounts] | None = None) -> Iterator[RequestItem]:
    """Requests from an .eml file or an mbox, mail by mail; `counts` receives the tally."""
    mails = skipped = 0
    with source.open() as stream:
        if source.basename.lower().endswith(".eml"):
            raws: Iterator[bytes] = iter([stream.read()])
            single = True
        else:
            raws, single = _mbox_entries(stream, source.name), False
        for number, raw in enumerate(raws, 1):
            mails += 1
            where = source.name if single else f"{source.name}: mail {number}"
            item = _request(_parse(raw), where, raw)
            if item is None:
                skipped += 1
                continue
            yield item
    if counts is not None:
        counts.append(MailCounts(mails, skipped))


def _mbox_entries(stream: BinaryIO, name: str) -> Iterator[bytes]:
    """Messages of an mbox, read line by line and split at the `From ` separator lines (a body
    line starting so is written `>From ` by mail programs)."""
    current: list[bytes] = []
    for number, line in enumerate(stream, 1):
        if line.startswith(b"From "):
            if current:
                yield b"".join(current)
            current = []
        elif number == 1:
            raise ImportFailure(f"{name}:1", "not an mbox file (it must begin with a 'From ' line)")
        else:
            current.append(line)
    if current:
        yield b"".join(current)
