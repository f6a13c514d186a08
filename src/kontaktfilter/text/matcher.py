"""Runs every phrase pattern over a note in one pass over its tokens.

Each distinct token is classified once (which atoms it satisfies) and remembered. Every pattern is
keyed on its most selective required word ("synergie*", not "ich"), so a note only costs a
dictionary look-up per token plus verifying the few patterns whose key word occurs in it. That is
what keeps scoring far below a millisecond even with hundreds of patterns.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from kontaktfilter.text.atoms import AtomIndex
from kontaktfilter.text.lexicon import Atom, Item, Pattern
from kontaktfilter.text.note import AnalysedNote

_MEMO_LIMIT = 500_000
_SENTENCE_MEMO_LIMIT = 200_000
_KINDS_LIMIT = 100_000
_Entry = tuple[frozenset[int], tuple[int, ...], frozenset[int], frozenset[int]]
"""What a token is to the matcher: atoms it satisfies, patterns keyed on it, patterns it may
start, required positions it fills. Tokens that satisfy the same atoms are of one kind and share
one entry: the matcher cannot tell them apart."""
_Found = tuple[str, str, str, int, int, tuple[int, int] | None]
"""A match in a sentence: family, lang, source, first and last token, capture."""
_Step = tuple[frozenset[int], bool, int, bool, frozenset[int] | None]
_NOTHING: _Entry = (frozenset(), (), frozenset(), frozenset())
"""The kind of most tokens: names, rare words and words never seen satisfy no atom."""
COMMON_WORDS = frozenset(
    "ich sie wir du dich ihr ihre ihnen ihren mein meine meinen mich uns und der die das den dem "
    "zu in im mit fuer auf von ist bin sind hat haben habe wie gerne gern sehr auch ein eine "
    "i you we my your our me us the a an to in on of for with is are be have and it that this "
    "would like love".split()
)
"""Words too frequent to key a pattern on: verifying every pattern that starts with "ich" is what
made a first version three times slower."""


def _selectivity(item: Item) -> tuple[int, int, int]:
    """Lower is more selective: few common words, few alternatives, long words."""
    common = sum(atom.word in COMMON_WORDS or len(atom.word) <= 2 for atom in item.atoms)
    return common, len(item.atoms), -min(len(atom.word) for atom in item.atoms)


class PhraseMatch(NamedTuple):
    """One pattern found in a note; token indices are inclusive. A named tuple, not a frozen
    dataclass: every request creates several, and tuples construct three times faster."""

    family: str
    lang: str
    first: int
    last: int
    capture: tuple[int, int] | None
    pattern: str


class PhraseMatcher:
    """Compiled form of a list of patterns."""

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        patterns = tuple(patterns)
        self._labels = tuple((p.family, p.lang, p.source) for p in patterns)
        """Per pattern, what a match reports (family, lang, source): the patterns themselves are
        not kept, so a compiled matcher pickles small and loads fast (text.lexicon_cache)."""
        atom_ids: dict[Atom, int] = {}
        for pattern in patterns:
            for item in pattern.items:
                for atom in item.atoms:
                    atom_ids.setdefault(atom, len(atom_ids))
        self._index = AtomIndex(atom_ids)
        self._items = tuple(_steps(pattern, atom_ids) for pattern in patterns)
        self._keys: dict[int, list[int]] = defaultdict(list)
        for index, pattern in enumerate(patterns):
            required = [item for item in pattern.items if item.atoms and not item.optional]
            for atom in min(required, key=_selectivity).atoms:
                self._keys[atom_ids[atom]].append(index)
        required_ids: dict[frozenset[int], int] = {}
        self._required = tuple(
            frozenset(
                required_ids.setdefault(atoms, len(required_ids))
                for atoms, optional, gap, _, _ in items
                if atoms and not optional and not gap
            )
            for items in self._items
        )
        """Per pattern, the ids of its required positions (a set of atoms each, shared between
        patterns): a pattern is worth verifying only when the sentence satisfies all of them."""
        self._satisfies: dict[int, list[int]] = defaultdict(list)
        for atoms, required_id in required_ids.items():
            for atom_id in atoms:
                self._satisfies[atom_id].append(required_id)
        self._anchors: dict[int, list[int]] = defaultdict(list)
        for index, pattern in enumerate(patterns):
            for atom in pattern.items[0].atoms:
                self._anchors[atom_ids[atom]].append(index)
        self._memo: dict[str, _Entry] = {}
        self._kinds: dict[frozenset[int], _Entry] = {}
        """Per set of atoms: the one entry of every token that satisfies exactly these."""
        self._sentence_memo: dict[tuple[str, ...], tuple[_Found, ...]] = {}
        self._shape_memo: dict[tuple[frozenset[int], ...], tuple[_Found, ...]] = {}
        """Matches per sentence shape (the atoms each token satisfies): a sentence never seen
        whose words differ from one seen only in names, numbers or words no pattern knows has
        the same matches at the same positions. Keyed by the atom sets themselves, not by
        numbers handed out, so scoring in several threads cannot give two kinds one key."""

    def _classify(self, token: str) -> _Entry:
        """Atoms a token satisfies, patterns keyed on it, patterns it may start and required
        positions it fills; computed once per distinct token and once per kind."""
        found = frozenset(self._index.classify(token))
        if not found:
            return _NOTHING
        entry = self._kinds.get(found)
        if entry is None:
            if len(self._kinds) >= _KINDS_LIMIT:
                self._kinds.clear()
            keyed = sorted({p for atom_id in found for p in self._keys.get(atom_id, ())})
            anchored = frozenset(p for atom_id in found for p in self._anchors.get(atom_id, ()))
            fills = frozenset(r for atom_id in found for r in self._satisfies.get(atom_id, ()))
            entry = self._kinds[found] = (found, tuple(keyed), anchored, fills)
        return entry

    def _lookup(self, token: str) -> _Entry:
        entry = self._memo.get(token)
        if entry is None:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            entry = self._memo[token] = self._classify(token)
        return entry

    def find(self, note: AnalysedNote) -> list[PhraseMatch]:
        """Every pattern occurrence in the note, at most one per pattern and start token.

        No pattern reaches across a sentence end, so each sentence is matched on its own and the
        result remembered: the stock sentences that collectors and automation tools send again
        and again are matched once, whatever greeting and name surround them; a sentence never
        met whose tokens are of the same kinds as one met before (only names, numbers or words
        no pattern knows differ) takes that one's matches."""
        tokens, sentences = note.tokens, note.sentences
        matches: list[PhraseMatch] = []
        new = tuple.__new__  # a PhraseMatch without the Python frame of PhraseMatch(...) or _make
        start, count = 0, len(tokens)
        while start < count:
            end = bisect_right(sentences, sentences[start], start)
            key = tokens[start:end]
            found = self._sentence_memo.get(key)
            if found is None:
                if len(self._sentence_memo) >= _SENTENCE_MEMO_LIMIT:
                    self._sentence_memo.clear()
                found = self._sentence_memo[key] = self._match_sentence(key)
            for family, lang, source, first, last, capture in found:
                if capture is not None:
                    capture = (capture[0] + start, capture[1] + start)
                match = (family, lang, first + start, last + start, capture, source)
                matches.append(new(PhraseMatch, match))
            start = end
        return matches

    def _match_sentence(self, tokens: tuple[str, ...]) -> tuple[_Found, ...]:
        """The matches of a sentence not met before, from those of its shape when that was."""
        memo = self._memo
        entries = [memo.get(token) or self._lookup(token) for token in tokens]
        shape = tuple([entry[0] for entry in entries])
        found = self._shape_memo.get(shape)
        if found is None:
            if len(self._shape_memo) >= _SENTENCE_MEMO_LIMIT:
                self._shape_memo.clear()
            found = self._shape_memo[shape] = self._find_in_sentence(entries)
        return found

    def _find_in_sentence(self, entries: list[_Entry]) -> tuple[_Found, ...]:
        """(family, lang, source, first, last, capture) of every match in one sentence (the
        entry of each token), in token order."""
        atoms, keys, anchors, fills = zip(*entries, strict=True)
        keyed = set().union(*keys)
        if not keyed:
            return ()
        present = frozenset().union(*fills)
        required = self._required
        candidates = {p for p in keyed if required[p] <= present}
        if not candidates:
            return ()
        found = []
        for start, anchored in enumerate(anchors):
            if candidates.isdisjoint(anchored):
                continue
            for pattern_index in sorted(candidates.intersection(anchored)):
                result = self._extend(self._items[pattern_index], 1, start + 1, atoms)
                if result is not None:
                    family, lang, source = self._labels[pattern_index]
                    found.append((family, lang, source, start, result[0], result[1]))
        return tuple(found)

    def _extend(
        self, steps: tuple[_Step, ...], k: int, pos: int, atoms: tuple[frozenset[int], ...]
    ) -> tuple[int, tuple[int, int] | None] | None:
        """Match steps[k:] from token pos of the sentence; returns (last token, capture) or None.
        A gap tries the shortest skip first; an optional item is tried present first."""
        if k == len(steps):
            return pos - 1, None
        wanted, optional, gap, capture, then = steps[k]
        count = len(atoms)
        if gap:
            if capture and k == len(steps) - 1:
                last = min(pos + gap, count) - 1
                return (last, (pos, last)) if last >= pos else (pos - 1, None)
            for skip_to in range(pos, min(pos + gap, count - 1) + 1):
                if then is not None and then.isdisjoint(atoms[skip_to]):
                    continue  # the required word after the gap is not here
                result = self._extend(steps, k + 1, skip_to, atoms)
                if result is not None:
                    last, inner = result
                    if capture and skip_to > pos:
                        inner = (pos, skip_to - 1)
                    return last, inner
            return None
        if pos < count and not wanted.isdisjoint(atoms[pos]):
            result = self._extend(steps, k + 1, pos + 1, atoms)
            if result is not None:
                return result
        if optional:
            return self._extend(steps, k + 1, pos, atoms)
        return None


def _steps(pattern: Pattern, atom_ids: dict[Atom, int]) -> tuple[_Step, ...]:
    """A pattern's items as (atom ids, optional, gap, capture, then): `then`, on a gap followed by
    a required word, is that word's atom ids, so a skip that cannot reach it is not tried."""
    steps = []
    for k, item in enumerate(pattern.items):
        after = pattern.items[k + 1] if k + 1 < len(pattern.items) else None
        then = None
        if item.gap and after is not None and after.atoms and not after.optional:
            then = frozenset(atom_ids[a] for a in after.atoms)
        atoms = frozenset(atom_ids[a] for a in item.atoms)
        steps.append((atoms, item.optional, item.gap, item.capture, then))
    return tuple(steps)
