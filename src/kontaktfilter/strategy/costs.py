"""The action by expected cost: a decline needs a low probability of a genuine person, an accept
a high one; in between, the user asks (or waits, when there is nothing to ask about).

The costs are the user's settings (docs/settings.md). With the defaults, declining a genuine
person costs twenty times a question and accepting a collector or seller three times one, so
declining pays only below a 5 % chance of a genuine person and accepting only above 67 %:
    decline  when P(genuine) * false_decline < question      -> P < question / false_decline
    accept   when (1 - P(genuine)) * false_accept < question -> P > 1 - question / false_accept
A declined genuine person is the worst error kontaktfilter can make (ARCHITECTURE.md), so the
bar for a decline is the highest of all.

One exception, measured: where the rules themselves hold clear suspicion (SUSPICION_MIN of
suspicious weight) and no genuine evidence at all, a decline pays up to CORROBORATED_MAX. Out of
fold on the real corpus (618 requests; `kontaktfilter eval eval/real/*.jsonl --group-by source`
prints the count, docs/quality.md), 23 requests were declined so, and none of them was genuine;
the seeds' own examples ("Kontakte schaden nur dem, der keine hat" after a greeting) are of
this kind.

And one for an accept: verified evidence of a genuine person (a reference that matches the
recipient's actual profile, guard.protection at GENUINE_GUARD or more) stands in for the
probability. The combiner cannot weigh it: the real requests it learns from come without the
recipient's profile, so such signals never fire there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kontaktfilter.model import ACCEPTING_ACTIONS, HARMFUL_ACTIONS, Action, Category, SignalHit
from kontaktfilter.signals.registry import GENUINE_GROUPS, SUSPICIOUS_GROUPS, is_late
from kontaktfilter.strategy.guard import GENUINE_GUARD, protection

COST_RULE = "expected-cost"
SUSPICION_MIN = 2.0
"""Suspicious rule weight (groups generic, collector, vague, spam) that corroborates a decline."""
CORROBORATED_MAX = 0.2
"""The highest probability of a genuine person at which a corroborated decline is taken."""


@dataclass(frozen=True, slots=True)
class Costs:
    """What each kind of mistake costs, in units of the user's time for one question."""

    false_decline: float = 20.0
    """Declining or reporting a genuine person."""
    false_accept: float = 3.0
    """Accepting a collector, a generic request or a seller into the network."""
    question: float = 1.0
    """Asking what exactly the sender wants, or waiting: a message to write and a delay."""

    @property
    def decline_max(self) -> float:
        """The highest probability of a genuine person at which a decline still pays."""
        return min(1.0, self.question / self.false_decline)

    @property
    def accept_min(self) -> float:
        """The lowest probability of a genuine person at which accepting pays."""
        return max(0.0, 1.0 - self.question / self.false_accept)


def corroborated(hits: Sequence[SignalHit]) -> bool:
    """Whether the rules alone speak clearly against the request and not at all for it."""
    suspicion = 0.0
    for hit in hits:
        if is_late(hit.name):
            continue
        if hit.group in GENUINE_GROUPS and hit.score < 0:
            return False
        if hit.group in SUSPICIOUS_GROUPS and hit.score > 0:
            suspicion += hit.score
    return suspicion >= SUSPICION_MIN


def by_cost(
    action: Action,
    category: Category,
    genuine: float | None,
    hits: Sequence[SignalHit],
    empty_note: bool,
    costs: Costs,
    answered: bool = False,
) -> Action | None:
    """The cheaper action when the strategy's choice does not pay at this probability of a
    genuine person; None when it does (or when no probability is known: a known contact, or
    no combiner). A known contact is accepted on the fact, whatever the words say. Once the
    sender has `answered` a question, a second one is no option: the strategy's choice stands,
    except that a decline still needs the low probability (the guard's question stays).
    Verified genuine evidence accepts at any probability (module docstring)."""
    if genuine is None:
        return None
    if action in HARMFUL_ACTIONS and genuine > costs.decline_max:
        if genuine <= CORROBORATED_MAX and corroborated(hits):
            return None
        return Action.HOLD_WAIT if empty_note else Action.ASK_DETAILS
    unsure = genuine < costs.accept_min and protection(hits) < GENUINE_GUARD
    if action in ACCEPTING_ACTIONS and category is not Category.KNOWN and unsure and not answered:
        return Action.ASK_DETAILS
    return None
