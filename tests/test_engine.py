"""The engine end to end on the seeds' own examples, and the guard for genuine requests.

Each seed example must land on the right side: its label (the four of eval/real/README.md) and
an action the seed asks for. Within a label the category may move (a free download from a shared
group is a collector's letter in seed 001 as much as spam); the side may not."""

from __future__ import annotations

import pytest

from kontaktfilter.engine import ConfigurationError, Engine
from kontaktfilter.model import (
    ACCEPTING_ACTIONS,
    HARMFUL_ACTIONS,
    LABEL_OF_CATEGORY,
    Action,
    Category,
    Profile,
    Request,
)

SEED_ACTIONS = {
    Category.KNOWN: ACCEPTING_ACTIONS,
    Category.PERSONAL: ACCEPTING_ACTIONS,
    Category.HONEST_PITCH: {Action.REPLY_ONLY},
    Category.VAGUE: {Action.ASK_DETAILS},
    Category.GENERIC: {Action.DECLINE_WITH_LINK, Action.DECLINE_SILENTLY},
    Category.COLLECTOR: HARMFUL_ACTIONS | {Action.ASK_DETAILS},
    Category.SPAM: HARMFUL_ACTIONS,
}
"""The actions the seeds ask for, per expected category: accept whom you know and answer the
concrete ones (seed 002), answer an honest seller without connecting (seed 000), ask the vague
ones (seed 002), decline the rest; a collector may also be asked (seed 002's test question)."""

KILIAN = Profile(
    name="Thomas Kilian",
    gender="m",
    interests=("Segeln", "Golden Retriever"),
    publications=(
        "Die 10 schlechtesten Gründe für eine Kontaktanfrage bei XING",
        "Podcast Akquise",
    ),
)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


@pytest.mark.parametrize(
    ("case", "text", "category"),
    [
        (
            "seed000-blog",
            "Hallo Herr Kilian, ich verfolge sehr interessiert ihren Blog und den "
            "Podcast, da wir als sehr junges Unternehmen natürlich noch hart um Neukunden kämpfen "
            "müssen. Ich würde mich freuen, mich mit Ihnen über diese Themen persönlich "
            "auszutauschen.",
            Category.PERSONAL,
        ),
        (
            "seed000-honest",
            "Sehr geehrter Herr Kilian, ich wünsche Ihnen einen guten Start in "
            "2012! Wir kennen uns beide noch nicht und ich möchte Sie direkt auf eine eher "
            "unkonventionelle Art und Weise etwas fragen, weil ich Sie gerne als neuen Kunden "
            "gewinnen möchte.",
            Category.HONEST_PITCH,
        ),
        (
            "seed000-event",
            "Sehr geehrter Herr Kilian, und wie hat Ihnen gestern die Veranstaltung "
            "gefallen? Ich möchte Sie gerne zu meinen Kontakten hinzufügen und freue mich auf Ihre "
            "Bestätigung.",
            Category.KNOWN,
        ),
        (
            "seed000-default",
            "Sehr geehrter Herr Kilian, ich würde Sie gerne zu meinen Kontakten hinzufügen.",
            Category.GENERIC,
        ),
        ("seed000-app", "per iPhone-App", Category.GENERIC),
        ("seed000-reason8", "Vielleicht ergeben sich wertvolle Synergien.", Category.VAGUE),
        (
            "seed002-winwin",
            "Eine Win-Win-Situation nach Kontaktbestätigung, Vorteile für beide Seiten!",
            Category.VAGUE,
        ),
        (
            "seed000-reason3",
            "Wie ich lese, sind Sie ja auch in der Gruppe „Aufträge und "
            "Kundengewinnung“, wie schön!",
            Category.COLLECTOR,
        ),
        ("seed000-reason10", "„Kontakte schaden nur dem, der keine hat.“", Category.COLLECTOR),
        (
            "seed000-reason7",
            "Ich suche derzeit gute Kontake aus dem Bereich Gebäudetechnik.",
            Category.COLLECTOR,
        ),
        (
            "seed000-finance",
            "Vielen Dank für die Kontaktbestätigung! Ich lade Sie zu meinem "
            "7-Jahres-Kurs zur finanziellen Freiheit ein.",
            Category.SPAM,
        ),
        (  # seed 001 lists group, synergies and download as the collectors' standard letter
            "seed001-download",
            "Wir sind in der gleichen Gruppe, vielleicht ergeben sich Synergien. "
            "Hier mein kostenloser Download für Sie!",
            Category.COLLECTOR,
        ),
    ],
)
def test_seed_examples(engine: Engine, case: str, text: str, category: Category) -> None:
    verdict = engine.score(Request(text=text, recipient=KILIAN))
    explained = [(h.name, round(h.score, 2)) for h in verdict.hits]
    assert LABEL_OF_CATEGORY[verdict.category] is LABEL_OF_CATEGORY[category], explained
    assert verdict.action in SEED_ACTIONS[category], (verdict.action, explained)


