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

from kontaktfilter.model import PLATFORMS, Action, Category, Request, SignalHit
from kontaktfilter.signals import REGISTRY
from kontaktfilter.signals.registry import is_late
from kontaktfilter.strategy import errors
from kontaktfilter.strategy.errors import StrategyError, at, unknown_key


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
        raise StrategyError(at(where, errors.NAMES))
    unknown = sorted(set(names) - set(REGISTRY))
    if unknown:
        raise StrategyError(at(where, errors.UNKNOWN_SIGNALS, names=", ".join(unknown)))
    return frozenset(names)


def _choices(value: Any, allowed: Sequence[str], where: str) -> frozenset[str]:
    chosen = [value] if isinstance(value, str) else value
    if not isinstance(chosen, list) or not chosen:
        raise StrategyError(at(where, errors.CHOICES, allowed=", ".join(allowed)))
    wrong = [c for c in chosen if c not in allowed]
    if wrong:
        raise StrategyError(
            at(where, errors.NOT_ONE_OF, wrong=wrong[0], allowed=", ".join(allowed))
        )
    return frozenset(chosen)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise StrategyError(at(where, errors.NUMBER, value=value))
    return float(value)


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise StrategyError(at(where, errors.FLAG, value=value))
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
        raise StrategyError(at(rule_where, errors.UNKNOWN_CONDITION, key=key, known=known))
    return builder(value, at(rule_where, errors.WHEN_KEY, key=key))


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
    where = at(source, errors.RULE, number=number)
    if not isinstance(data, Mapping):
        raise StrategyError(at(where, errors.RULE_SHAPE))
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise StrategyError(at(where, errors.NO_NAME))
    where = at(source, errors.NAMED_RULE, number=number, name=name)
    if name in seen:
        raise StrategyError(at(where, errors.NAME_TWICE))
    seen.add(name)
    for key in data:
        if key not in RULE_KEYS:
            raise unknown_key(where, key, RULE_KEYS)
    try:
        action = Action(data.get("action"))
    except ValueError:
        allowed = ", ".join(a.value for a in Action)
        raise StrategyError(
            at(where, errors.ACTION, action=data.get("action"), allowed=allowed)
        ) from None
    when = data.get("when") or {}
    if not isinstance(when, Mapping):
        raise StrategyError(at(where, errors.WHEN))
    checks = tuple(_condition(str(key), value, where) for key, value in when.items())
    why = data.get("why") or {}
    if isinstance(why, str):
        why = {"de": why, "en": why}
    if not isinstance(why, Mapping) or not all(isinstance(v, str) for v in why.values()):
        raise StrategyError(at(where, errors.WHY))
    return Rule(name, action, dict(when), checks, dict(why))


def parse_strategy(data: Any, source: str) -> Strategy:
    """A Strategy from the decoded YAML document; every mistake is a StrategyError."""
    if not isinstance(data, Mapping):
        raise StrategyError(at(source, errors.TOP))
    for key in data:
        if key not in TOP_KEYS:
            raise unknown_key(source, key, TOP_KEYS)
    if data.get("version", 1) != 1:
        raise StrategyError(at(source, errors.VERSION))
    rules_data = data.get("rules")
    if not isinstance(rules_data, list) or not rules_data:
        raise StrategyError(at(source, errors.RULES))
    seen: set[str] = set()
    rules = tuple(_rule(item, n, source, seen) for n, item in enumerate(rules_data, 1))
    days = {}
    for key in ("follow_up_days", "hold_days", "reminder_days"):
        if key in data:
            where = at(source, errors.KEY, key=key)
            value = _number(data[key], where)
            if value <= 0:
                raise StrategyError(at(where, errors.DAYS))
            days[key] = value
    return Strategy(rules, source=source, **days)
