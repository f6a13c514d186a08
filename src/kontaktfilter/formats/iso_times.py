"""Epoch seconds of many `YYYY-MM-DDTHH:MM:SS` times at once, as `datetime.fromisoformat`
reads them (a time without zone is UTC): `kontaktfilter templates` spent more on one datetime
object per note than on reading its text. Any other spelling is left to `fromisoformat`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

PLAIN_LENGTH = 19
_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
_SEPARATORS = {4: "-", 7: "-", 10: "T", 13: ":", 16: ":"}
_DAYS_BEFORE_MONTH = np.array([0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334])
_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_DAYS_BEFORE_1970 = 719_162
"""Days from 0001-01-01 to 1970-01-01 (`date(1970, 1, 1).toordinal() - 1`)."""


def plain_seconds(times: Sequence[str]) -> np.ndarray | None:
    """Epoch seconds of each time, or None unless every one is a valid time spelled exactly
    `YYYY-MM-DDTHH:MM:SS` in ASCII (then the caller reads them one by one)."""
    if not times:
        return np.empty(0, dtype=np.int64)
    if set(map(len, times)) != {PLAIN_LENGTH}:
        return None
    try:
        raw = "".join(times).encode("ascii")
    except UnicodeEncodeError:
        return None
    chars = np.frombuffer(raw, dtype=np.uint8).reshape(len(times), PLAIN_LENGTH)
    digits = chars[:, _DIGITS].astype(np.int64) - ord("0")
    separators = all((chars[:, at] == ord(mark)).all() for at, mark in _SEPARATORS.items())
    if not separators or ((digits < 0) | (digits > 9)).any():
        return None
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month, day, hour, minute, second = (
        digits[:, at] * 10 + digits[:, at + 1] for at in range(4, 14, 2)
    )
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    if (year < 1).any() or ((month < 1) | (month > 12)).any():
        return None
    month_days = _DAYS_IN_MONTH[month - 1] + (leap & (month == 2))
    if ((day < 1) | (day > month_days) | (hour > 23) | (minute > 59) | (second > 59)).any():
        return None
    before = year - 1
    days = before * 365 + before // 4 - before // 100 + before // 400
    days += _DAYS_BEFORE_MONTH[month - 1] + (leap & (month > 2)) + day - 1 - _DAYS_BEFORE_1970
    return days * 86_400 + hour * 3600 + minute * 60 + second
