"""Reduces a note to what stays the same across copies of one template.

Automation tools send one stock text with the names swapped (seeds 000, 001). Salutation and
sign-off lines, the names of sender and recipient, numbers, links, case, punctuation and umlaut
spellings all vary between copies, so they are removed before comparing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from kontaktfilter.text.note import fold, fold_all

LINK = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
GREETING_WORDS = frozenset(
    "hallo hello hi hey dear liebe lieber sehr geehrte geehrter moin servus guten tag "
    "good morning herr frau mr mrs ms dr prof".split()
)
CLOSING_WORDS = frozenset(
    "gruesse gruss gruessen regards best cheers beste viele herzliche freundliche lg vg mfg "
    "kind warm thanks sincerely".split()
)
MAX_GREETING_TOKENS = 6
MAX_CLOSING_TOKENS = 6


def template_tokens(text: str, names: Iterable[str] = ()) -> list[str]:
    """Folded words of the note without greeting, sign-off, names, numbers and links."""
    return _trimmed(fold_all(WORD.findall(without_links(text))), banned_words(names))


def without_links(text: str) -> str:
    """The text with links and mail addresses blanked; the literal test first, because few
    notes have any and the pattern costs more than the test."""
    if "://" in text or "www." in text or "@" in text:
        return LINK.sub(" ", text)
    return text


def banned_words(names: Iterable[str]) -> frozenset[str]:
    """Folded parts of the names."""
    return frozenset().union(*map(name_parts, names))


@functools.lru_cache(maxsize=65_536)
def name_parts(name: str) -> frozenset[str]:
    """Cached: a file repeats its recipient in every note and each sender in theirs."""
    return frozenset(fold(part) for part in WORD.findall(name))


def _trimmed(words: list[str], banned: frozenset[str]) -> list[str]:
    """The folded words without greeting, sign-off and names."""
    start = 0
    while start < min(len(words), MAX_GREETING_TOKENS) and (
        words[start] in GREETING_WORDS or words[start] in banned
    ):
        start += 1
    end = len(words)
    for index in range(len(words) - 1, max(start, len(words) - MAX_CLOSING_TOKENS) - 1, -1):
        if words[index] in CLOSING_WORDS:
            end = index
            while end > start and words[end - 1] in CLOSING_WORDS:  # "Viele Grüße", "Best regards"
                end -= 1
            break
    kept = words[start:end]
    if banned.isdisjoint(kept):
        return kept
    return [word for word in kept if word not in banned]


def normalise_for_template(text: str, names: Iterable[str] = ()) -> str:
    """The comparable form of a note, as one string (for display and fingerprints)."""
    return " ".join(template_tokens(text, names))
