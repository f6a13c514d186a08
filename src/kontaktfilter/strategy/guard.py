"""The guard no strategy can switch off: verified evidence of a genuine person turns a decline
or report into a question. A false decline of a genuine person is the worst error kontaktfilter
can make, so this check runs after every rule, the user's own included."""

from __future__ import annotations

from collections.abc import Sequence

from kontaktfilter.model import HARMFUL_ACTIONS, Action, SignalHit

GENUINE_GUARD = 3.0
"""Verified genuine evidence above which no decline or report is taken."""
PROTECTING_SIGNALS = frozenset(
    {
        "GOOD_KNOWN_CONTACT",
        "GOOD_MET_IN_PERSON",
        "GOOD_KNOW_EACH_OTHER",
        "GOOD_PUBLICATION_MATCH",
        "GOOD_SHARED_INTEREST",
        "GOOD_OFFER_MATCH",
        "GOOD_HONEST_INTENT",
    }
)
"""Evidence a mass sender cannot fake cheaply: a real relationship, or a reference that matches the
recipient's actual profile. Lexical cues ("could you help?") are excluded: spam uses them too."""
GUARD_RULE = "guard:genuine-evidence"


def protection(hits: Sequence[SignalHit]) -> float:
    """How strongly verified evidence speaks for a genuine person (a positive number)."""
    return -sum(hit.score for hit in hits if hit.name in PROTECTING_SIGNALS)


def guard(action: Action, hits: Sequence[SignalHit]) -> Action | None:
    """ask_details instead of a harmful action when the evidence protects; else None."""
    if action in HARMFUL_ACTIONS and protection(hits) >= GENUINE_GUARD:
        return Action.ASK_DETAILS
    return None
