"""The signal registry: every check registers here once, with its name, weight and explanations.

Like an Rspamd symbol, a signal is a pure function of the request and a read-only context that
returns its hits, usually none (a list: an empty generator costs more than the check itself).
The weight lives beside it (overridable by configuration), never inside it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kontaktfilter.model import (
    GENUINE_GROUPS,
    SUSPICIOUS_GROUPS,
    Group,
    Hit,
    Request,
    Role,
    SignalHit,
    Span,
    Stage,
)

if TYPE_CHECKING:
    from kontaktfilter.signals.context import Context

SignalFunction = Callable[[Request, "Context"], list[Hit]]
BatchPreparer = Callable[[Sequence[Request], Sequence["Context"]], None]
HitExplainer = Callable[[Request, "Context", SignalHit], tuple[tuple[Span, ...], str]]

NAME_FORMAT = re.compile(r"^(PHRASE|PERS|TPL|PROF|BEH|GOOD|LEARN)_[A-Z0-9_]+$")
__all__ = [
    "GENUINE_GROUPS",
    "PREPARERS",
    "REGISTRY",
    "SUSPICIOUS_GROUPS",
    "Signal",
    "explains",
    "is_late",
    "prepares_batch",
    "register",
]


class SignalDefinitionError(ValueError):
    """A signal was declared wrongly; raised at import so the mistake never ships."""


@dataclass(frozen=True, slots=True)
class Signal:
    name: str
    weight: float
    group: Group
    description: str
    description_de: str
    function: SignalFunction
    families: tuple[str, ...] = ()
    """Lexicon families the signal reads; when none matched, it cannot fire and is skipped."""
    stage: Stage = Stage.RULES
    """A later stage runs after the rules, in Stage order, and reads their hits
    (Context.rule_hits)."""
    roles: frozenset[Role] = frozenset()
    explainer: HitExplainer | None = None
    """Works out the spans and detail of a hit whose `function` left them empty, when the
    verdict's explanation is first read (model.Explanation): for a signal whose explanation
    costs more than its decision (the combiner's strongest words)."""

    @property
    def late(self) -> bool:
        return self.stage > Stage.RULES

    def explain(self, lang: str) -> str:
        return self.description_de if lang == "de" else self.description


REGISTRY: dict[str, Signal] = {}
PREPARERS: list[BatchPreparer] = []
"""Functions that work out, for a whole batch at once, what a signal would otherwise compute per
request (Engine.score_many); each leaves its result in Context.derived, where the signal's own
per-request path finds it. A batch scored this way gives the same verdicts as one by one."""


def prepares_batch(function: BatchPreparer) -> BatchPreparer:
    """Decorator: declare a batch preparer beside the signal it serves."""
    PREPARERS.append(function)
    return function


def is_late(name: str) -> bool:
    """Whether the named signal is a late one (the learned judgement): it is not part of the
    note, so strategy conditions, training data and explanations treat it apart."""
    signal = REGISTRY.get(name)
    return signal is not None and signal.late


def register(
    name: str,
    weight: float,
    group: str,
    description: str,
    description_de: str,
    families: tuple[str, ...] = (),
    stage: Stage = Stage.RULES,
    roles: tuple[Role, ...] = (),
) -> Callable[[SignalFunction], SignalFunction]:
    """Decorator that adds a signal to REGISTRY after checking its declaration."""

    def decorate(function: SignalFunction) -> SignalFunction:
        if not NAME_FORMAT.match(name):
            raise SignalDefinitionError(
                f"signal name {name!r} does not match {NAME_FORMAT.pattern}"
            )
        if name in REGISTRY:
            raise SignalDefinitionError(f"signal {name!r} is registered twice")
        if not math.isfinite(weight):
            raise SignalDefinitionError(f"signal {name!r} has a non-finite weight {weight!r}")
        if group not in set(Group):
            raise SignalDefinitionError(f"signal {name!r} has unknown group {group!r}")
        if not description.strip() or not description_de.strip():
            raise SignalDefinitionError(f"signal {name!r} needs an English and German description")
        if stage > Stage.RULES and families:
            raise SignalDefinitionError(f"signal {name!r}: a late signal reads hits, not phrases")
        REGISTRY[name] = Signal(
            name,
            float(weight),
            Group(group),
            description,
            description_de,
            function,
            tuple(families),
            Stage(stage),
            frozenset(map(Role, roles)),
        )
        return function

    return decorate


def explains(name: str) -> Callable[[HitExplainer], HitExplainer]:
    """Decorator: the function that completes the hits of the registered signal `name` (see
    Signal.explainer); its hits' spans and detail are then left empty until a reader asks."""

    def decorate(function: HitExplainer) -> HitExplainer:
        signal = REGISTRY.get(name)
        if signal is None or signal.explainer is not None:
            raise SignalDefinitionError(
                f"signal {name!r}: explained before it is registered, or twice"
            )
        REGISTRY[name] = replace(signal, explainer=function)
        return function

    return decorate
