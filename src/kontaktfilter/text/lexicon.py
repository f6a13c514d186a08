"""Phrase families as data: loads lexicons/*.yaml and parses their small pattern language.

A pattern is a sequence of items separated by spaces, matched against folded tokens of a sentence:

    word        the token itself (one typo tolerated in word and word* of 6+ letters, never in
                the first letter, and not at all when the word is the whole pattern: with
                nothing around it to confirm the reading, one typo turns ordinary words into
                others, "machbar" into "Nachbar")
    word*       a token starting with word ("synergie*" finds "Synergieeffekte")
    *word       a token ending with word ("*gewinnung" finds "Kundengewinnung")
    *word*      a token containing word
    =word       the token exactly, no typo tolerance
    a|b*|c      any of the alternatives, each one word
    (a b|c d)   any of the word sequences ("(ganz offen|ehrlich gesagt)"); such a pattern is
                expanded into one pattern per choice when it is loaded
    [a|b]       optional: the item may be absent
    ..  ..N     up to 3 (or N) arbitrary tokens of the same sentence
    {..N}       like ..N, and the skipped tokens are reported as the capture

Words are written naturally ("für", "Grüße") and folded on load like the notes are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from importlib import resources
from itertools import product
from pathlib import Path

import yaml

from kontaktfilter.config import read_shipped_yaml
from kontaktfilter.text.note import fold

DEFAULT_GAP = 3
LEXICON_LANGS = ("de", "en")
"""The shipped lexicons, lexicons/<lang>.yaml."""
_WORD = re.compile(r"^[a-z0-9']+$")
_GAP = re.compile(r"^\.\.(\d*)$")
_CAPTURE = re.compile(r"^\{\.\.(\d+)\}$")
_GROUP_OR_WORD = re.compile(r"\([^()]*\)?|[^\s()]+\)?")
MAX_EXPANSIONS = 64


class LexiconError(ValueError):
    """A lexicon file is malformed; the message names the file, family and pattern."""


@dataclass(frozen=True, slots=True)
class Atom:
    """One way a single token can match."""

    kind: str  # "exact", "prefix", "suffix", "infix"
    word: str
    fuzzy: bool


@dataclass(frozen=True, slots=True)
class Item:
    """One position of a pattern: a set of atoms, or a gap."""

    atoms: tuple[Atom, ...] = ()
    optional: bool = False
    gap: int = 0
    capture: bool = False


@dataclass(frozen=True, slots=True)
class Pattern:
    family: str
    lang: str
    source: str
    items: tuple[Item, ...]


def _parse_atom(alternative: str, where: str) -> Atom:
    fuzzy = True
    if alternative.startswith("="):
        fuzzy, alternative = False, alternative[1:]
    lead, trail = alternative.startswith("*"), alternative.endswith("*")
    word = fold(alternative.strip("*"))
    if not _WORD.match(word):
        raise LexiconError(f"{where}: {alternative!r} is not a word (letters and digits only)")
    kind = {(False, False): "exact", (False, True): "prefix", (True, False): "suffix"}.get(
        (lead, trail), "infix"
    )
    return Atom(kind=kind, word=word, fuzzy=fuzzy and len(word) >= 6)


def expand_groups(source: str, where: str) -> list[str]:
    """The plain patterns a source with (a b|c d) groups stands for."""
    choices: list[list[str]] = []
    for part in _GROUP_OR_WORD.findall(source):
        if part.startswith("("):
            if not part.endswith(")"):
                raise LexiconError(f"{where}: unclosed '(' in {source!r}")
            options = [" ".join(option.split()) for option in part[1:-1].split("|")]
            if not all(options):
                raise LexiconError(f"{where}: empty alternative in {part!r}")
            choices.append(options)
        elif ")" in part:
            raise LexiconError(f"{where}: unopened ')' in {source!r}")
        else:
            choices.append([part])
    expanded = [" ".join(combination) for combination in product(*choices)]
    if len(expanded) > MAX_EXPANSIONS:
        raise LexiconError(f"{where}: {source!r} expands to more than {MAX_EXPANSIONS} patterns")
    return expanded


def parse_patterns(source: str, family: str, lang: str, where: str) -> list[Pattern]:
    """Parse one pattern string, groups expanded; `where` prefixes every error."""
    return [
        replace(parse_pattern(plain, family, lang, where), source=source)
        for plain in expand_groups(source, where)
    ]


def parse_pattern(source: str, family: str, lang: str, where: str) -> Pattern:
    """Parse one plain pattern (no groups); `where` prefixes every error (file, family, index)."""
    items: list[Item] = []
    for raw in source.split():
        if gap := _GAP.match(raw):
            items.append(Item(gap=int(gap.group(1) or DEFAULT_GAP)))
            continue
        if capture := _CAPTURE.match(raw):
            items.append(Item(gap=int(capture.group(1)), capture=True))
            continue
        optional = raw.startswith("[") and raw.endswith("]")
        body = raw[1:-1] if optional else raw
        if not body or "[" in body or "]" in body:
            raise LexiconError(f"{where}: cannot read item {raw!r} in {source!r}")
        atoms = tuple(_parse_atom(alt, where) for alt in body.split("|"))
        items.append(Item(atoms=atoms, optional=optional))
    if not items:
        raise LexiconError(f"{where}: empty pattern")
    first = items[0]
    if first.gap or first.optional:
        raise LexiconError(f"{where}: {source!r} must start with a required word")
    if items[-1].gap and not items[-1].capture:
        raise LexiconError(f"{where}: {source!r} must not end with a gap")
    if sum(item.capture for item in items) > 1:
        raise LexiconError(f"{where}: {source!r} has more than one capture")
    if len(items) == 1:
        items = [replace(first, atoms=tuple(replace(a, fuzzy=False) for a in first.atoms))]
    return Pattern(family=family, lang=lang, source=source, items=tuple(items))


def load_lexicon_file(path: Path | str, text: str | None = None) -> list[Pattern]:
    """Read one lexicon file: `lang: de` and `families: {name: [pattern, ...]}`."""
    name = str(path)
    try:
        data = read_shipped_yaml(text if text is not None else Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LexiconError(f"{name}: cannot read lexicon: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("families"), dict):
        raise LexiconError(f"{name}: expected a mapping with 'lang' and 'families'")
    lang = data.get("lang")
    if lang not in ("de", "en"):
        raise LexiconError(f"{name}: 'lang' must be 'de' or 'en', not {lang!r}")
    patterns: list[Pattern] = []
    for family, sources in data["families"].items():
        if not isinstance(sources, list) or not sources:
            raise LexiconError(f"{name}: family {family!r} must be a non-empty list of patterns")
        for index, source in enumerate(sources):
            where = f"{name}: family {family!r}, pattern {index + 1}"
            if not isinstance(source, str):
                raise LexiconError(f"{where}: must be a string, not {type(source).__name__}")
            patterns.extend(parse_patterns(source, family, lang, where))
    return patterns


def load_builtin_lexicons() -> list[Pattern]:
    """All shipped lexicons (German and English)."""
    patterns: list[Pattern] = []
    folder = resources.files("kontaktfilter") / "lexicons"
    for lang in LEXICON_LANGS:
        entry = folder / f"{lang}.yaml"
        patterns.extend(load_lexicon_file(f"lexicons/{lang}.yaml", entry.read_text("utf-8")))
    return patterns
