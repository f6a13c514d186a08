"""The guard no strategy can switch off: evidence of a genuine person turns a decline or report
into a question. A false decline of a genuine person is the worst error kontaktfilter can make,
so this check runs after every rule, the user's own included, and before the expected cost.

Two kinds of evidence protect: verified evidence a mass sender cannot fake cheaply (a real
relationship, a reference matching the recipient's actual profile), and any single concrete
reference the rules found in the note (a meeting, a question, a need, the recipient's work). A
seller's question is a question too; it costs the user a question, not a declined person."""

from __future__ import annotations

from collections.abc import Sequence

from kontaktfilter.model import HARMFUL_ACTIONS, Action, Group, Role, SignalHit
from kontaktfilter.signals.registry import is_late

GENUINE_GUARD = 3.0
"""Verified genuine evidence above which no decline or report is taken."""
GUARD_RULE = "guard:genuine-evidence"
CONCRETE_REFERENCE = 1.5
"""The weight at which one genuine rule signal (group `known` or `personal`) is a concrete
reference: no decline while it stands. 1.5 includes a concrete question to the recipient."""
REFERENCE_GROUPS = frozenset({Group.KNOWN, Group.PERSONAL})


def protection(hits: Sequence[SignalHit]) -> float:
    """How strongly verified evidence (signals with Role.PROTECTS: a real relationship, a
    reference matching the recipient's actual profile; not lexical cues such as "could you
    help?", which spam uses too) speaks for a genuine person (a positive number)."""
    return -sum(hit.score for hit in hits if Role.PROTECTS in hit.roles)


def concrete_reference(hits: Sequence[SignalHit]) -> bool:
    """Whether the rules found a concrete reference in the note (a learned opinion is none)."""
    return any(
        hit.group in REFERENCE_GROUPS and hit.score <= -CONCRETE_REFERENCE and not is_late(hit.name)
        for hit in hits
    )


def guard(action: Action, hits: Sequence[SignalHit]) -> Action | None:
    """ask_details instead of a harmful action when the evidence protects; else None."""
    if action in HARMFUL_ACTIONS and (
        protection(hits) >= GENUINE_GUARD or concrete_reference(hits)
    ):
        return Action.ASK_DETAILS
    return None
