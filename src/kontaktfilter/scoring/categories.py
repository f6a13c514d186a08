"""Decides the category from the weight each signal group gathered.

Suspicious groups (spam, collector, vague, generic) compete with the genuine ones (known, personal,
honest). Genuine evidence wins ties: declining a real person is the worst error (ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Mapping

from kontaktfilter.model import Category

KNOWN_MIN = 3.0
PERSONAL_MIN = 1.5
HONEST_MIN = 2.0
SPAM_MIN = 2.5
COLLECTOR_MIN = 1.0
VAGUE_MIN = 0.8
GENERIC_MIN = 1.0
STRONG_SPAM = 6.0
"""Even a known sender's note is spam when it is all bait (a hijacked or MLM-converted contact)."""


def categorise(
    groups: Mapping[str, float], substantial: bool = False, references: float = 0.0
) -> Category:
    """Category from group totals (suspicious groups positive, genuine groups negative).

    `substantial` says the note is long enough to be individual writing: when nothing at all
    fired, such a note is asked about (vague), never declined as generic. `references` is the
    part of the personal weight that only shows the sender looked at the recipient's profile
    (a publication, an interest, an offer): a seller who read your blog is still selling, so
    against an open pitch only the rest of the personal weight counts."""
    known = -groups.get("known", 0.0)
    personal = -groups.get("personal", 0.0)
    honest = -groups.get("honest", 0.0)
    spam = groups.get("spam", 0.0)
    collector = groups.get("collector", 0.0)
    vague = groups.get("vague", 0.0)
    genuine = known + personal + honest
    if known >= KNOWN_MIN and spam < STRONG_SPAM:
        return Category.KNOWN
    if spam >= SPAM_MIN:
        return Category.SPAM  # bait outranks compliments and pretexts (docs/data-format.md)
    if collector >= COLLECTOR_MIN and collector > genuine:
        return Category.COLLECTOR
    if honest >= HONEST_MIN and honest > personal - references and honest > vague + collector:
        return Category.HONEST_PITCH
    if personal >= PERSONAL_MIN:
        return Category.PERSONAL
    if honest >= HONEST_MIN and honest > vague + collector:
        return Category.HONEST_PITCH
    if vague >= VAGUE_MIN:
        return Category.VAGUE
    if groups.get("generic", 0.0) >= GENERIC_MIN:
        return Category.GENERIC
    if vague > 0 or genuine > 0 or collector > 0 or substantial:
        return Category.VAGUE
    return Category.GENERIC
