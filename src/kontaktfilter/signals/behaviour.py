"""Behaviour signals: what the sender did before (seed 001: fast withdrawals; seed 002: silence)."""

from __future__ import annotations

from kontaktfilter.model import Hit, Request, say
from kontaktfilter.signals.context import Context
from kontaktfilter.signals.registry import register

MIN_FAST_WITHDRAWALS = 2
"""One early withdrawal can be a slip; two show the pending-quota juggling of seed 001."""
FAST_WITHDRAWALS_FOR_FULL_STRENGTH = 5


@register(
    "BEH_WITHDRAWS_FAST",
    2.5,
    "collector",
    "The sender withdrew earlier requests within days (collectors juggle the pending quota)",
    "Der Absender hat frühere Anfragen binnen Tagen zurückgezogen (Kontingent-Jonglage)",
)
def withdraws_fast(request: Request, ctx: Context) -> list[Hit]:
    count = request.sender_history.withdrawn_within_7_days
    if count >= MIN_FAST_WITHDRAWALS:
        strength = min(1.0, count / FAST_WITHDRAWALS_FOR_FULL_STRENGTH)
        return [
            Hit(
                strength,
                (),
                say(
                    f"{count} requests withdrawn within 7 days",
                    f"{count} Anfragen binnen 7 Tagen zurückgezogen",
                ),
            )
        ]
    return []


@register(
    "BEH_UNANSWERED_QUESTIONS",
    3.0,
    "collector",
    "The sender never answered when asked what exactly they want (seed 002)",
    "Der Absender hat auf die Nachfrage, was genau er möchte, nie geantwortet (Seed 002)",
)
def unanswered_questions(request: Request, ctx: Context) -> list[Hit]:
    count = request.sender_history.unanswered_questions
    if count:
        return [
            Hit(
                1.0,
                (),
                say(
                    f"{count} follow-up question(s) left unanswered",
                    f"{count} Nachfrage(n) unbeantwortet",
                ),
            )
        ]
    return []
