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


DRAFTING = Engine()
SENDER, RECIPIENT = Profile(name="John Smith"), Profile(name="Anna Berg")


def _draft(text: str, action: Action) -> str:
    reply, _ = DRAFTING.draft(Request(text=text, sender=SENDER, recipient=RECIPIENT), action)
    assert reply is not None
    return reply


@pytest.mark.parametrize(
    ("text", "action", "present", "absent"),
    [
        (  # issue 21: an English decline carried the German placeholder
            "Hi, I'd like to add you to my professional network.",
            Action.DECLINE_WITH_LINK,
            "[link to your page for contact seekers]",
            "Link zu Ihrer Seite",
        ),
        (  # an empty note is no personal request
            "",
            Action.ACCEPT_AND_REPLY,
            "thank you for your request.",
            "personal request",
        ),
        (  # a German request for a call in January gets an answer to it, in German
            "Guten Tag Frau Berg, hätten Sie im Januar 30 Minuten für ein Telefonat über Ihre "
            "Logistik-Beratung?",
            Action.ACCEPT_AND_REPLY,
            "Zu Ihrer Frage „hätten Sie im Januar 30 Minuten für ein Telefonat über Ihre "
            "Logistik-Beratung?“: Gern – schlagen Sie mir zwei, drei Zeitpunkte",
            "Guten Tag Frau Berg, hätten",
        ),
        (  # asking back still promises to answer what was asked
            "Guten Tag, hätten Sie im Januar 30 Minuten für ein Telefonat?",
            Action.ASK_DETAILS,
            "Ihre Frage „hätten Sie im Januar 30 Minuten für ein Telefonat?“ beantworte ich gern",
            "[Ihre Antwort]",
        ),
        (
            "Hi Anna, I host a logistics podcast. Would you be open to an interview in March?",
            Action.ACCEPT_AND_REPLY,
            "please send me the questions, the outlet and the length",
            "Interview",
        ),
        (
            "Hello Anna, loved your talk at LogiMAT! Could we meet for a coffee in Stuttgart? "
            "And may I send you a sample of our new pallet sensor?",
            Action.ACCEPT_AND_REPLY,
            "suggest two or three dates",
            "Gern",
        ),
    ],
)
def test_drafts_answer_what_was_asked_in_the_requests_language(text, action, present, absent):
    reply = _draft(text, action)
    assert present in reply and absent not in reply


def test_silent_actions_have_no_draft():
    for action in (Action.DECLINE_SILENTLY, Action.REPORT_SPAM, Action.HOLD_WAIT):
        reply, note = DRAFTING.draft(Request(text="Synergien?"), action)
        assert reply is None and note
