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


class StrategyError(ValueError):
    """A strategy file is invalid; the message names the file, the rule and the key."""


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
        raise StrategyError(f"{where}: expected a signal name or a list of them")
    unknown = sorted(set(names) - set(REGISTRY))
    if unknown:
        raise StrategyError(f"{where}: unknown signal(s) {', '.join(unknown)}")
    return frozenset(names)


def _choices(value: Any, allowed: Sequence[str], where: str) -> frozenset[str]:
    chosen = [value] if isinstance(value, str) else value
    if not isinstance(chosen, list) or not chosen:
        raise StrategyError(f"{where}: expected one of {', '.join(allowed)} or a list of them")
    wrong = [c for c in chosen if c not in allowed]
    if wrong:
        raise StrategyError(f"{where}: {wrong[0]!r} is not one of {', '.join(allowed)}")
    return frozenset(chosen)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise StrategyError(f"{where}: expected a number, not {value!r}")
    return float(value)


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise StrategyError(f"{where}: expected true or false, not {value!r}")
    return value


def _age_days(moment: date | datetime | None, now: datetime) -> float | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        if moment.tzinfo is not None and now.tzinfo is None:
            moment = moment.replace(tzinfo=None)
        return (now - moment).total_seconds() / 86_400
    return (now.date() - moment).days


def _condition(key: str, value: Any, rule_where: str) -> Check:
    """One condition of a rule's `when`, checked when the strategy is read."""
    where = f"{rule_where}: key 'when.{key}'"
    if key == "category":
        wanted = _choices(value, [c.value for c in Category], where)
        return lambda f: f.category.value in wanted
    if key == "signals_any":
        names = _names(value, where)
        return lambda f: bool(names & f.fired)
    if key == "signals_all":
        names = _names(value, where)
        return lambda f: names <= f.fired
    if key == "signals_none":
        names = _names(value, where)
        return lambda f: not names & f.fired
    if key == "signals_only":  # about the note: the learned judgement is not part of it
        names = _names(value, where)
        return lambda f: bool(note := {n for n in f.fired if not is_late(n)}) and note <= names
    if key == "signals_weak":
        names = _names(value, where)
        return lambda f: any(h.name in names and h.strength < 1.0 for h in f.hits)
    if key in ("score_min", "score_max"):
        limit = _number(value, where)
        sign = 1 if key == "score_min" else -1
        return lambda f: sign * sum(h.score for h in f.hits) >= sign * limit
    if key == "platform":
        platforms = _choices(value, PLATFORMS, where)
        return lambda f: f.request.platform in platforms
    if key == "note_empty":
        empty = _flag(value, where)
        return lambda f: (not f.request.text.strip()) == empty
    if key == "age_days_min":
        days = _number(value, where)
        return lambda f: (_age_days(f.request.sent_at, f.now) or 0.0) >= days
    if key == "sender_contacts_min":
        count = _number(value, where)
        return lambda f: (f.request.sender.contacts or 0) >= count
    if key == "sender_profile_age_days_max":
        days = _number(value, where)

        def young(f: Facts) -> bool:
            age = _age_days(f.request.sender.created, f.now)
            return age is not None and age <= days

        return young
    if key == "sender_membership":
        kinds = _choices(value, ["basic", "premium"], where)
        return lambda f: f.request.sender.membership in kinds
    history_keys = {
        "history_requests_min": "requests",
        "history_withdrawn_min": "withdrawn_within_7_days",
        "history_unanswered_min": "unanswered_questions",
    }
    if key in history_keys:
        count, attribute = _number(value, where), history_keys[key]
        return lambda f: getattr(f.request.sender_history, attribute) >= count
    known = ", ".join(CONDITION_KEYS)
    raise StrategyError(f"{rule_where}: unknown condition {key!r} (known: {known})")


CONDITION_KEYS = (
    "category",
    "signals_any",
    "signals_all",
    "signals_none",
    "signals_only",
    "signals_weak",
    "score_min",
    "score_max",
    "platform",
    "note_empty",
    "age_days_min",
    "sender_contacts_min",
    "sender_profile_age_days_max",
    "sender_membership",
    "history_requests_min",
    "history_withdrawn_min",
    "history_unanswered_min",
)
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
    where = f"{source}: rule {number}"
    if not isinstance(data, Mapping):
        raise StrategyError(f"{where}: expected a mapping with name, when and action")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise StrategyError(f"{where}: key 'name' is missing or empty")
    where = f"{source}: rule {number} ({name!r})"
    if name in seen:
        raise StrategyError(f"{where}: key 'name': another rule has this name")
    seen.add(name)
    for key in data:
        if key not in RULE_KEYS:
            raise StrategyError(f"{where}: unknown key {key!r} (known: {', '.join(RULE_KEYS)})")
    try:
        action = Action(data.get("action"))
    except ValueError:
        allowed = ", ".join(a.value for a in Action)
        raise StrategyError(
            f"{where}: key 'action': {data.get('action')!r} is not one of {allowed}"
        ) from None
    when = data.get("when") or {}
    if not isinstance(when, Mapping):
        raise StrategyError(f"{where}: key 'when': expected a mapping of conditions")
    checks = tuple(_condition(str(key), value, where) for key, value in when.items())
    why = data.get("why") or {}
    if isinstance(why, str):
        why = {"de": why, "en": why}
    if not isinstance(why, Mapping) or not all(isinstance(v, str) for v in why.values()):
        raise StrategyError(f"{where}: key 'why': expected a text or {{de: ..., en: ...}}")
    return Rule(name, action, dict(when), checks, dict(why))


def parse_strategy(data: Any, source: str) -> Strategy:
    """A Strategy from the decoded YAML document; every mistake is a StrategyError."""
    if not isinstance(data, Mapping):
        raise StrategyError(f"{source}: expected a mapping with 'rules'")
    for key in data:
        if key not in TOP_KEYS:
            raise StrategyError(f"{source}: unknown key {key!r} (known: {', '.join(TOP_KEYS)})")
    if data.get("version", 1) != 1:
        raise StrategyError(f"{source}: key 'version': only version 1 exists")
    rules_data = data.get("rules")
    if not isinstance(rules_data, list) or not rules_data:
        raise StrategyError(f"{source}: key 'rules': expected a non-empty list of rules")
    seen: set[str] = set()
    rules = tuple(_rule(item, n, source, seen) for n, item in enumerate(rules_data, 1))
    days = {}
    for key in ("follow_up_days", "hold_days", "reminder_days"):
        if key in data:
            value = _number(data[key], f"{source}: key {key!r}")
            if value <= 0:
                raise StrategyError(f"{source}: key {key!r}: must be more than 0 days")
            days[key] = value
    return Strategy(rules, source=source, **days)
