"""The learned signal: what the user's own earlier decisions say about this note.

It runs after every rule signal, because the rules' hits are part of what it reads and because
the rules decide where it may push (docs/learning.md):
- It abstains unless the calibrated probability of one side is clear (see the bars below).
- Its strength is the model's trust (amount and balance of decisions), so it stays small until
  there are enough decisions.
- Towards decline it pushes only a request the rules call vague, generic, collector or spam,
  with no genuine evidence at all, and not a long note in which the rules see nothing
  suspicious. It can never, on its own, decline a known contact or a request with a concrete
  reference.
- Towards accept it may rescue a request the rules missed; against the rules' suspicious
  evidence only when it is as sure as it must be to decline. Where the rules call a request
  vague (they would only ask), a trusted model settles it by its likeliest side, towards accept
  only: the rules have not decided, the user's history has.
"""

from __future__ import annotations

import numpy as np

from kontaktfilter.model import GENUINE_CATEGORIES, Category, Detail, Hit, Request, Span, Stage
from kontaktfilter.scoring.features import Columns, request_columns
from kontaktfilter.scoring.learned_model import (
    ACCEPT,
    ACCEPT_SIDE,
    ASK,
    DECLINE,
    DECLINE_SIDE,
    LINK,
    REPLY,
    REPORT,
    LearnedModel,
)
from kontaktfilter.signals.context import Context
from kontaktfilter.signals.evidence import shown, shown_words, strongest_features
from kontaktfilter.signals.protection import model_may_decline, suspicious
from kontaktfilter.signals.registry import register

ACCEPT_FROM = 0.6
"""Probability of the accept side below which the learner does not push towards accept."""
ACCEPT_WHEN_VAGUE_FROM = 0.5
"""Where the rules call the request vague they have not decided (they would ask the sender), so
the user's history may: towards accept from this probability (a majority), if accept is also
the likeliest of accept, ask and decline, and once the model has RESCUE_VAGUE_TRUST. A wrong
push here accepts a vague note; it never declines anyone. 0.35 did best where the rules are weak
(the handicapped development sets) but accepted vague notes of the unseen check_twelfth more
often than it rescued genuine ones; 0.5 keeps most of the one and halves the other
(docs/learning.md)."""
RESCUE_VAGUE_TRUST = 0.5
"""About 50 balanced decisions: with fewer, the likeliest side is too often noise."""
ACCEPT_AGAINST_RULES_FROM = 0.9
"""The same where the rules call the request generic, collector or spam on evidence: to
overrule what the rules saw, the learner must be as sure as it must be to decline."""
DECLINE_FROM = 0.9
"""Probability of the decline side below which it does not push towards decline: far higher,
because a false decline of a genuine person is the worst error (tuned on the development sets
with half of the rule signals switched off, see docs/learning.md)."""
NEVER = 2.0
"""A bar no probability reaches."""
MIN_TRUST = 0.3
"""Below this trust (about 25 balanced decisions) the learner is silent: with fewer decisions
its clear-looking probabilities righted less than they spoilt on the handicapped development
sets (docs/learning.md)."""

OUTCOME_GROUPS = {ACCEPT: "known", LINK: "generic", DECLINE: "collector", REPORT: "spam"}
"""The group each outcome pushes; accepting with a reply is personal or honest (see below)."""
SIDE_CATEGORIES = {
    ACCEPT_SIDE: GENUINE_CATEGORIES,
    DECLINE_SIDE: frozenset({Category.GENERIC, Category.COLLECTOR, Category.SPAM}),
}
RULE_GROUPS = {
    Category.KNOWN: "known",
    Category.PERSONAL: "personal",
    Category.HONEST_PITCH: "honest",
    Category.GENERIC: "generic",
    Category.COLLECTOR: "collector",
    Category.SPAM: "spam",
}


