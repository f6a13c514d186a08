"""The read-only context handed to every signal: the analysed note, phrase matches, profile terms.

Built once per request by the engine, so signals never repeat work and never do I/O or read a clock.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from kontaktfilter.matcher import PhraseMatch
from kontaktfilter.model import Profile, Span
from kontaktfilter.note import AnalysedNote, analyse

_FUNCTION_WORDS = frozenset(
    "und oder der die das den dem des ein eine einer eines einem einen fuer mit von bei auf aus "
    "im in am an zu zum zur ich sie wir ihr ihre ihren ihnen mein meine unser unsere sehr auch "
    "the and for with from of to in on at a an my your our their you we they this that about "
    "ueber nach wie was wer als mehr gern gerne thema themen bereich area field topic topics "
    "gmbh ltd inc".split()
)
MIN_TERM_LENGTH = 4


def content_terms(text: str) -> frozenset[str]:
    """Folded words of a profile entry that can identify it (no function words, no short words)."""
    return frozenset(
        token
        for token in analyse(text).tokens
        if len(token) >= MIN_TERM_LENGTH and token not in _FUNCTION_WORDS and not token.isdigit()
    )


@dataclass(frozen=True, slots=True)
class ProfileTerms:
    """Each profile entry (offer, interest, publication ...) with its identifying terms."""

    entries: tuple[tuple[str, str, frozenset[str]], ...]  # (field, entry text, terms)

    def fields(self, *names: str) -> list[tuple[str, str, frozenset[str]]]:
        return [entry for entry in self.entries if entry[0] in names]


@lru_cache(maxsize=4096)
def profile_terms(profile: Profile) -> ProfileTerms:
    entries = []
    for field_name in ("offers", "seeks", "interests", "groups", "publications"):
        for text in getattr(profile, field_name):
            terms = content_terms(text)
            if terms:
                entries.append((field_name, text, terms))
    return ProfileTerms(tuple(entries))


def term_matches(token: str, term: str) -> bool:
    """A note token refers to a profile term when one is the other's stem (5+ shared letters)."""
    if token == term:
        return True
    shorter, longer = (token, term) if len(token) <= len(term) else (term, token)
    return len(shorter) >= 5 and longer.startswith(shorter)


@dataclass(slots=True)
class Context:
    note: AnalysedNote
    lang: str
    now: datetime
    phrases: dict[str, list[PhraseMatch]] = field(default_factory=lambda: defaultdict(list))

    def span(self, first: int, last: int) -> Span:
        start, end, text = self.note.span_text(first, last)
        return Span(start, end, text)

    def family(self, name: str) -> list[PhraseMatch]:
        return self.phrases.get(name, [])

    def covered_by(self, families: tuple[str, ...]) -> set[int]:
        """Token indices inside matches of these families (keeps signals from double-firing)."""
        covered: set[int] = set()
        for name in families:
            for match in self.family(name):
                covered.update(range(match.first, match.last + 1))
        return covered
