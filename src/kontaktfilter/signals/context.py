"""The read-only context handed to every signal: the analysed note, phrase matches, profile terms.

Built once per request by the engine, so signals never repeat work and never do I/O or read a clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import compress
from typing import TYPE_CHECKING, Any

from kontaktfilter.bulk import TemplateIndex

if TYPE_CHECKING:
    from kontaktfilter.scoring.corpus_model import CorpusModel, Reading
    from kontaktfilter.scoring.learned_model import LearnedModel
from kontaktfilter.bulk.fingerprints import FingerprintSet
from kontaktfilter.model import Category, Profile, SignalHit, Span
from kontaktfilter.text.matcher import PhraseMatch
from kontaktfilter.text.note import AnalysedNote, analyse

_FUNCTION_WORDS = frozenset(
    "und oder aber der die das den dem des ein eine einer eines einem einen kein keine keinen "
    "fuer mit von bei auf aus im in am an zu zum zur ueber unter nach vor durch gegen ohne um "
    "ich du er sie es wir ihr mich dich uns euch mir dir ihm ihn ihnen "
    "mein meine meinen meinem meiner meines dein deine deinen deinem deiner deines "
    "sein seine seinen seinem seiner ihre ihren ihrem ihrer ihres unser unsere unseren unserem "
    "unserer euer eure sehr auch noch schon nur wie was wer wo als mehr gern gerne diese dieser "
    "dieses diesen diesem jede jeder jedes alle allen "
    "sich wann wenn warum wieso weshalb wirklich damit dass nicht immer "
    "the and for with from of to in on at a an my your our their his her its you we they this "
    "that these those about into over under me him them us mine yours ours "
    "when what which while why how will would could should really just "
    "thema themen bereich area field topic topics gmbh ltd inc "
    "business businesses company companies unternehmen firma firmen kunden clients customers "
    "recruiting marketing consulting beratung vertrieb sales".split()
)
_new = tuple.__new__
MIN_TERM_LENGTH = 4
MIN_STEM = 5


def content_terms(text: str) -> frozenset[str]:
    """Folded words of a profile entry that can identify it (no function words, no short words)."""
    return frozenset(
        token
        for token in analyse(text).tokens
        if len(token) >= MIN_TERM_LENGTH and token not in _FUNCTION_WORDS and not token.isdigit()
    )


class ProfileTerms:
    """Each profile entry (offer, interest, publication ...) with its identifying terms, and a
    memo from note token to the entries it refers to, so a recurring recipient costs one look-up
    per token."""

    MEMO_LIMIT = 50_000

    def __init__(self, entries: tuple[tuple[str, str, frozenset[str]], ...]) -> None:
        self.entries = entries  # (field, entry text, terms)
        self.memo: dict[str, tuple[int, ...]] = {}
        self._exact: dict[str, set[int]] = {}
        self._stems: dict[str, list[tuple[str, int]]] = {}
        """Terms by their first MIN_STEM letters: a token can share a stem only with a term that
        begins like it, so a never-seen token is compared with those few, not with every term."""
        for index, (_, _, terms) in enumerate(entries):
            for term in terms:
                self._exact.setdefault(term, set()).add(index)
                if len(term) >= MIN_STEM:
                    self._stems.setdefault(term[:MIN_STEM], []).append((term, index))

    def referred(self, token: str) -> tuple[int, ...]:
        """Indices of the entries that this note token refers to. A function word of the note
        refers to nothing, even where it starts a title word ("über" and "Übergabe")."""
        found = self.memo.get(token)
        if found is None:
            if len(self.memo) >= self.MEMO_LIMIT:
                self.memo.clear()
            indices: set[int] = set()
            if len(token) >= MIN_TERM_LENGTH and token not in _FUNCTION_WORDS:
                indices.update(self._exact.get(token, ()))
                for term, index in self._stems.get(token[:MIN_STEM], ()):
                    if term_matches(token, term):
                        indices.add(index)
            found = self.memo[token] = tuple(sorted(indices))
        return found

    def positions(self, tokens: tuple[str, ...]) -> dict[int, list[int]]:
        """Entry index -> positions of the note tokens referring to it; the memo is read at C
        speed, and most tokens refer to nothing."""
        try:
            referred = list(map(self.memo.__getitem__, tokens))
        except KeyError:
            referred = [
                known if known is not None else self.referred(token)
                for known, token in zip(map(self.memo.get, tokens), tokens, strict=True)
            ]
        positions: dict[int, list[int]] = {}
        for position in compress(range(len(referred)), referred):
            for index in referred[position]:
                positions.setdefault(index, []).append(position)
        return positions


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
    """A note token refers to a profile term when they share a stem: 5+ letters and all of the
    shorter word but its last letter ("Segeln" ~ "Segelsport", "Vertrieb" ~ "Vertriebsteam")."""
    if token == term:
        return True
    shorter = min(len(token), len(term))
    if shorter < MIN_STEM:
        return False
    common = 0
    for a, b in zip(token, term, strict=False):
        if a != b:
            break
        common += 1
    return common >= MIN_STEM and common >= shorter - 1


@dataclass(frozen=True, slots=True)
class History:
    """Read-only history handed to signals: the notes other senders sent (bulk detection)."""

    templates: TemplateIndex | None = None
    min_senders: int = 3
    window_days: float | None = None
    fingerprints: FingerprintSet | None = None


@dataclass(slots=True)
class Context:
    note: AnalysedNote
    lang: str
    now: datetime
    phrases: dict[str, list[PhraseMatch]] = field(default_factory=lambda: defaultdict(list))
    derived: dict[str, Any] = field(default_factory=dict)
    """Values several signals derive from the same request (the greeting, profile references),
    computed by the first signal that needs them."""
    history: History | None = None
    """What other requests showed (the template index); None when the caller has no history."""
    learner: LearnedModel | None = None
    """The user's learned model (kontaktfilter.learning), None until they have one."""
    corpus: CorpusModel | None = None
    """The combiner fitted on real labelled requests (kontaktfilter.scoring.corpus_model)."""
    reading: Reading | None = None
    """For late signals: what the combiner read, with each label's probability."""
    rule_hits: tuple[SignalHit, ...] = ()
    """For late signals: the hits of every other signal."""
    rules_category: Category | None = None
    """For late signals: the category those hits alone give, or, for the user's learner, the
    corpus model's category when it has an opinion."""
    corpus_label: int | None = None
    """The index (in LABELS) of the label the combiner chose, once it spoke: the explanation
    and the learned weights read it rather than choosing again."""

    def shared(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.derived:
            self.derived[key] = compute()
        return self.derived[key]

    def span(self, first: int, last: int) -> Span:
        """Character offsets and text of the token range first..last (inclusive)."""
        note = self.note
        start, end = note.starts[first], note.ends[last]
        return _new(Span, (start, end, note.text[start:end]))  # Span(...) without its frame

    def family(self, name: str) -> list[PhraseMatch]:
        return self.phrases.get(name, [])

    def covered_by(self, families: tuple[str, ...]) -> set[int]:
        """Token indices inside matches of these families (keeps signals from double-firing)."""
        covered: set[int] = set()
        for name in families:
            for match in self.family(name):
                covered.update(range(match.first, match.last + 1))
        return covered