def test_guard_keeps_genuine_evidence_from_being_declined(engine: Engine) -> None:
    text = (
        "Hallo Herr Kilian, wir haben uns gestern auf der Messe kennengelernt. "
        "Übrigens: Kontakte schaden nur dem, der keine hat!"
    )
    verdict = engine.score(Request(text=text, recipient=KILIAN))
    assert verdict.action not in HARMFUL_ACTIONS


def test_known_contact_is_accepted_despite_stock_phrases(engine: Engine) -> None:
    request = Request(
        text="Vielleicht ergeben sich Synergien.",
        sender=Profile(id="s1"),
        known_contacts=frozenset({"s1"}),
    )
    assert engine.score(request).category is Category.KNOWN


def test_unknown_weight_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="PHRASE_NOPE"):
        Engine(weights={"PHRASE_NOPE": 1.0})


def test_weights_change_the_score() -> None:
    request = Request(text="Vielleicht ergeben sich Synergien.")
    assert (
        Engine(weights={"PHRASE_SYNERGIES": 5.0}).score(request).score
        > Engine().score(request).score
    )


def test_hits_sorted_by_contribution(engine: Engine) -> None:
    verdict = engine.score(Request(text="Synergien! Kontakte schaden nur dem, der keine hat."))
    contributions = [abs(h.score) for h in verdict.hits]
    assert contributions == sorted(contributions, reverse=True)


def test_recipient_owned_newsletter_is_no_bait(engine: Engine):
    """The recipient's own newsletter and e-book are a reference, not bait. (Which label the
    combiner gives a customer asking for training is its reading of real text: since the
    refit on 768 rows it says honest pitch, answered without connecting, never declined.)"""
    text = (
        "Hallo Herr Kilian, ich habe Ihren Newsletter abonniert und Ihr E-Book gelesen. "
        "Könnten Sie unser Vertriebsteam im Frühjahr schulen?"
    )
    verdict = engine.score(Request(text=text, recipient=KILIAN))
    assert [h.name for h in verdict.hits if h.group == "spam"] == []
    assert "GOOD_PROFILE_REFERENCE" in verdict.signal_names
    assert verdict.category is not Category.SPAM
    assert verdict.action not in HARMFUL_ACTIONS


@pytest.mark.parametrize(
    ("case", "text", "category"),
    [
        (
            "seller-who-read-the-podcast",
            "Hallo Herr Kilian, ich höre Ihren Podcast Akquise gern. Ganz offen: Ich verkaufe "
            "Headsets für Callcenter, ab 49 Euro pro Monat. Darf ich Ihnen ein Testgerät schicken?",
            Category.HONEST_PITCH,
        ),
        (
            "discount-in-an-open-pitch-is-no-bait",
            "Hallo Herr Kilian, ich bin im Vertrieb eines Fachhändlers und ja, das ist eine "
            "Verkaufsanfrage: Wir haben Headsets als Vorführgeräte mit 20 % Rabatt.",
            Category.HONEST_PITCH,
        ),
        (  # no role, no reason: as good as the default text (the real corpus's reading)
            "recruiter-without-details-is-no-reason",
            "Hello Thomas, I'm a recruiter and would love to connect regarding opportunities.",
            Category.GENERIC,
        ),
        (
            "claimed-interest-me-too",
            "Hi Thomas, I saw you're into mountain biking, me too! Let's connect.",
            Category.COLLECTOR,
        ),
        (
            "worked-together",
            "Hi Thomas, it was a pleasure working with you on the CRM rollout last year!",
            Category.KNOWN,
        ),
    ],
)
def test_paraphrases_beyond_the_seeds(engine: Engine, case: str, text: str, category: Category):
    verdict = engine.score(Request(text=text, recipient=KILIAN))
    assert LABEL_OF_CATEGORY[verdict.category] is LABEL_OF_CATEGORY[category], (
        case,
        verdict.signal_names,
    )
    if category in (Category.PERSONAL, Category.HONEST_PITCH, Category.KNOWN):
        assert verdict.action not in HARMFUL_ACTIONS
    else:
        assert verdict.action not in ACCEPTING_ACTIONS
