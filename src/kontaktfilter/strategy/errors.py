"""The mistakes a strategy file can hold, worded in German and English: the error names the
file, the rule and the key (each itself said in both languages), and the command line and the
API show the reader's language. Kept apart from the rules so the wording reads as one text."""

from __future__ import annotations

from collections.abc import Sequence

from kontaktfilter.bilingual import Detail, say_with


class StrategyError(ValueError):
    """A strategy file is invalid; the message names the file, the rule and the key."""


Wording = tuple[str, str]
"""A message's English and German templates, filled by `at` (str.format placeholders)."""

RULE: Wording = ("rule {number}", "Regel {number}")
NAMED_RULE: Wording = ("rule {number} ({name!r})", "Regel {number} ({name!r})")
KEY: Wording = ("key {key!r}", "Schlüssel {key!r}")
WHEN_KEY: Wording = ("key 'when.{key}'", "Schlüssel 'when.{key}'")
NAMES: Wording = (
    "expected a signal name or a list of them",
    "erwartet einen Signalnamen oder eine Liste davon",
)
UNKNOWN_SIGNALS: Wording = ("unknown signal(s) {names}", "unbekannte Signale: {names}")
CHOICES: Wording = (
    "expected one of {allowed} or a list of them",
    "erwartet eins von {allowed} oder eine Liste davon",
)
NOT_ONE_OF: Wording = (
    "{wrong!r} is not one of {allowed}",
    "{wrong!r} ist nicht eins von {allowed}",
)
NUMBER: Wording = ("expected a number, not {value!r}", "erwartet eine Zahl, nicht {value!r}")
FLAG: Wording = (
    "expected true or false, not {value!r}",
    "erwartet true oder false, nicht {value!r}",
)
UNKNOWN_CONDITION: Wording = (
    "unknown condition {key!r} (known: {known})",
    "unbekannte Bedingung {key!r} (bekannt: {known})",
)
UNKNOWN_KEY: Wording = (
    "unknown key {key!r} (known: {known})",
    "unbekannter Schlüssel {key!r} (bekannt: {known})",
)
RULE_SHAPE: Wording = (
    "expected a mapping with name, when and action",
    "erwartet eine Zuordnung mit name, when und action",
)
NO_NAME: Wording = ("key 'name' is missing or empty", "Schlüssel 'name' fehlt oder ist leer")
NAME_TWICE: Wording = (
    "key 'name': another rule has this name",
    "Schlüssel 'name': eine andere Regel hat diesen Namen",
)
ACTION: Wording = (
    "key 'action': {action!r} is not one of {allowed}",
    "Schlüssel 'action': {action!r} ist nicht eins von {allowed}",
)
WHEN: Wording = (
    "key 'when': expected a mapping of conditions",
    "Schlüssel 'when': erwartet eine Zuordnung von Bedingungen",
)
WHY: Wording = (
    "key 'why': expected a text or {{de: ..., en: ...}}",
    "Schlüssel 'why': erwartet einen Text oder {{de: ..., en: ...}}",
)
TOP: Wording = ("expected a mapping with 'rules'", "erwartet eine Zuordnung mit 'rules'")
VERSION: Wording = (
    "key 'version': only version 1 exists",
    "Schlüssel 'version': es gibt nur Version 1",
)
RULES: Wording = (
    "key 'rules': expected a non-empty list of rules",
    "Schlüssel 'rules': erwartet eine nicht leere Liste von Regeln",
)
DAYS: Wording = ("must be more than 0 days", "muss mehr als 0 Tage sein")


def at(where: str, wording: Wording, **values: object) -> Detail:
    """`where: message` in both languages; `where` (a file, a rule, a key) may itself be a
    bilingual text built by `at`."""
    en, de = wording
    return say_with("{where}: " + en, "{where}: " + de, where=where, **values)


def unknown_key(where: str, key: object, known: Sequence[str]) -> StrategyError:
    return StrategyError(at(where, UNKNOWN_KEY, key=key, known=", ".join(known)))
