"""Reference signals: does the note take up the recipient's own profile, or only pretend to?

Seed 000 asks for references to the recipient's profile (publications, "Ich biete/Ich suche",
interests, groups) and warns of pretexts: claimed interests the profile does not have, a shared
group as the only reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from kontaktfilter.model import Hit, Request, Role, say
from kontaktfilter.signals.context import (
    Context,
    ProfileTerms,
    content_terms,
    profile_terms,
    term_matches,
)
from kontaktfilter.signals.registry import register

SPECIFIC_TERM_LENGTH = 9
"""One shared word counts as a reference to an offer only when it is long and specific
("Vertriebstraining"), not a field name ("Design", "Marketing") that collectors echo."""
GROUP_NAME_GAP = 1
"""A group is named when two of its words appear as written and close together, at most this
many other words between them ("Steuerberater Netzwerk Franken", "Junge Unternehmer der
Oberpfalz"): one word ("Unternehmer", "Bayern") is only a field or a region, look-alikes ("ein
junges Unternehmen" beside "Junge Unternehmer Oberpfalz") name nothing, and words of the name
spread over the sentence ("Kita-Fotografie in Sachsen" beside "Kita-Leitungen Sachsen") describe
the sender's own work, not the group."""
GENUINE_FAMILIES = frozenset(
    {
        "met_in_person",
        "know_each_other",
        "honest_intent",
        "direct_offer",
        "profile_reference",
        "concrete_need",
    }
)
"""Words inside any other phrase (a default text, a pretext) never count as a reference."""
INTEREST_TERM_LENGTH = 7
"""A hobby is named by its noun ("Bratsche", "Bouldern"): shorter than an offer's specific term,
but field words ("Design") are no hobbies."""
MIN_INTEREST_NOTE_TOKENS = 10
"""A hobby word and 'let's connect' ("Speedway verbindet! Lass uns vernetzen.") is a pretext,
not a personal note: an interest named in own words counts only in a note with some content."""


def _recipient_terms(request: Request, ctx: Context) -> ProfileTerms:
    """The recipient's profile terms, looked up once per request (hashing a profile is not free)."""
    return ctx.shared("recipient_terms", lambda: profile_terms(request.recipient))


def _claimed_interests(
    ctx: Context, families: tuple[str, ...] = ("interest_pretext",)
) -> Iterator[tuple[int, int, frozenset[str]]]:
    for match in (m for family in families for m in ctx.family(family)):
        if match.capture:
            first, last = match.capture
            claimed = content_terms(" ".join(ctx.note.tokens[first : last + 1]))
            if claimed:
                yield first, last, claimed


def _profile_has(request: Request, ctx: Context, terms: frozenset[str]) -> bool:
    entries = _recipient_terms(request, ctx).entries
    headline = content_terms(request.recipient.headline)
    known = [t for _, _, entry_terms in entries for t in entry_terms] + list(headline)
    return any(term_matches(claimed, term) for claimed in terms for term in known)


def _has_profile(request: Request, ctx: Context) -> bool:
    return bool(_recipient_terms(request, ctx).entries)


@register(
    "PERS_INTEREST_MISMATCH",
    2.0,
    "collector",
    "Claims a shared interest that the recipient's profile does not show",
    "Behauptet ein gemeinsames Interesse, das im Profil des Empfängers nicht vorkommt",
    families=("interest_pretext",),
)
def interest_mismatch(request: Request, ctx: Context) -> list[Hit]:
    hits: list[Hit] = []
    if not _has_profile(request, ctx):
        return hits
    for first, last, claimed in _claimed_interests(ctx):
        if not _profile_has(request, ctx, claimed):
            hits.append(
                Hit(
                    1.0,
                    (ctx.span(first, last),),
                    say("not on the recipient's profile", "nicht im Profil des Empfängers"),
                )
            )
    return hits


@register(
    "GOOD_SHARED_INTEREST",
    -2.0,
    "personal",
    "Names an interest that really is on the recipient's profile",
    "Nennt ein Interesse, das tatsächlich im Profil des Empfängers steht",
    families=("interest_pretext", "profile_mention"),
    roles=(
        Role.PROTECTS,
        Role.REFERENCE,
        Role.REASON,
    ),
)
def shared_interest(request: Request, ctx: Context) -> list[Hit]:
    hits: list[Hit] = []
    if not _has_profile(request, ctx):
        return hits
    for first, last, claimed in _claimed_interests(ctx, ("interest_pretext", "profile_mention")):
        if _profile_has(request, ctx, claimed):
            hits.append(
                Hit(
                    1.0,
                    (ctx.span(first, last),),
                    say("on the recipient's profile", "im Profil des Empfängers"),
                )
            )
    return hits


_Reference = tuple[str, str, frozenset[str], list[int]]
"""A profile entry the note refers to: field, entry text, its terms, note token positions."""


def _field_references(request: Request, ctx: Context) -> dict[str, list[_Reference]]:
    """Per profile field, the entries the note refers to in profile order; computed once per
    request, so a signal whose fields the note does not touch returns at one look-up."""
    found = ctx.derived.get("field_references")
    if found is None:
        terms = _recipient_terms(request, ctx)
        found = {}
        if terms.entries:
            positions = terms.positions(ctx.note.tokens)
            for index in sorted(positions):
                field_name, text, entry_terms = terms.entries[index]
                reference = (field_name, text, entry_terms, positions[index])
                found.setdefault(field_name, []).append(reference)
        ctx.derived["field_references"] = found
    return found


def _entry_references(
    references: list[_Reference], skip: set[int]
) -> Iterator[tuple[str, str, frozenset[str], list[int]]]:
    """The references with their token positions outside `skip`, where any are left."""
    for field_name, text, terms, positions in references:
        kept = [p for p in positions if p not in skip]
        if kept:
            yield field_name, text, terms, kept


@register(
    "GOOD_PUBLICATION_MATCH",
    -3.0,
    "personal",
    "Refers to one of the recipient's own publications by its subject",
    "Bezieht sich inhaltlich auf eine Veröffentlichung des Empfängers",
    roles=(
        Role.PROTECTS,
        Role.REFERENCE,
        Role.REASON,
    ),
)
def publication_match(request: Request, ctx: Context) -> list[Hit]:
    references = _field_references(request, ctx).get("publications")
    if not references:
        return []
    hits: list[Hit] = []
    referenced = bool(ctx.family("profile_reference"))
    for _, title, _, positions in references:
        distinct = {ctx.note.tokens[i] for i in positions}
        if len(distinct) >= 2 or (referenced and any(len(t) >= 7 for t in distinct)):
            spans = tuple(ctx.span(i, i) for i in positions[:4])
            hits.append(Hit(1.0, spans, say(f"publication: {title}", f"Veröffentlichung: {title}")))
    return hits


FIELD_DE = {"offers": "bietet", "seeks": "sucht"}
"""The profile field named in a detail, for a German reader ("seeks: ..." stays what the engine
reads, engine._is_reference)."""


@register(
    "GOOD_OFFER_MATCH",
    -1.5,
    "personal",
    "Takes up what the recipient offers or seeks on the profile ('Ich biete'/'Ich suche')",
    "Geht auf 'Ich biete'/'Ich suche' des Empfängers ein",
    roles=(
        Role.PROTECTS,
        Role.REFERENCE,
        Role.REASON,
    ),
)
def offer_match(request: Request, ctx: Context) -> list[Hit]:
    found = _field_references(request, ctx)
    references = found.get("offers", []) + found.get("seeks", [])
    if not references:
        return []  # then there is nothing to set the pretexts' words apart from
    pretexts = ctx.covered_by(tuple(f for f in ctx.phrases if f not in GENUINE_FAMILIES))
    for field_name, text, _, positions in _entry_references(references, pretexts):
        distinct = {ctx.note.tokens[i] for i in positions}
        if len(distinct) >= 2 or any(len(t) >= SPECIFIC_TERM_LENGTH for t in distinct):
            label = "offers" if field_name == "offers" else "seeks"
            return [
                Hit(
                    1.0,
                    (ctx.span(positions[0], positions[0]),),
                    say(f"{label}: {text}", f"{FIELD_DE[label]}: {text}"),
                )
            ]
    return []


@register(
    "GOOD_INTEREST_MATCH",
    -1.5,
    "personal",
    "Names an interest of the recipient's profile in the sender's own words, without a stock claim",
    "Nennt ein Interesse aus dem Profil des Empfängers in eigenen Worten, ohne Floskel",
)
def interest_match(request: Request, ctx: Context) -> list[Hit]:
    """'Ich bin Speedway-Fan, fährst du zum Grand Prix?' refers to the profile as much as a
    claimed shared interest does. Claims ('wie ich sehe, interessieren Sie sich auch für ...')
    are left to GOOD_SHARED_INTEREST and PERS_INTEREST_MISMATCH, and words inside any pretext
    never count."""
    if ctx.family("interest_pretext") or ctx.family("profile_mention"):
        return []
    if len(ctx.note.tokens) < MIN_INTEREST_NOTE_TOKENS:
        return []
    references = _field_references(request, ctx).get("interests")
    if not references:
        return []
    pretexts = ctx.covered_by(tuple(f for f in ctx.phrases if f not in GENUINE_FAMILIES))
    for _, text, terms, positions in _entry_references(references, pretexts):
        distinct = {ctx.note.tokens[i] for i in positions}
        whole = len(terms) == 1  # a one-word hobby ("Speedway") named in full
        if whole or len(distinct) >= 2 or any(len(t) >= INTEREST_TERM_LENGTH for t in distinct):
            return [
                Hit(
                    1.0,
                    (ctx.span(positions[0], positions[0]),),
                    say(f"interest: {text}", f"Interesse: {text}"),
                )
            ]
    return []


@register(
    "PERS_GROUP_PRETEXT",
    1.5,
    "collector",
    "Names one of the recipient's groups, the classic shared-group pretext (worst reason 3)",
    "Nennt eine Gruppe des Empfängers, der klassische Gruppen-Vorwand (schlechtester Grund 3)",
)
def group_pretext(request: Request, ctx: Context) -> list[Hit]:
    """A group shares nothing but a membership: naming it is a pretext whatever the wording.
    Weaker than a genuine reference, so a real question or meeting beside it still wins."""
    tokens = ctx.note.tokens
    for _, text, terms, positions in _field_references(request, ctx).get("groups", ()):
        named = [i for i in positions if tokens[i] in terms]
        close = [
            (a, b)
            for a, b in pairwise(named)
            if b - a <= GROUP_NAME_GAP + 1 and tokens[a] != tokens[b]
        ]
        if close:
            return [
                Hit(
                    1.0,
                    (ctx.span(close[0][0], close[-1][1]),),
                    say(f"group: {text}", f"Gruppe: {text}"),
                )
            ]
    return []
