"""LinkedIn's messages and connection dates are read by pattern, not strptime: the dates they
give are strptime's over LINKEDIN_FORMATS, for valid dates, impossible ones and near misses."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from kontaktfilter.imports.dates import LINKEDIN_FORMATS, parse_date
from kontaktfilter.imports.sources import ImportFailure

MONTHS = ["Jan", "feb", "MAR", "Sep", "Dec", "Mai", "Mär", "Sept"]


def _strptime(text: str) -> datetime | None:
    """The reference: the first of LINKEDIN_FORMATS strptime reads."""
    for fmt in LINKEDIN_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _texts() -> list[str]:
    rng = random.Random(20)
    texts = ["2025-06-01 14:03:22", "08 Feb 2026", "8 feb 2026", "31 Feb 2026", "29 Feb 2024"]
    texts += [
        "2025-02-30 10:00:00",
        "2025-06-01 24:00:00",
        "2025-06-01 14:03:60",
        "2025-6-01 1:2:3",
    ]
    for _ in range(3000):
        day = rng.randint(0, 32)
        texts.append(
            f"{rng.randint(1999, 2030)}-{rng.randint(0, 13):02d}-{day:02d} "
            f"{rng.randint(0, 24):02d}:{rng.randint(0, 60):02d}:{rng.randint(0, 61):02d}"
        )
        texts.append(f"{day:0{rng.randint(1, 2)}d} {rng.choice(MONTHS)} {rng.randint(1999, 2030)}")
    return texts


@pytest.mark.parametrize("utc", ["", " UTC"])
def test_patterns_read_what_strptime_reads(utc):
    for text in _texts():
        expected = _strptime(text)
        if expected is None:
            with pytest.raises(ImportFailure):
                parse_date(text + utc, LINKEDIN_FORMATS, "messages.csv:2", "DATE")
        else:
            assert parse_date(text + utc, LINKEDIN_FORMATS, "messages.csv:2", "DATE") == expected
