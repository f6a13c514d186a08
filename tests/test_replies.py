"""Reply drafts answer what the request asked, in its language and formal address."""

from __future__ import annotations

import pytest

from kontaktfilter.engine import Engine
from kontaktfilter.model import Action, Profile, Request

KILIAN = Profile(
    name="Thomas Kilian",
    gender="m",
    publications=("Klasse statt Masse",),
    offers=("Vertriebstraining",),
)
BERG = Profile(name="Anna Berg", gender="f")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(policy_url="https://k.example/liebe-kontaktsuchende")


def test_personal_reply_quotes_their_question_and_publication(engine: Engine) -> None:
    text = (
        "Sehr geehrter Herr Kilian, Ihr Beitrag „Klasse statt Masse“ hat mich überzeugt. "
        "Bieten Sie das Vertriebstraining auch für Teams von fünf Personen an?"
    )
    verdict = engine.score(Request(text=text, sender=BERG, recipient=KILIAN))
    assert verdict.action is Action.ACCEPT_AND_REPLY
    assert verdict.reply.startswith("Sehr geehrte Frau Berg,")
    assert "„Klasse statt Masse“" in verdict.reply
    assert "Teams von fünf Personen" in verdict.reply
    assert verdict.reply.rstrip().endswith("Thomas Kilian")
    assert "Herzlich willkommen in meinem Netzwerk" not in verdict.reply


def test_vague_reply_asks_what_exactly_the_quoted_phrase_means(engine: Engine) -> None:
    verdict = engine.score(Request(text="Es wäre eine echte Win-Win-Situation!", sender=BERG))
    assert verdict.action is Action.ASK_DETAILS
    assert "„Win-Win“" in verdict.reply and "Was genau" in verdict.reply


def test_english_request_gets_english_reply(engine: Engine) -> None:
    sender = Profile(name="John Smith", gender="m")
    verdict = engine.score(Request(text="I'd love to explore potential synergies.", sender=sender))
    assert verdict.lang == "en"
    assert verdict.reply.startswith("Dear Mr Smith,")
    assert '"synergies"' in verdict.reply


def test_collector_gets_no_comment_and_a_warning(engine: Engine) -> None:
    verdict = engine.score(Request(text="Kontakte schaden nur dem, der keine hat."))
    assert verdict.action is Action.DECLINE_SILENTLY
    assert verdict.reply is None
    assert "Nachrichtenkanal" in verdict.reply_note


def test_decline_with_link_carries_the_policy_url_and_flags_the_channel(engine: Engine) -> None:
    verdict = engine.score(Request(text="Ihr Profil ist sehr interessant."))
    assert verdict.action is Action.DECLINE_WITH_LINK
    assert "https://k.example/liebe-kontaktsuchende" in verdict.reply
    assert "schreiben" in verdict.reply_note  # a comment may let the sender message again


def test_quoted_question_leaves_out_the_greeting(engine: Engine) -> None:
    text = "Sehr geehrter Herr Kilian, könnten Sie uns bei der Einführung von SAP helfen?"
    verdict = engine.score(Request(text=text, sender=BERG, recipient=KILIAN))
    assert "„könnten Sie uns bei der Einführung von SAP helfen?“" in verdict.reply


def test_known_contact_reply_refers_to_the_meeting(engine: Engine) -> None:
    verdict = engine.score(
        Request(text="Schön, Sie gestern auf der Messe in Köln getroffen zu haben!")
    )
    assert verdict.action is Action.ACCEPT
    assert "Messe" in verdict.reply


def test_spam_is_reported_without_reply(engine: Engine) -> None:
    verdict = engine.score(Request(text="Ich lade Sie zu meinem kostenlosen Webinar ein."))
    assert verdict.action is Action.REPORT_SPAM and verdict.reply is None


def test_empty_note_from_xing_basic_member_is_held(engine: Engine) -> None:
    request = Request(text="", platform="xing", sender=Profile(membership="basic"))
    verdict = engine.score(request)
    assert verdict.action is Action.HOLD_WAIT
    assert "7 Tage" in verdict.reply_note
