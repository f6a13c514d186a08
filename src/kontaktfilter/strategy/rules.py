"""A strategy: ordered rules over a verdict's facts, first match wins (docs/strategy.md).

A rule has a name, conditions (`when`), an action and a sentence for the policy page (`why`).
Conditions look at the category, the fired signals, the score, the platform, the sender's profile
and history, and the request's age. Errors name the file, the rule and the key, so a typo in the
tenth rule is found in the tenth rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from kontaktfilter.bilingual import Detail, say_with
from kontaktfilter.model import PLATFORMS, Action, Category, Request, SignalHit
from kontaktfilter.signals import REGISTRY
from kontaktfilter.signals.registry import is_late


class StrategyError(ValueError):
    """A strategy file is invalid; the message names the file, the rule and the key, in German
    and English (built with `_at`)."""


def _at(where: str, en: str, de: str, **values: object) -> Detail:
    """`where: problem` in both languages: the place (a file, "rule 3 ('x')", a key) is itself
    bilingual, and the problem's templates are filled with `values`."""
    return say_with("{where}: " + en, "{where}: " + de, where=where, **values)


@dataclass(frozen=True)
class Facts:
    """What a rule may look at."""

    category: Category
    hits: Sequence[SignalHit]
    request: Request
    now: datetime

    @cached_property
    def fired(self) -> frozenset[str]:
        """Names of the signals that fired (computed once, however many rules look)."""
        return frozenset(hit.name for hit in self.hits)


Check = Callable[[Facts], bool]


def _names(value: Any, where: str) -> frozenset[str]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise StrategyError(
            _at(
                where,
                "expected a signal name or a list of them",
                "erwartet einen Signalnamen oder eine Liste davon",
            )
        )
    unknown = sorted(set(names) - set(REGISTRY))
    if unknown:
        raise StrategyError(
            _at(
                where,
                "unknown signal(s) {names}",
                "unbekannte Signale: {names}",
                names=", ".join(unknown),
            )
        )
    return frozenset(names)


def _choices(value: Any, allowed: Sequence[str], where: str) -> frozenset[str]:
    chosen = [value] if isinstance(value, str) else value
    if not isinstance(chosen, list) or not chosen:
        raise StrategyError(
            _at(
                where,
                "expected one of {allowed} or a list of them",
                "erwartet eins von {allowed} oder eine Liste davon",
                allowed=", ".join(allowed),
            )
        )
    wrong = [c for c in chosen if c not in allowed]
    if wrong:
        raise StrategyError(
            _at(
                where,
                "{wrong!r} is not one of {allowed}",
                "{wrong!r} ist nicht eins von {allowed}",
                wrong=wrong[0],
                allowed=", ".join(allowed),
            )
        )
    return frozenset(chosen)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise StrategyError(
            _at(
                where,
                "expected a number, not {value!r}",
                "erwartet eine Zahl, nicht {value!r}",
                value=value,
            )
        )
    return float(value)


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise StrategyError(
            _at(
                where,
                "expected true or false, not {value!r}",
                "erwartet true oder false, nicht {value!r}",
                value=value,
            )
        )
    return value


def _age_days(moment: date | datetime | None, now: datetime) -> float | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        if moment.tzinfo is not None and now.tzinfo is None:
            moment = moment.replace(tzinfo=None)
        return (now - moment).total_seconds() / 86_400
    return (now.date() - moment).days


ConditionBuilder = Callable[[Any, str], Check]
CONDITIONS: dict[str, ConditionBuilder] = {}
"""Condition key -> builder: reads the key's value from the strategy (raising StrategyError that
names `where`) and returns the check on a rule's Facts. Filled by @condition below."""


def condition(*keys: str) -> Callable[[ConditionBuilder], ConditionBuilder]:
    """Registers a builder for one or more condition keys (ARCHITECTURE.md, "Add a strategy
    condition")."""

    def decorate(builder: ConditionBuilder) -> ConditionBuilder:
        for key in keys:
            if key in CONDITIONS:
                raise ValueError(f"condition {key!r} is registered twice")
            CONDITIONS[key] = builder
        return builder

    return decorate


def _condition(key: str, value: Any, rule_where: str) -> Check:
    """One condition of a rule's `when`, checked when the strategy is read."""
    builder = CONDITIONS.get(key)
    if builder is None:
        known = ", ".join(CONDITIONS)
        raise StrategyError(
            _at(
                rule_where,
                "unknown condition {key!r} (known: {known})",
                "unbekannte Bedingung {key!r} (bekannt: {known})",
                key=key,
                known=known,
            )
        )
    return builder(value, _at(rule_where, "key 'when.{key}'", "Schlüssel 'when.{key}'", key=key))


