"""The one rule every learned judgement obeys: a model may not, on its own, move a request into a
decline or a report when a person could be behind it (ARCHITECTURE.md: a false decline of a genuine
person is the worst error). Shared by the user's learner and the corpus model."""

from __future__ import annotations

from kontaktfilter.model import GENUINE_CATEGORIES, Request
from kontaktfilter.signals.context import Context
from kontaktfilter.signals.personal import sender_is_known
from kontaktfilter.signals.registry import GENUINE_GROUPS, SUSPICIOUS_GROUPS

SUSPICION_MIN = 1.0
"""As the categoriser's COLLECTOR_MIN: the least suspicious weight that decides anything."""
INDIVIDUAL_NOTE_TOKENS = 15
"""As the engine's SUBSTANTIAL_NOTE_TOKENS: a note this long is likely written for its recipient."""


def suspicious(ctx: Context) -> bool:
    """Whether the rules hold real evidence against the request: at least SUSPICION_MIN of
    suspicious weight, not a faint hint such as a large network on an old profile."""
    weight = sum(hit.score for hit in ctx.rule_hits if hit.group in SUSPICIOUS_GROUPS)
    return weight >= SUSPICION_MIN


def model_may_decline(request: Request, ctx: Context) -> bool:
    """Never a known contact (read from the request itself, so a known-contact signal weighted
    to 0 in the config lifts nothing); never what the rules alone call genuine, nor anything in
    which they see genuine evidence; nor a note long enough to be individual writing in which
    the rules find no real suspicion (the rules ask about such notes, and words alone must not
    decline them)."""
    if sender_is_known(request) or ctx.rules_category in GENUINE_CATEGORIES:
        return False
    if any(hit.group in GENUINE_GROUPS and hit.score < 0 for hit in ctx.rule_hits):
        return False
    return suspicious(ctx) or len(ctx.note.tokens) < INDIVIDUAL_NOTE_TOKENS
