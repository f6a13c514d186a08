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
"""Genuine evidence (known + personal + honest weight) above which no decline or report is taken."""
WEAK_EMPTY_NOTE = 1.0
"""An empty note counts fully only where the sender could have written one."""


def choose_action(
    category: Category, hits: Sequence[SignalHit], genuine: float
) -> tuple[Action, str]:
    """The action for a verdict and the name of the rule that chose it."""
    action, rule = DEFAULT_ACTIONS[category], f"category:{category.value}"
    if category is Category.GENERIC:
        empty = next((hit for hit in hits if hit.name == "PERS_EMPTY_NOTE"), None)
        if empty is not None and empty.strength < WEAK_EMPTY_NOTE and len(hits) == 1:
            action, rule = Action.HOLD_WAIT, "empty-note-weak-evidence:hold_wait"
    if action in HARMFUL_ACTIONS and genuine >= GENUINE_GUARD:
        action, rule = Action.ASK_DETAILS, "guard:genuine-evidence"
    return action, rule
