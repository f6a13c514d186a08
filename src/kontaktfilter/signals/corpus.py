"""The combiner's verdict (kontaktfilter.scoring.corpus_model) as a signal: which of the four real
labels the named signals and the wording make likeliest, with what probability and why.

It runs after the rule signals and reads their hits. The label becomes a category with the
rules' help: a genuine note is `known` when the rules found a real acquaintance; a pitch is
`spam` when bait fired (webinar, free download, MLM), else an honest pitch, and a generic note
whose only substance is such bait is spam too; a collector is a `collector` when a named pretext
fired (same group, contacts slogan), else `vague` (the user asks what exactly is meant). The
probability of a genuine person also reaches the strategy, which declines only when it is low
(kontaktfilter.strategy.costs).
"""

from __future__ import annotations

from collections.abc import Sequence

from kontaktfilter.model import (
    LABEL_OF_CATEGORY,
    Category,
    Detail,
    Hit,
    Label,
    Request,
    Role,
    SignalHit,
    Span,
    Stage,
)
from kontaktfilter.scoring.corpus_model import LABELS
from kontaktfilter.signals.context import Context
from kontaktfilter.signals.evidence import SHOWN_FEATURES, SHOWN_SPANS, shown, shown_words
from kontaktfilter.signals.personal import sender_is_known
from kontaktfilter.signals.registry import GENUINE_GROUPS, explains, register

SHOWN = SHOWN_FEATURES + SHOWN_SPANS
BAIT_MIN = 2.5
"""Rule weight in the spam group (a webinar, a free download, MLM) that makes a pitch spam."""
PRETEXT_MIN = 1.0
"""Rule weight in the collector group (a named pretext) that makes a collector a collector rather
than a vague request worth a question."""
GROUP_OF = {
    Category.KNOWN: "known",
    Category.PERSONAL: "personal",
    Category.HONEST_PITCH: "honest",
    Category.VAGUE: "vague",
    Category.GENERIC: "generic",
    Category.COLLECTOR: "collector",
    Category.SPAM: "spam",
}
CATEGORY_OF_GROUP = {group: category for category, group in GROUP_OF.items()}
NAMES_DE = {
    Label.PERSONAL: "persönliche Anfragen",
    Label.GENERIC: "Anfragen ohne Bezug",
    Label.COLLECTOR: "Kontaktsammler",
    Label.PITCH: "Verkaufsanfragen",
}


def chosen_label(probabilities: tuple[float, ...], rule_hits: Sequence[SignalHit]) -> int:
    """The index of the label the combiner decides for: the one a rule signal that declares
    the note's purpose names (Role.DECLARES), else the likeliest."""
    for hit in rule_hits:
        if Role.DECLARES in hit.roles:
            return LABELS.index(LABEL_OF_CATEGORY[CATEGORY_OF_GROUP[hit.group]])
    return max(range(len(LABELS)), key=probabilities.__getitem__)


def category_of_label(label: Label, ctx: Context) -> Category:
    """The category a label becomes, by what the rules found."""
    groups: dict[str, float] = {}
    for hit in ctx.rule_hits:
        groups[hit.group] = groups.get(hit.group, 0.0) + hit.score
    if label is Label.PERSONAL:
        return Category.KNOWN if ctx.rules_category is Category.KNOWN else Category.PERSONAL
    if label is Label.PITCH:
        return Category.SPAM if groups.get("spam", 0.0) >= BAIT_MIN else Category.HONEST_PITCH
    if label is Label.GENERIC and groups.get("spam", 0.0) >= BAIT_MIN:
        return Category.SPAM  # a bare bait (a free webinar "for you") is spam, seed 001
    if label is Label.COLLECTOR:
        pretext = groups.get("collector", 0.0) >= PRETEXT_MIN
        return Category.COLLECTOR if pretext else Category.VAGUE
    return Category.GENERIC


@register(
    "LEARN_CORPUS_CATEGORY",
    3.0,
    "learned",
    "The combiner fitted on real requests: the likeliest label, words and signals together",
    "Der an echten Anfragen gelernte Kombinierer: das wahrscheinlichste Label (Wörter und "
    "Signale zusammen)",
    stage=Stage.COMBINER,
)
def corpus_category(request: Request, ctx: Context) -> list[Hit]:
    """The decision alone: its spans and detail come from `explain_corpus_category` when the
    verdict's explanation is read (the strongest words cost more than the label)."""
    reading = ctx.reading
    if ctx.corpus is None or reading is None or sender_is_known(request):  # a fact, not words
        return []
    probabilities = reading.probabilities
    best = ctx.corpus_label = chosen_label(probabilities, ctx.rule_hits)
    probability = probabilities[best]
    group = GROUP_OF[category_of_label(LABELS[best], ctx)]
    strength = -probability if group in GENUINE_GROUPS else probability
    return [Hit(strength, (), "", group)]


@explains("LEARN_CORPUS_CATEGORY")
def explain_corpus_category(
    request: Request, ctx: Context, hit: SignalHit
) -> tuple[tuple[Span, ...], str]:
    """Why: the words and signals that pushed most towards the likeliest label, with the spans
    to mark in the note, and the share of real requests of that label the note resembles."""
    model, reading = ctx.corpus, ctx.reading
    assert model is not None and reading is not None, "explained a hit the model never gave"
    probabilities = reading.probabilities
    best = ctx.corpus_label
    assert best is not None, "explained a hit the combiner never chose"
    label, probability = LABELS[best], probabilities[best]
    evidence: list[tuple[str, Span | None]] = []
    for name, first, last in model.strongest(reading, best, SHOWN):
        if name:
            evidence.append((name, None))
        else:
            span = ctx.span(first, last)
            evidence.append((f'"{span.text}"', span))
    labels, spans = shown(evidence)
    share = round(100 * probability)
    english = f"{share}% like real {label.value} requests; driven by: "
    german = f"zu {share} % wie echte {NAMES_DE[label]}; ausschlaggebend: "
    detail = Detail(  # the terminal names the signals too; the web lists them beside it
        (german if ctx.lang == "de" else english) + labels,
        {
            "en": english + shown_words(evidence, "en"),
            "de": german + shown_words(evidence, "de"),
        },
    )
    return spans, detail
