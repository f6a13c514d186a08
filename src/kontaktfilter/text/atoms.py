"""Which lexicon atoms (word, word*, *word, *word*, one typo tolerated) a single token satisfies.

The matcher asks this once per distinct token and remembers the answer, but a note full of words
never seen before (names, typos, rare words) asks for each of them, so a question costs a handful
of dictionary look-ups rather than a test per atom or per prefix length.

A typo never changes a word's first letter (prefixes keep their first two): "meinen" is no typo
of "keinen", nor "machbar" of "Nachbar"; people mistype inside words far more than at the start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from kontaktfilter.text.lexicon import Atom

HEAD = 2
"""Typos are tolerated after the first two letters of a prefix ("Kontake", not "Ontakte"): that
keeps classifying a never-seen word cheap."""
SUFFIX_KEY = 2
FUZZY_MIN_TOKEN = 5
"""Shorter tokens are never read as a typo of a longer word."""


def edit_keys(word: str) -> list[str]:
    """The word and every deletion of one letter: two words share a key when they are within
    one edit (and some transpositions) of each other."""
    return [word] + [word[:i] + word[i + 1 :] for i in range(len(word))]


class AtomIndex:
    """The atoms of a lexicon, indexed by what a token must look like to satisfy them."""

    def __init__(self, atom_ids: Mapping[Atom, int]) -> None:
        exact: dict[str, list[int]] = defaultdict(list)
        prefix: dict[str, list[int]] = defaultdict(list)
        suffix: dict[str, list[tuple[str, int]]] = defaultdict(list)
        short_suffix: list[tuple[str, int]] = []
        infix: list[tuple[str, int]] = []
        fuzzy_exact: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        fuzzy_prefix: dict[str, list[tuple[int, int]]] = defaultdict(list)
        fuzzy_lengths: dict[str, set[int]] = defaultdict(set)
        for atom, atom_id in atom_ids.items():
            word = atom.word
            if atom.kind == "exact":
                exact[word].append(atom_id)
                if atom.fuzzy:
                    for key in edit_keys(word):
                        fuzzy_exact[word[0]][key].append(atom_id)
            elif atom.kind == "prefix":
                prefix[word].append(atom_id)
                if atom.fuzzy:
                    fuzzy_lengths[word[:HEAD]].add(len(word))
                    for key in edit_keys(word):
                        fuzzy_prefix[key].append((len(word), atom_id))
            elif atom.kind == "suffix" and len(word) >= SUFFIX_KEY:
                suffix[word[-SUFFIX_KEY:]].append((word, atom_id))
            elif atom.kind == "suffix":
                short_suffix.append((word, atom_id))
            else:
                infix.append((word, atom_id))
        self._exact = {word: tuple(ids) for word, ids in exact.items()}
        self._shortest_prefix = min(map(len, prefix), default=1)
        self._prefix: dict[str, tuple[int, ...]] = {}
        """Every beginning of a prefix atom's word (from the shortest such word on) with the atoms
        of exactly that word: a token walks it letter by letter and stops at the first beginning
        no atom has, instead of looking up every prefix length."""
        for word in prefix:
            for end in range(self._shortest_prefix, len(word)):
                self._prefix.setdefault(word[:end], ())
        for word, ids in prefix.items():
            self._prefix[word] = tuple(ids)
        self._suffix = {key: tuple(atoms) for key, atoms in suffix.items()}
        """Suffix atoms keyed by their last two letters: a token looks up one short list
        instead of testing every suffix."""
        self._short_suffix = tuple(short_suffix)
        self._infix = tuple(infix)
        self._fuzzy_exact = {
            first: {key: tuple(ids) for key, ids in keys.items()}
            for first, keys in fuzzy_exact.items()
        }
        """Typo keys of the exact atoms (each deletion of one letter, and the word), grouped
        by the word's first letter, which a typo never changes."""
        self._fuzzy_exact_longest = max(
            (len(key) for keys in self._fuzzy_exact.values() for key in keys), default=-1
        )
        """A token longer than every typo key by more than one letter shares none: its own
        keys, which cost the square of its length, are never made (a 40,000-letter word)."""
        self._fuzzy_prefix = {key: tuple(entries) for key, entries in fuzzy_prefix.items()}
        self._fuzzy_cuts: dict[str, tuple[tuple[int, frozenset[int]], ...]] = {}
        """For a token's first letters: each length of its beginning to compare with the fuzzy
        prefixes of the same first letters (their length, one more or one less), with the prefix
        lengths it is compared with; so the keys of one beginning are made once however many
        prefix lengths share it."""
        for head, lengths in fuzzy_lengths.items():
            cuts: dict[int, set[int]] = defaultdict(set)
            for length in lengths:
                for cut in (length - 1, length, length + 1):
                    cuts[cut].add(length)
            self._fuzzy_cuts[head] = tuple(
                (cut, frozenset(cuts[cut])) for cut in sorted(cuts, reverse=True)
            )

    def classify(self, token: str) -> set[int]:
        """The ids of the atoms this token satisfies."""
        found: set[int] = set(self._exact.get(token, ()))
        prefix = self._prefix
        for end in range(self._shortest_prefix, len(token) + 1):
            ids = prefix.get(token[:end])
            if ids is None:
                break
            found.update(ids)
        for word, atom_id in self._suffix.get(token[-SUFFIX_KEY:], ()):
            if token.endswith(word):
                found.add(atom_id)
        for word, atom_id in self._short_suffix:
            if token.endswith(word):
                found.add(atom_id)
        for word, atom_id in self._infix:
            if word in token:
                found.add(atom_id)
        if len(token) >= FUZZY_MIN_TOKEN:
            # The typo keys are intersected with the known keys in one set operation; most words
            # share none, and only shared keys are looked up.
            fuzzy_exact = self._fuzzy_exact.get(token[0])
            if fuzzy_exact is not None and len(token) <= self._fuzzy_exact_longest + 1:
                for key in fuzzy_exact.keys() & edit_keys(token):
                    found.update(fuzzy_exact[key])
            fuzzy_prefix = self._fuzzy_prefix
            for cut, lengths in self._fuzzy_cuts.get(token[:HEAD], ()):
                if len(token) >= cut:
                    for key in fuzzy_prefix.keys() & edit_keys(token[:cut]):
                        for length, atom_id in fuzzy_prefix[key]:
                            if length in lengths:
                                found.add(atom_id)
        return found