@condition("category")
def _category(value: Any, where: str) -> Check:
    wanted = _choices(value, [c.value for c in Category], where)
    return lambda f: f.category.value in wanted


@condition("signals_any")
def _signals_any(value: Any, where: str) -> Check:
    names = _names(value, where)
    return lambda f: bool(names & f.fired)


@condition("signals_all")
def _signals_all(value: Any, where: str) -> Check:
    names = _names(value, where)
    return lambda f: names <= f.fired


@condition("signals_none")
def _signals_none(value: Any, where: str) -> Check:
    names = _names(value, where)
    return lambda f: not names & f.fired


@condition("signals_only")
def _signals_only(value: Any, where: str) -> Check:
    """About the note: the learned judgement is not part of it."""
    names = _names(value, where)
    return lambda f: bool(note := {n for n in f.fired if not is_late(n)}) and note <= names


@condition("signals_weak")
def _signals_weak(value: Any, where: str) -> Check:
    names = _names(value, where)
    return lambda f: any(h.name in names and h.strength < 1.0 for h in f.hits)


@condition("score_min")
def _score_min(value: Any, where: str) -> Check:
    limit = _number(value, where)
    return lambda f: sum(h.score for h in f.hits) >= limit


@condition("score_max")
def _score_max(value: Any, where: str) -> Check:
    limit = _number(value, where)
    return lambda f: sum(h.score for h in f.hits) <= limit


@condition("platform")
def _platform(value: Any, where: str) -> Check:
    platforms = _choices(value, PLATFORMS, where)
    return lambda f: f.request.platform in platforms


@condition("note_empty")
def _note_empty(value: Any, where: str) -> Check:
    empty = _flag(value, where)
    return lambda f: (not f.request.text.strip()) == empty


@condition("age_days_min")
def _age_days_min(value: Any, where: str) -> Check:
    days = _number(value, where)
    return lambda f: (_age_days(f.request.sent_at, f.now) or 0.0) >= days


@condition("sender_contacts_min")
def _sender_contacts_min(value: Any, where: str) -> Check:
    count = _number(value, where)
    return lambda f: (f.request.sender.contacts or 0) >= count


@condition("sender_profile_age_days_max")
def _sender_profile_age_days_max(value: Any, where: str) -> Check:
    days = _number(value, where)

    def young(f: Facts) -> bool:
        age = _age_days(f.request.sender.created, f.now)
        return age is not None and age <= days

    return young


@condition("sender_membership")
def _sender_membership(value: Any, where: str) -> Check:
    kinds = _choices(value, ["basic", "premium"], where)
    return lambda f: f.request.sender.membership in kinds


HISTORY_CONDITIONS = {
    "history_requests_min": "requests",
    "history_withdrawn_min": "withdrawn_within_7_days",
    "history_unanswered_min": "unanswered_questions",
}
"""Condition key -> the SenderHistory count it sets a minimum for."""


def _history_minimum(attribute: str) -> ConditionBuilder:
    def build(value: Any, where: str) -> Check:
        count = _number(value, where)
        return lambda f: getattr(f.request.sender_history, attribute) >= count

    return build


for _key, _attribute in HISTORY_CONDITIONS.items():
    condition(_key)(_history_minimum(_attribute))


RULE_KEYS = ("name", "when", "action", "why")
TOP_KEYS = ("version", "follow_up_days", "hold_days", "reminder_days", "rules")


@dataclass(frozen=True)
class Rule:
    name: str
    action: Action
    when: Mapping[str, Any]
    checks: tuple[Check, ...]
    why: Mapping[str, str] = field(default_factory=dict)

    def matches(self, facts: Facts) -> bool:
        return all(check(facts) for check in self.checks)

    def admits(self, category: Category) -> bool:
        """Whether the rule's `category` condition (if any) lets this category through."""
        wanted = self.when.get("category")
        return wanted is None or category.value in ([wanted] if isinstance(wanted, str) else wanted)

    def first_failing(self, facts: Facts) -> str | None:
        """The first condition key that does not hold (None when the rule matches)."""
        for key, check in zip(self.when, self.checks, strict=True):
            if not check(facts):
                return key
        return None


