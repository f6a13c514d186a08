"""Dates as the sources write them. Each file has its own formats (LinkedIn alone uses four), so
each reader names the formats it accepts; anything else is an error, never a guess."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from kontaktfilter.bilingual import say
from kontaktfilter.imports.sources import ImportFailure
from kontaktfilter.store.repository import as_utc_naive

LINKEDIN_FORMATS = (
    "%m/%d/%y, %I:%M %p",  # the export's own, in every era: `1/29/26, 2:37 PM`
    "%d %b %Y",  # Connections.csv "Connected On" since 2021: `08 Feb 2026`
    "%Y-%m-%d %H:%M:%S",  # messages.csv "DATE" since 2019: `2025-06-01 14:03:22 UTC`
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d-%b-%y",  # a file re-saved by Excel (English): `6-Feb-26`
    "%d-%b-%Y",
    "%m/%d/%Y %H:%M",  # Excel, US: `2/12/2026 11:44`, `9/16/2021`
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%d.%m.%Y %H:%M",  # Excel, German: `16.09.2021 14:03`, `16.09.2021`
    "%d.%m.%Y",
    "%d.%m.%y",
)
"""Every date form of LinkedIn's export files, of all eras, and of their spreadsheet re-saves.
The export's own `1/29/26, 2:37 PM` (Invitations.csv "Sent At" in every era, and in 2018 also
Connections and Messages) is read first by a pattern. Slashes are month first, as LinkedIn and
US Excel write them; dots are day first, as German Excel writes them. No form reads as another."""
_LINKEDIN_SENT_AT = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}), (\d{1,2}):(\d{2}) ([AP])M")


def _linkedin_sent_at(text: str) -> datetime | None:
    """`1/29/26, 2:37 PM` without strptime, which costs a tenth of a 100k-row import."""
    found = _LINKEDIN_SENT_AT.fullmatch(text)
    if found is None:
        return None
    month, day, year, hour, minute, half = found.groups()
    hour_24 = int(hour) % 12 + (12 if half == "P" else 0)
    try:
        return datetime(2000 + int(year), int(month), int(day), hour_24, int(minute))
    except ValueError:
        return None


_MESSAGES_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})")
_CONNECTED_ON = re.compile(r"(\d{1,2}) ([A-Za-z]{3}) (\d{4})")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
"""strptime's `%b` in the C locale (the process never sets another), matched ignoring case."""


def _linkedin_other(text: str) -> datetime | None:
    """messages.csv's `2025-06-01 14:03:22` and Connections.csv's `08 Feb 2026` without
    strptime, which for these tries the formats before them, each failing with an exception:
    what `LINKEDIN_FORMATS` gives them, or None to let strptime decide."""
    found = _MESSAGES_DATE.fullmatch(text)
    if found is not None:
        numbers = [int(part) for part in found.groups()]
    elif (found := _CONNECTED_ON.fullmatch(text)) is not None:
        day, month, year = found.groups()
        if month.lower() not in _MONTHS:
            return None
        numbers = [int(year), _MONTHS[month.lower()], int(day)]
    else:
        return None
    try:
        return datetime(*numbers)
    except ValueError:
        return None


GENERIC_FORMATS = (
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
)


def parse_date(value: str, formats: Sequence[str], where: str, field: str) -> datetime | None:
    """Naive UTC; empty is None. A trailing "UTC" or offset is honoured, other text is not."""
    text = " ".join(value.replace("\u202f", " ").split())
    if not text:
        return None
    if formats is LINKEDIN_FORMATS:
        quick = _linkedin_sent_at(text)
        if quick is not None:
            return quick
    if text.endswith(" UTC"):
        text = text[:-4]
    if formats is LINKEDIN_FORMATS:
        quick = _linkedin_other(text)
        if quick is not None:
            return quick
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ImportFailure(
            where,
            say(
                f"unknown date format {value!r} (expected e.g. {formats[0]!r})",
                f"unbekanntes Datumsformat {value!r} (erwartet z. B. {formats[0]!r})",
            ),
            field,
        ) from None
    return as_utc_naive(moment)
