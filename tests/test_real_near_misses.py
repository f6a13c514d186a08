"""Near misses from real requests (eval/real/, sources there): notes on which a rule tuned to our
own writing fired wrongly, each with the side it must land on. The signal checks hold whatever
the combiner learned; the side checks run the whole engine."""

from __future__ import annotations

import pytest

from kontaktfilter.engine import Engine
from kontaktfilter.model import ACCEPTING_ACTIONS, HARMFUL_ACTIONS, Request

ENGINE = Engine()
RULES = Engine(corpus=None)

GENUINE = "genuine"  # never declined or reported
UNWANTED = "unwanted"  # never accepted


@pytest.mark.parametrize(
    ("case", "text", "silent", "fires", "side"),
    [
        (  # en-0005r: a named event first, the stock phrase only closes the note
            "stock-closing-after-an-event",
            "Hi Laura, saw you're speaking at LogiMAT in Stuttgart. I'll be there too—would "
            "love to connect beforehand.",
            "PHRASE_DEFAULT_TEXT",
            None,
            GENUINE,
        ),
        (  # en-0135r: a post about a company's home-office policy is no MLM bait
            "work-from-home-as-a-topic",
            "Hi Daniel,\nI came across your post on your company allowing it’s employees to work "
            "from home and I found it really inspiring!\nSince I am an aspiring PM & we are into "
            "building things, looking forward to connect and network.",
            "PHRASE_GET_RICH",
            None,
            GENUINE,
        ),
        (  # en-0151: the first message after connecting thanks for the connection, rightly
            "thanks-in-a-message-after-connecting",
            "Hi [Name],\n\nThanks for connecting! I've been following your work on [specific "
            "topic] and really appreciated your insights on [specific point].",
            "PERS_PHANTOM_THANKS",
            "TPL_PLACEHOLDER",
            GENUINE,
        ),
        (  # r5-0060: a job-seeker's template leaves the concrete reason as a slot to fill
            "slot-for-a-concrete-reference",
            "Hi [Name], I noticed we're both in the [industry/field] space, and I'm particularly "
            "interested in [specific company/project they're involved with]. As a PhD "
            "transitioning from academia to industry, I'd love to learn from your experience "
            "at [Company].",
            None,
            "TPL_REFERENCE_SLOT",
            GENUINE,
        ),
        (  # the platform's default text with nothing else is what the signal is for
            "default-text-alone",
            "I'd like to add you to my professional network on LinkedIn.",
            None,
            "PHRASE_DEFAULT_TEXT",
            UNWANTED,
        ),
        (  # de-0141: XING's default text in XING's own SDK fixture
            "xing-default-text",
            "Sehr geehrter Herr Irgendwas, ich würde Sie gern zu meinen Kontakten hinzufügen.",
            None,
            "PHRASE_DEFAULT_TEXT",
            UNWANTED,
        ),
        (  # en-0056: a template with a slot is a mass tool; the empty note around it decides
            "placeholder-in-a-bare-template",
            "Hi {{name}}! Would you like to connect?",
            None,
            "TPL_PLACEHOLDER",
            UNWANTED,
        ),
    ],
)
def test_real_near_misses(
    case: str, text: str, silent: str | None, fires: str | None, side: str
) -> None:
    kind = "message" if case.startswith("thanks-in-a-message") else "contact_request"
    request = Request(text=text, kind=kind)
    names = RULES.score(request).signal_names
    if silent:
        assert silent not in names, (case, names)
    if fires:
        assert fires in names, (case, names)
    verdict = ENGINE.score(request)
    if side == GENUINE:
        assert verdict.action not in HARMFUL_ACTIONS, (case, verdict.action, verdict.rule)
    else:
        assert verdict.action not in ACCEPTING_ACTIONS, (case, verdict.action, verdict.rule)


def test_a_placeholder_alone_is_never_a_reason_to_report() -> None:
    """en-0001: a genuine template whose slots are unfilled stays on the genuine side."""
    text = (
        "Hi [Name], I see we're both connected to [Mutual]. I've been following your posts on "
        "[topic] and would love to connect. [Your name]"
    )
    verdict = ENGINE.score(Request(text=text))
    assert "TPL_PLACEHOLDER" in verdict.signal_names
    assert verdict.action not in HARMFUL_ACTIONS


@pytest.mark.parametrize("text", ["[sic]", "See footnote [1].", "50% more, 20% less"])
def test_no_placeholder_in_plain_brackets_or_percentages(text: str) -> None:
    assert "TPL_PLACEHOLDER" not in RULES.score(Request(text=text)).signal_names


@pytest.mark.parametrize(
    "text",
    [
        "Hi [Name], I'd like to add you to my network at [Company].",
        "Hello {{first_name}}, we're hiring for a [Role] at {{company}}.",
        "Hi [First Name], [industry/field] leaders like you should connect.",
    ],
)
def test_a_name_company_or_role_slot_is_no_reference(text: str) -> None:
    assert "TPL_REFERENCE_SLOT" not in RULES.score(Request(text=text)).signal_names
