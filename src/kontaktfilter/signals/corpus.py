"""The corpus model's opinion (kontaktfilter.learning.corpus) as a signal.

It runs after the rule signals and reads their hits. When the model gives one category a clear
majority and that category differs from the rules' own, its hit names the category, and the
engine takes it, unless the user's own learner spoke (Engine.decide). Like the learner, it may
never move a request into a decline or a report where a person could be behind it
(signals.protection).
"""

from __future__ import annotations

from kontaktfilter.learning.corpus import CATEGORIES
from kontaktfilter.learning.features import request_columns
from kontaktfilter.model import GENUINE_CATEGORIES, Category, Hit, Request
from kontaktfilter.signals.context import Context
from kontaktfilter.signals.evidence import shown, strongest_features
from kontaktfilter.signals.personal import sender_is_known
from kontaktfilter.signals.protection import GENUINE_GROUPS, model_may_decline
from kontaktfilter.signals.registry import register

MAJORITY = 0.5
"""The model speaks only when one category is more likely than all others together."""
DECISIVE = 2.5
"""A rule hit this strong (a known contact's meeting, bait, a shared-group pretext, an open
intent, a concrete need) decides its category: the model does not argue with it."""
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
    Category.KNOWN: "bekannte Kontakte",
    Category.PERSONAL: "persönliche Anfragen",
    Category.HONEST_PITCH: "offene Angebote",
    Category.VAGUE: "vage Anfragen",
    Category.GENERIC: "Anfragen ohne Bezug",
    Category.COLLECTOR: "Kontaktsammler",
    Category.SPAM: "Spam",
}


@register(
    "LEARN_CORPUS_CATEGORY",
    3.0,
    "learned",
    "Reads like requests of another category in the labelled corpus, words and signals together",
    "Liest sich wie Anfragen einer anderen Kategorie im gelabelten Korpus (Wörter und Signale "
    "zusammen)",
    late=True,
)
def corpus_category(request: Request, ctx: Context) -> list[Hit]:
    model = ctx.corpus
    if model is None or sender_is_known(request):  # a fact, not a reading of the words
        return []
    winner = GROUP_OF.get(ctx.rules_category) if ctx.rules_category else None
    if any(hit.group == winner and abs(hit.score) >= DECISIVE for hit in ctx.rule_hits):
        return []
    signals = [(hit.name, hit.strength) for hit in ctx.rule_hits]
    probabilities = model.note_probabilities(ctx.note, signals)
    best = int(probabilities.argmax())
    category, probability = CATEGORIES[best], float(probabilities[best])
    if probability < MAJORITY or category == ctx.rules_category:
        return []
    declining = category not in GENUINE_CATEGORIES and category != Category.VAGUE
    if declining and not model_may_decline(request, ctx):
        return []
    found = request_columns(ctx.note, signals)
    labels, spans = shown(strongest_features(ctx, found, model.weights, best))
    share = round(100 * probability)
    if ctx.lang == "de":
        detail = f"zu {share} % wie {NAMES_DE[category]} im Korpus; ausschlaggebend: {labels}"
    else:
        detail = f"{share}% like the corpus's {category.value} requests; driven by: {labels}"
    group = GROUP_OF[category]
    strength = -probability if group in GENUINE_GROUPS else probability
    return [Hit(strength, spans, detail, group)]