def _group(ctx: Context, outcome: int, side: tuple[int, ...]) -> str:
    """Where to push. When the rules' category lies on the same side, the learner confirms it:
    it decides accept against decline, while the rules, which see more than words, keep
    deciding between a generic request and a collector. Otherwise the outcome's own group; a
    reply goes where the rules lean, honest pitch or personal."""
    rules_group = RULE_GROUPS.get(ctx.rules_category) if ctx.rules_category else None
    if rules_group is not None and ctx.rules_category in SIDE_CATEGORIES[side]:
        return rules_group
    if outcome != REPLY:
        return OUTCOME_GROUPS[outcome]
    honest = sum(-hit.score for hit in ctx.rule_hits if hit.group == "honest")
    personal = sum(-hit.score for hit in ctx.rule_hits if hit.group == "personal")
    return "honest" if honest > personal else "personal"


def _accept_bar(ctx: Context, model: LearnedModel, probabilities: np.ndarray) -> float:
    """The probability of accept the learner needs before pushing that way."""
    if ctx.rules_category in SIDE_CATEGORIES[DECLINE_SIDE] and suspicious(ctx):
        return ACCEPT_AGAINST_RULES_FROM
    if ctx.rules_category == Category.VAGUE and model.trust >= RESCUE_VAGUE_TRUST:
        accept = probabilities[list(ACCEPT_SIDE)].sum()
        decline = probabilities[list(DECLINE_SIDE)].sum()
        if accept >= probabilities[ASK] and accept >= decline:
            return ACCEPT_WHEN_VAGUE_FROM
    return ACCEPT_FROM


def _decline_bar(request: Request, ctx: Context) -> float:
    """The probability of a decline the learner needs before pushing that way: DECLINE_FROM
    where a model may decline at all (signals.protection), never elsewhere."""
    return DECLINE_FROM if model_may_decline(request, ctx) else NEVER


def _explain(
    ctx: Context,
    model: LearnedModel,
    found: Columns,
    probability: float,
    outcome: int,
    declining: bool,
) -> tuple[Detail, tuple[Span, ...]]:
    """The detail line and the spans of the words that pushed most."""
    evidence = strongest_features(ctx, found, model.weights, outcome)
    labels, spans = shown(evidence)
    distinct = model.info.distinct
    share = round(100 * probability)
    english = (
        f"{share}% like requests you {'decline' if declining else 'accept'}; learned from "
        f"{distinct} decisions; driven by: "
    )
    german = (
        f"zu {share} % wie Anfragen, die Sie {'ablehnen' if declining else 'annehmen'}; "
        f"gelernt aus {distinct} Entscheidungen; ausschlaggebend: "
    )
    detail = Detail(  # the terminal names the signals too; the web lists them beside it
        (german if ctx.lang == "de" else english) + labels,
        {
            "en": english + shown_words(evidence, "en"),
            "de": german + shown_words(evidence, "de"),
        },
    )
    return detail, spans


@register(
    "LEARN_USER_DECISIONS",
    8.0,
    "learned",
    "Resembles requests you accepted, or declined, before (learned from your decisions)",
    "Ähnelt Anfragen, die Sie früher angenommen oder abgelehnt haben (aus Ihren Entscheidungen "
    "gelernt)",
    stage=Stage.LEARNER,
)
def learned_from_decisions(request: Request, ctx: Context) -> list[Hit]:
    model = ctx.learner
    if model is None or model.trust < MIN_TRUST:  # late signals run only with a model
        return []
    found = request_columns(ctx.note, [(hit.name, hit.strength) for hit in ctx.rule_hits])
    probabilities = model.probabilities(found.columns, found.values)
    accept = float(probabilities[list(ACCEPT_SIDE)].sum())
    decline = float(probabilities[list(DECLINE_SIDE)].sum())
    declining = decline > accept
    side = DECLINE_SIDE if declining else ACCEPT_SIDE
    probability = decline if declining else accept
    bar = _decline_bar(request, ctx) if declining else _accept_bar(ctx, model, probabilities)
    if probability < bar:
        return []
    outcome = max(side, key=lambda o: probabilities[o])
    detail, spans = _explain(ctx, model, found, probability, outcome, declining)
    strength = model.trust if declining else -model.trust
    return [Hit(strength, spans, detail, _group(ctx, outcome, side))]
