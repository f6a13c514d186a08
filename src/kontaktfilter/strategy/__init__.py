"""Strategies: which action a verdict leads to (seed 002), read from YAML, with the guard on top.

The built-in default (`default.yaml`) is the strategy of seed 002. A user's own strategy is
installed with `kontaktfilter strategy set FILE`: checked first, then copied into the data folder;
an invalid file never replaces a valid one. See docs/strategy.md.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from datetime import datetime
from importlib import resources
from pathlib import Path

import yaml

from kontaktfilter.bilingual import Detail, say, say_with
from kontaktfilter.model import Action, Category, Request, SignalHit
from kontaktfilter.strategy.costs import COST_RULE, Costs, by_cost
from kontaktfilter.strategy.guard import GUARD_RULE, guard, protection
from kontaktfilter.strategy.rules import Facts, Rule, Strategy, StrategyError, parse_strategy

NO_RULE = "no-rule-matched"
"""When no rule matches, the request waits for the user: never a decline by default."""
ACTIVE_NAME = "strategy.yaml"
LAST_VALID_NAME = "strategy.last-valid.yaml"


def read_strategy(text: str, source: str) -> Strategy:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = getattr(exc, "problem", exc)
        raise StrategyError(
            say_with(
                "{where}: not valid YAML ({problem})",
                "{where}: kein gültiges YAML ({problem})",
                where=where,
                problem=str(problem),
            )
        ) from None
    return parse_strategy(data, source)


def _read_file(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StrategyError(
            say(
                f"{path}: cannot read the strategy ({exc})",
                f"{path}: die Strategie lässt sich nicht lesen ({exc})",
            )
        ) from None


def load_strategy(path: str | Path) -> Strategy:
    return read_strategy(_read_file(Path(path)), str(path))


def default_strategy_text() -> str:
    return (resources.files("kontaktfilter.strategy") / "default.yaml").read_text("utf-8")


DEFAULT_SOURCE = "default strategy"
"""The source name of the shipped strategy (the strategy page says it in the reader's language)."""


def default_strategy() -> Strategy:
    return read_strategy(default_strategy_text(), DEFAULT_SOURCE)


def active_strategy(folder: Path) -> tuple[Strategy, Detail | None]:
    """The installed strategy (the default when none is), and a warning when the installed file
    was edited into an invalid state: then the last valid one stays in force."""
    path = folder / ACTIVE_NAME
    if not path.exists():
        return default_strategy(), None
    try:
        return load_strategy(path), None
    except StrategyError as exc:
        last = folder / LAST_VALID_NAME
        fallback = load_strategy(last) if last.exists() else default_strategy()
        return fallback, say_with(
            "{exc}\nthe last valid strategy ({source}) stays in force",
            "{exc}\ndie letzte gültige Strategie ({source}) bleibt in Kraft",
            exc=exc,
            source=fallback.source,
        )


def _write_atomically(text: str, path: Path) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, path)


def install_strategy(source: str | Path, folder: Path) -> Strategy:
    """Check `source` and make it the active strategy; an invalid file changes nothing."""
    return install_strategy_text(_read_file(Path(source)), folder, str(source))


def install_strategy_text(text: str, folder: Path, source: str) -> Strategy:
    """Check `text` (named `source` in errors) and make it the active strategy; invalid text
    raises StrategyError and changes nothing (the web editor saves through this)."""
    strategy = read_strategy(text, source)
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomically(text, folder / LAST_VALID_NAME)
    _write_atomically(text, folder / ACTIVE_NAME)
    return strategy


def decide(
    strategy: Strategy,
    category: Category,
    hits: Sequence[SignalHit],
    request: Request,
    now: datetime,
    genuine: float | None = None,
    costs: Costs | None = None,
) -> tuple[Action, str]:
    """The action and the name of the rule that chose it, after the guard and the expected cost
    at `genuine`, the combiner's probability of a genuine person (kontaktfilter.strategy.costs)."""
    rule = strategy.first_match(Facts(category, hits, request, now))
    action, name = (rule.action, rule.name) if rule else (Action.HOLD_WAIT, NO_RULE)
    softened = guard(action, hits)
    if softened is not None:
        return softened, GUARD_RULE
    empty = not request.text.strip()
    answered = request.sender_history.answered_questions > 0
    cheaper = by_cost(action, category, genuine, hits, empty, costs or Costs(), answered)
    if cheaper is not None:
        return cheaper, COST_RULE
    return action, name


__all__ = [
    "COST_RULE",
    "GUARD_RULE",
    "Costs",
    "NO_RULE",
    "Facts",
    "Rule",
    "Strategy",
    "StrategyError",
    "active_strategy",
    "decide",
    "default_strategy",
    "install_strategy",
    "install_strategy_text",
    "load_strategy",
    "protection",
    "read_strategy",
]
