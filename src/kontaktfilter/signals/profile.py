"""Profile signals of seed 001: collectors show 999+ contacts, often on a young profile."""

from __future__ import annotations

from kontaktfilter.model import Hit, Request, say
from kontaktfilter.signals.context import Context
from kontaktfilter.signals.registry import register

MANY_CONTACTS = 999
"""XING shows "999+" from here on; seed 001's first collector mark. Its weight stays below the
collector threshold: "not everyone with very many contacts is a collector" (seed 001)."""
SOME_CONTACTS = 500
CONTACTS_PER_MONTH_SUSPICIOUS = 40
MIN_CONTACTS_FOR_RATE = 200
DAYS_PER_MONTH = 30.44


@register(
    "PROF_MANY_CONTACTS",
    0.8,
    "collector",
    "The sender has a very large number of contacts (999+)",
    "Der Absender hat sehr viele Kontakte (999+)",
)
def many_contacts(request: Request, ctx: Context) -> list[Hit]:
    contacts = request.sender.contacts
    if contacts is None or contacts < SOME_CONTACTS:
        return []
    strength = 1.0 if contacts >= MANY_CONTACTS else 0.4
    return [Hit(strength, (), say(f"{contacts} contacts", f"{contacts} Kontakte"))]


@register(
    "PROF_YOUNG_PROFILE_MANY_CONTACTS",
    2.5,
    "collector",
    "The sender gathered contacts unusually fast for the age of the profile",
    "Der Absender hat für das Alter seines Profils ungewöhnlich schnell Kontakte gesammelt",
)
def young_profile_many_contacts(request: Request, ctx: Context) -> list[Hit]:
    contacts, created = request.sender.contacts, request.sender.created
    if contacts is None or created is None or contacts < MIN_CONTACTS_FOR_RATE:
        return []
    months = max((ctx.now.date() - created).days / DAYS_PER_MONTH, 1.0)
    rate = contacts / months
    if rate >= CONTACTS_PER_MONTH_SUSPICIOUS:
        strength = min(1.0, rate / (2 * CONTACTS_PER_MONTH_SUSPICIOUS))
        return [
            Hit(
                strength,
                (),
                say(
                    f"{contacts} contacts in {months:.0f} months ({rate:.0f}/month)",
                    f"{contacts} Kontakte in {months:.0f} Monaten ({rate:.0f} pro Monat)",
                ),
            )
        ]
    return []
