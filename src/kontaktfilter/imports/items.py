"""What the importers produce, whatever the source: requests, people, messages, the user's own
profile. Every item carries a natural key, so a second import of the same data adds nothing."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from kontaktfilter.text.note import fold

SLUG_CACHE_SIZE = 65_536
"""Profile URLs whose slug is remembered: the user's own URL is on every row of an export."""


def digest_key(prefix: str, *parts: object) -> str:
    """A stable natural key from the fields that identify a row in its source."""
    joined = "\x1f".join(["" if part is None else str(part) for part in parts])
    return f"{prefix}:{hashlib.sha1(joined.encode('utf-8')).hexdigest()[:24]}"


@lru_cache(maxsize=SLUG_CACHE_SIZE)
def profile_slug(url: str) -> str:
    """The slug of a profile URL as one spelling: LinkedIn's Connections.csv percent-encodes a
    non-ASCII slug (`j%C3%BCrgen-…`) while Invitations.csv and messages.csv keep it raw
    (`jürgen-…`); both become `jürgen-…` (decoded, NFC, lower case)."""
    slug = url.strip().split("?")[0].split("#")[0].rstrip("/").rsplit("/", 1)[-1]
    return unicodedata.normalize("NFC", unquote(slug)).lower()


def person_key(url: str | None, name: str, platform: str) -> str:
    """A profile URL's slug identifies a person across files; the name only when there is none."""
    if url:
        slug = profile_slug(url)
        if slug:
            return f"{platform}:{slug}"
    return name_key(name, platform)


def name_key(name: str, platform: str) -> str:
    """The key of a person known only by name (files without profile URLs)."""
    return f"{platform}-name:{' '.join(fold(name).split())}"


@dataclass(frozen=True, slots=True)
class RequestItem:
    key: str
    direction: str  # incoming, outgoing
    platform: str
    sender_key: str
    sender_name: str
    recipient_key: str
    recipient_name: str
    text: str
    sent_at: datetime | None
    kind: str = "contact_request"
    lang: str | None = None
    sender_url: str | None = None
    sender_data: dict[str, Any] = field(default_factory=dict)
    """Profile fields of the sender beyond the name (docs/data-format.md)."""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PersonItem:
    key: str
    name: str
    headline: str = ""
    url: str | None = None
    connected_on: datetime | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MessageItem:
    key: str
    conversation: str
    sender_key: str
    sender_name: str
    sent_at: datetime | None
    text: str
    subject: str = ""
    folder: str = ""
    outgoing: bool = False


@dataclass(frozen=True, slots=True)
class OwnProfileItem:
    """The user's own name and headline (LinkedIn Profile.csv)."""

    profile: dict[str, Any]


Item = RequestItem | PersonItem | MessageItem | OwnProfileItem
