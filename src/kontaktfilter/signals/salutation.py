"""Salutation signals: is the recipient greeted by their own name and form of address?

Seed 000 warns of the wrong name or the wrong Herr/Frau: a note written for someone else, or by a
tool that filled in the wrong field. A nickname ("Hi Hannes") or a familiar form is no mismatch.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from kontaktfilter.model import Hit, Request, say
from kontaktfilter.signals.context import (
    Context,
)
from kontaktfilter.signals.registry import register
from kontaktfilter.text.note import AnalysedNote, analyse, fold

GREETING_WORDS = frozenset(
    fold(word)
    for word in (
        "hallo hello hi hey dear liebe lieber geehrte geehrter geehrt moin servus servas grüß "
        "griaß gott grüezi gruezi grüessech hoi sali salü tach gude guten good morning afternoon "
        "evening morgen abend tag greetings hallöchen"
    ).split()
)
"""Opening words, time-of-day and regional greetings included: in "Guten Morgen Frau Krüger" or
"Grüß Gott Herr Hofer" the name is the word after the title, never "Morgen" or "Gott". Written
naturally and folded like the notes' words ("Grüezi" is "grueezi")."""
GREETING_OBJECTS = frozenset("eana enk di god".split())
"""Words that may follow a regional greeting word and are still the greeting, never a name:
"Griaß Eana Frau Huber", "Griaß di Florian", "Griaß God"."""
TITLES = {"herr": "m", "herrn": "m", "mr": "m", "frau": "f", "mrs": "f", "ms": "f", "miss": "f"}
ACADEMIC_TITLES = frozenset({"dr", "prof", "professor", "mag", "dipl", "ing"})
NOT_NAMES = frozenset(
    "team zusammen leute all everyone there community netzwerker kollegen kolleginnen allerseits "
    "xing linkedin sir madam friends freunde "
    "ich wir sie ihr ihre ihren ihrem ihnen du dein deine mein meine unser unsere euer eure "
    "i we you your my our gruesse gruss regards wishes".split()
)
"""Pronouns and closing words are never names: "Guten Tag, Ihre Kanzlei ..." and "Liebe Grüße"
have no name in them."""
UNTITLED_NAME_STRENGTH = 0.6
"""A first-name greeting may use a nickname ("Hi Hannes"), so a mismatch there counts less."""
MIN_NOTE_TOKENS_FOR_FORM = 3


class Greeting(NamedTuple):
    """The opening salutation: token range, Herr/Frau as "m"/"f", the names written."""

    first: int
    last: int
    gender: str | None
    names: tuple[str, ...]


def find_greeting(note: AnalysedNote) -> Greeting | None:
    """The opening salutation ("Sehr geehrter Herr Kilian", "Hi Anna"), if the note has one."""
    tokens, text = note.tokens, note.text
    if tokens and tokens[0] in GREETING_WORDS:
        start = 0
    elif len(tokens) > 1 and tokens[0] == "sehr" and tokens[1] in GREETING_WORDS:
        start = 1
    else:
        return None
    position = start + 1
    while position < len(tokens) and (
        tokens[position] in GREETING_WORDS or tokens[position] in GREETING_OBJECTS
    ):
        position += 1
    if _comma_before(note, position) and (
        position >= len(tokens) or tokens[position] not in TITLES
    ):
        return Greeting(start, position - 1, None, ())
    gender = None
    if position < len(tokens) and tokens[position] in TITLES:
        gender = TITLES[tokens[position]]
        position += 1
    while position < len(tokens) and tokens[position] in ACADEMIC_TITLES:
        position += 1
    names: list[str] = []
    while (
        position < len(tokens)
        and len(names) < 2
        and note.sentences[position] == note.sentences[start]
        and text[note.starts[position]].isupper()
        and tokens[position] not in GREETING_WORDS
        and tokens[position] not in NOT_NAMES
    ):
        names.append(tokens[position])
        position += 1
        if text[note.ends[position - 1] : note.ends[position - 1] + 1] == ",":
            break
    return Greeting(start, max(position - 1, start), gender, tuple(names))


def _comma_before(note: AnalysedNote, position: int) -> bool:
    """A comma closes the greeting ("Guten Tag, Kontaktanfrage.", "Hi, I'd like ..."): the word
    after it starts the message and is no name, unless a title follows ("Guten Tag, Frau X")."""
    if position == 0 or position > len(note.tokens):
        return False
    end = note.ends[position - 1]
    return note.text[end : end + 1] == ","