@dataclass(frozen=True)
class Strategy:
    rules: tuple[Rule, ...]
    follow_up_days: float = 7.0
    hold_days: float = 7.0
    reminder_days: float = 14.0
    source: str = "default"

    def first_match(self, facts: Facts) -> Rule | None:
        for rule in self._rules_for.get(facts.category, self.rules):
            if rule.matches(facts):
                return rule
        return None

    @cached_property
    def _rules_for(self) -> dict[Category, tuple[Rule, ...]]:
        """Per category, the rules that may match it, in order: most rules name a category, and
        one that names another cannot match, so it is not tried."""
        return {c: tuple(rule for rule in self.rules if rule.admits(c)) for c in Category}


def _rule(data: Any, number: int, source: str, seen: set[str]) -> Rule:
    where = _at(source, "rule {number}", "Regel {number}", number=number)
    if not isinstance(data, Mapping):
        raise StrategyError(
            _at(
                where,
                "expected a mapping with name, when and action",
                "erwartet eine Zuordnung mit name, when und action",
            )
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise StrategyError(
            _at(where, "key 'name' is missing or empty", "Schlüssel 'name' fehlt oder ist leer")
        )
    where = _at(
        source, "rule {number} ({name!r})", "Regel {number} ({name!r})", number=number, name=name
    )
    if name in seen:
        raise StrategyError(
            _at(
                where,
                "key 'name': another rule has this name",
                "Schlüssel 'name': eine andere Regel hat diesen Namen",
            )
        )
    seen.add(name)
    for key in data:
        if key not in RULE_KEYS:
            raise StrategyError(_unknown_key(where, key, RULE_KEYS))
    try:
        action = Action(data.get("action"))
    except ValueError:
        allowed = ", ".join(a.value for a in Action)
        raise StrategyError(
            _at(
                where,
                "key 'action': {action!r} is not one of {allowed}",
                "Schlüssel 'action': {action!r} ist nicht eins von {allowed}",
                action=data.get("action"),
                allowed=allowed,
            )
        ) from None
    when = data.get("when") or {}
    if not isinstance(when, Mapping):
        raise StrategyError(
            _at(
                where,
                "key 'when': expected a mapping of conditions",
                "Schlüssel 'when': erwartet eine Zuordnung von Bedingungen",
            )
        )
    checks = tuple(_condition(str(key), value, where) for key, value in when.items())
    why = data.get("why") or {}
    if isinstance(why, str):
        why = {"de": why, "en": why}
    if not isinstance(why, Mapping) or not all(isinstance(v, str) for v in why.values()):
        raise StrategyError(
            _at(
                where,
                "key 'why': expected a text or {{de: ..., en: ...}}",
                "Schlüssel 'why': erwartet einen Text oder {{de: ..., en: ...}}",
            )
        )
    return Rule(name, action, dict(when), checks, dict(why))


def _unknown_key(where: str, key: object, known: Sequence[str]) -> Detail:
    return _at(
        where,
        "unknown key {key!r} (known: {known})",
        "unbekannter Schlüssel {key!r} (bekannt: {known})",
        key=key,
        known=", ".join(known),
    )


def parse_strategy(data: Any, source: str) -> Strategy:
    """A Strategy from the decoded YAML document; every mistake is a StrategyError."""
    if not isinstance(data, Mapping):
        raise StrategyError(
            _at(source, "expected a mapping with 'rules'", "erwartet eine Zuordnung mit 'rules'")
        )
    for key in data:
        if key not in TOP_KEYS:
            raise StrategyError(_unknown_key(source, key, TOP_KEYS))
    if data.get("version", 1) != 1:
        raise StrategyError(
            _at(
                source,
                "key 'version': only version 1 exists",
                "Schlüssel 'version': es gibt nur Version 1",
            )
        )
    rules_data = data.get("rules")
    if not isinstance(rules_data, list) or not rules_data:
        raise StrategyError(
            _at(
                source,
                "key 'rules': expected a non-empty list of rules",
                "Schlüssel 'rules': erwartet eine nicht leere Liste von Regeln",
            )
        )
    seen: set[str] = set()
    rules = tuple(_rule(item, n, source, seen) for n, item in enumerate(rules_data, 1))
    days = {}
    for key in ("follow_up_days", "hold_days", "reminder_days"):
        if key in data:
            where = _at(source, "key {key!r}", "Schlüssel {key!r}", key=key)
            value = _number(data[key], where)
            if value <= 0:
                raise StrategyError(
                    _at(where, "must be more than 0 days", "muss mehr als 0 Tage sein")
                )
            days[key] = value
    return Strategy(rules, source=source, **days)
