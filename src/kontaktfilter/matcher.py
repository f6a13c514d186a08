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
from dataclasses import dataclass

from kontaktfilter.lexicon import Atom, Item, Pattern
from kontaktfilter.note import AnalysedNote

_MEMO_LIMIT = 500_000
_SENTENCE_MEMO_LIMIT = 200_000
HEAD = 2
SUFFIX_KEY = 2
"""Typos are tolerated after the first two letters of a prefix ("Kontake", not "Ontakte"): that
keeps classifying a never-seen word cheap."""
_NOTHING: tuple[frozenset[int], tuple[int, ...], frozenset[int]] = (frozenset(), (), frozenset())
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


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    """One pattern found in a note; token indices are inclusive."""

    family: str
    lang: str
    first: int
    last: int
    capture: tuple[int, int] | None
    pattern: str


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _within_one_edit_keys(word: str) -> set[str]:
    return {word} | _deletions(word)


class PhraseMatcher:
    """Compiled form of a list of patterns."""

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        self.patterns: tuple[Pattern, ...] = tuple(patterns)
        atom_ids: dict[Atom, int] = {}
        for pattern in self.patterns:
            for item in pattern.items:
                for atom in item.atoms:
                    atom_ids.setdefault(atom, len(atom_ids))
        self._atom_ids = atom_ids
        self._items = tuple(
            tuple(
                (frozenset(atom_ids[a] for a in item.atoms), item.optional, item.gap, item.capture)
                for item in pattern.items
            )
            for pattern in self.patterns
        )
        self._keys: dict[int, list[int]] = defaultdict(list)
        for index, pattern in enumerate(self.patterns):
            required = [item for item in pattern.items if item.atoms and not item.optional]
            for atom in min(required, key=_selectivity).atoms:
                self._keys[atom_ids[atom]].append(index)
        self._required = tuple(
            tuple(atoms for atoms, optional, gap, _ in items if atoms and not optional and not gap)
            for items in self._items
        )
        self._anchors: dict[int, list[int]] = defaultdict(list)
        for index, pattern in enumerate(self.patterns):
            for atom in pattern.items[0].atoms:
                self._anchors[atom_ids[atom]].append(index)
        self._exact: dict[str, list[int]] = defaultdict(list)
        self._prefix: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self._affix: list[tuple[Atom, int]] = []
        self._suffix: dict[str, list[tuple[str, int]]] = defaultdict(list)
        """Suffix atoms keyed by their last two letters: a token looks up one short list
        instead of testing every suffix."""
        self._fuzzy_exact: dict[str, list[int]] = defaultdict(list)
        self._fuzzy_prefix: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self._fuzzy_heads: dict[str, set[int]] = defaultdict(set)
        for atom, atom_id in atom_ids.items():
            if atom.kind == "exact":
                self._exact[atom.word].append(atom_id)
                if atom.fuzzy:
                    for key in _within_one_edit_keys(atom.word):
                        self._fuzzy_exact[key].append(atom_id)
            elif atom.kind == "prefix":
                self._prefix[len(atom.word)][atom.word].append(atom_id)
                if atom.fuzzy:
                    self._fuzzy_heads[atom.word[:HEAD]].add(len(atom.word))
                    for key in _within_one_edit_keys(atom.word):
                        self._fuzzy_prefix[len(atom.word)][key].append(atom_id)
            elif atom.kind == "suffix" and len(atom.word) >= SUFFIX_KEY:
                self._suffix[atom.word[-SUFFIX_KEY:]].append((atom.word, atom_id))
            else:
                self._affix.append((atom, atom_id))
        self._memo: dict[str, tuple[frozenset[int], tuple[int, ...], frozenset[int]]] = {}
        self._sentence_memo: dict[tuple[str, ...], tuple] = {}

    def _classify(self, token: str) -> tuple[frozenset[int], tuple[int, ...], frozenset[int]]:
        """Atoms a token satisfies, patterns keyed on it and patterns it may start; computed once
        per distinct token."""
        found: set[int] = set(self._exact.get(token, ()))
        for length, table in self._prefix.items():
            if len(token) >= length:
                found.update(table.get(token[:length], ()))
        for word, atom_id in self._suffix.get(token[-SUFFIX_KEY:], ()):
            if token.endswith(word):
                found.add(atom_id)
        for atom, atom_id in self._affix:
            if (atom.kind == "suffix" and token.endswith(atom.word)) or (
                atom.kind == "infix" and atom.word in token
            ):
                found.add(atom_id)
        if len(token) >= 5:
            for key in _within_one_edit_keys(token):
                found.update(self._fuzzy_exact.get(key, ()))
            for length in self._fuzzy_heads.get(token[:HEAD], ()):
                table = self._fuzzy_prefix[length]
                for cut in (length - 1, length, length + 1):
                    if len(token) >= cut:
                        for key in _within_one_edit_keys(token[:cut]):
                            found.update(table.get(key, ()))
        if not found:
            return _NOTHING
        keyed = sorted({p for atom_id in found for p in self._keys.get(atom_id, ())})
        anchored = frozenset(p for atom_id in found for p in self._anchors.get(atom_id, ()))
        return frozenset(found), tuple(keyed), anchored

    def _lookup(self, token: str) -> tuple[frozenset[int], tuple[int, ...], frozenset[int]]:
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
        and again are matched once, whatever greeting and name surround them."""
        tokens, sentences = note.tokens, note.sentences
        matches: list[PhraseMatch] = []
        start, count = 0, len(tokens)
        while start < count:
            end = bisect_right(sentences, sentences[start], start)
            key = tokens[start:end]
            found = self._sentence_memo.get(key)
            if found is None:
                if len(self._sentence_memo) >= _SENTENCE_MEMO_LIMIT:
                    self._sentence_memo.clear()
                found = self._sentence_memo[key] = self._find_in_sentence(key)
            for pattern_index, first, last, capture in found:
                pattern = self.patterns[pattern_index]
                if capture is not None:
                    capture = (capture[0] + start, capture[1] + start)
                matches.append(
                    PhraseMatch(
                        pattern.family,
                        pattern.lang,
                        first + start,
                        last + start,
                        capture,
                        pattern.source,
                    )
                )
            start = end
        return matches

    def _find_in_sentence(
        self, tokens: tuple[str, ...]
    ) -> tuple[tuple[int, int, int, tuple[int, int] | None], ...]:
        """(pattern, first, last, capture) of every match in one sentence, in token order."""
        memo = self._memo
        entries = [memo.get(token) or self._lookup(token) for token in tokens]
        keyed = {p for _, keys, _ in entries for p in keys}
        if not keyed:
            return ()
        present = frozenset().union(*(atoms for atoms, _, _ in entries))
        candidates = {
            p for p in keyed if all(not req.isdisjoint(present) for req in self._required[p])
        }
        same_sentence = [0] * len(entries)
        found = []
        for start, (_, _, anchored) in enumerate(entries):
            if candidates.isdisjoint(anchored):
                continue
            for pattern_index in sorted(candidates.intersection(anchored)):
                items = self._items[pattern_index]
                result = self._extend(items, 1, start + 1, entries, same_sentence, start)
                if result is not None:
                    found.append((pattern_index, start, result[0], result[1]))
        return tuple(found)

    def _extend(self, items, k, pos, entries, sentences, start):
        """Match items[k:] from token pos; returns (last token, capture) or None."""
        if k == len(items):
            return pos - 1, None
        atoms, optional, gap, capture = items[k]
        sentence = sentences[start]
        count = len(entries)
        if gap:
            if capture and k == len(items) - 1:
                last = pos - 1
                while last + 1 < count and last + 1 < pos + gap and sentences[last + 1] == sentence:
                    last += 1
                return (last, (pos, last)) if last >= pos else (pos - 1, None)
            for skip_to in range(pos, min(pos + gap, count - 1) + 1):
                if skip_to > pos and sentences[skip_to - 1] != sentence:
                    break
                result = self._extend(items, k + 1, skip_to, entries, sentences, start)
                if result is not None:
                    last, inner = result
                    if capture and skip_to > pos:
                        inner = (pos, skip_to - 1)
                    return last, inner
            return None
        if pos < count and sentences[pos] == sentence and not atoms.isdisjoint(entries[pos][0]):
            result = self._extend(items, k + 1, pos + 1, entries, sentences, start)
            if result is not None:
                return result
        if optional:
            return self._extend(items, k + 1, pos, entries, sentences, start)
        return None
