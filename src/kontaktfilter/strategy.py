"""The default strategy of seed 002: maps a category (and a few conditions) to an action.

Rules run in order and the first that matches wins; each has a name that verdicts report, so the
user can see why an action was chosen. The genuine-evidence guard runs last and can only soften.
"""

from __future__ import annotations

from collections.abc import Sequence

from kontaktfilter.model import HARMFUL_ACTIONS, Action, Category, SignalHit

DEFAULT_ACTIONS: dict[Category, Action] = {
    Category.KNOWN: Action.ACCEPT,
    Category.PERSONAL: Action.ACCEPT_AND_REPLY,
    Category.HONEST_PITCH: Action.ACCEPT_AND_REPLY,
    Category.VAGUE: Action.ASK_DETAILS,
    Category.GENERIC: Action.DECLINE_WITH_LINK,
    Category.COLLECTOR: Action.DECLINE_SILENTLY,
    Category.SPAM: Action.REPORT_SPAM,
}
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


def protection(hits: Sequence[SignalHit]) -> float:
    """How strongly verified evidence speaks for a genuine person (a positive number)."""
    return -sum(hit.score for hit in hits if hit.name in PROTECTING_SIGNALS)


WEAK_EMPTY_NOTE = 1.0
"""An empty note counts fully only where the sender could have written one."""


def choose_action(category: Category, hits: Sequence[SignalHit]) -> tuple[Action, str]:
    """The action for a verdict and the name of the rule that chose it."""
    action, rule = DEFAULT_ACTIONS[category], f"category:{category.value}"
    if category is Category.GENERIC:
        empty = next((hit for hit in hits if hit.name == "PERS_EMPTY_NOTE"), None)
        if empty is not None and empty.strength < WEAK_EMPTY_NOTE and len(hits) == 1:
            action, rule = Action.HOLD_WAIT, "empty-note-weak-evidence:hold_wait"
    if action in HARMFUL_ACTIONS and protection(hits) >= GENUINE_GUARD:
        action, rule = Action.ASK_DETAILS, "guard:genuine-evidence"
    return action, rule