def greeting_of(ctx: Context) -> Greeting | None:
    return ctx.shared("greeting", lambda: find_greeting(ctx.note))


@lru_cache(maxsize=16_384)
def greeted_by_name(written: tuple[str, ...], recipient: str, titled: bool) -> bool:
    """Whether a name written in the greeting is the recipient's: one typo allowed, and without
    Herr/Frau a short or pet form. Remembered (bounded): the same few recipient names meet the
    same greetings again and again."""
    actual = set(analyse(recipient).tokens)  # as the note is split: "Okonkwo-Hansen" is two
    return any(
        _same_name(n, a) or (not titled and _familiar_form(n, a)) for n in written for a in actual
    )


def _same_name(written: str, actual: str) -> bool:
    """Names match allowing one typo in names of five letters or more."""
    if not actual:
        return False
    if written == actual:
        return True
    if len(actual) < 5 or abs(len(written) - len(actual)) > 1:
        return False
    shorter, longer = sorted((written, actual), key=len)
    if len(shorter) == len(longer):
        return sum(a != b for a, b in zip(shorter, longer, strict=True)) <= 1
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


PET_ENDINGS = ("chen", "erl", "ie", "y", "i")
"""Endings of German and English pet forms: Kathi, Gracie, Gally, Hannerl."""
MIN_NAME_STEM = 3


def parse_nicknames(text: str) -> frozenset[tuple[str, str]]:
    """(nickname, full name) pairs of a nicknames file (data/nicknames.txt), folded."""
    pairs = set()
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            full, colon, nicknames = line.partition(":")
            if not colon or not full.strip() or not nicknames.split():
                raise ValueError(f"data/nicknames.txt:{number}: expected 'name: nickname ...'")
            pairs.update((fold(nick), fold(full.strip())) for nick in nicknames.split())
    return frozenset(pairs)


NICKNAMES = parse_nicknames(
    resources.files("kontaktfilter").joinpath("data/nicknames.txt").read_text("utf-8")
)


def _familiar_form(written: str, actual: str) -> bool:
    """A short or pet form of the name ("Kathi" for Katharina, "Rik" for Henrik, "Janni" for
    Jana), or a listed nickname ("Fritz" for Friedrich): friends greet that way, so without
    Herr/Frau it is no wrong name. The stem, without a pet ending or a doubled last letter, must
    be part of the real name and shorter than it."""
    if (written, actual) in NICKNAMES:
        return True
    stems = {written} | {written[: -len(e)] for e in PET_ENDINGS if written.endswith(e)}
    stems |= {stem[:-1] for stem in stems if len(stem) > 1 and stem[-1] == stem[-2]}
    return any(MIN_NAME_STEM <= len(stem) < len(actual) and stem in actual for stem in stems)


@register(
    "PERS_SALUTATION_MISMATCH",
    2.5,
    "generic",
    "Greets the recipient with the wrong name or the wrong Herr/Frau",
    "Spricht den Empfänger mit falschem Namen oder falscher Anrede (Herr/Frau) an",
)
def salutation_mismatch(request: Request, ctx: Context) -> list[Hit]:
    """A wrong name marks a mass mailing, but alone it shows no intent to collect: beside the
    default text it stays generic (decline with the policy page); beside a pretext the pretext
    makes the collector (docs/data-format.md)."""
    greeting = greeting_of(ctx)
    recipient = request.recipient
    if greeting is None or not recipient.name:
        return []
    problems: list[tuple[str, str]] = []
    strength = 0.0
    if greeting.gender and recipient.gender in ("m", "f") and greeting.gender != recipient.gender:
        problems.append(("wrong form of address", "falsche Anrede"))
        strength = 1.0
    if greeting.names and not greeted_by_name(
        greeting.names, recipient.name, bool(greeting.gender)
    ):
        problems.append(("wrong name", "falscher Name"))
        strength = max(strength, 1.0 if greeting.gender else UNTITLED_NAME_STRENGTH)
    if problems:
        english, german = (", ".join(words) for words in zip(*problems, strict=True))
        return [Hit(strength, (ctx.span(greeting.first, greeting.last),), say(english, german))]
    return []


@register(
    "PERS_NO_SALUTATION",
    0.5,
    "form",
    "Has no salutation at all",
    "Enthält keine Anrede",
)
def no_salutation(request: Request, ctx: Context) -> list[Hit]:
    if len(ctx.note.tokens) >= MIN_NOTE_TOKENS_FOR_FORM and greeting_of(ctx) is None:
        return [Hit(1.0, (), say("no salutation", "keine Anrede"))]
    return []
