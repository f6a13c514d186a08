"""Personalisation, profile and behaviour signals, judged against the recipient's profile."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kontaktfilter.engine import Engine
from kontaktfilter.model import Profile, Request, SenderHistory
from kontaktfilter.signals.salutation import parse_nicknames

KILIAN = Profile(
    name="Thomas Kilian",
    gender="m",
    interests=("Segeln", "Golden Retriever", "Resthöfe"),
    offers=("Vertriebstraining", "Akquise-Coaching"),
    seeks=("Kooperationspartner für Podcast",),
    groups=("Aufträge und Kundengewinnung",),
    publications=(
        "Die 10 schlechtesten Gründe für eine Kontaktanfrage bei XING",
        "Klasse statt Masse",
    ),
)
NOW = datetime(2026, 11, 20, 12, 0)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def fired(engine: Engine, text: str, **kwargs) -> tuple[str, ...]:
    return engine.score(Request(text=text, **kwargs), now=NOW).signal_names


@pytest.mark.parametrize(
    ("case", "text", "expected"),
    [
        ("wrong-title", "Hallo Frau Kilian, schön von Ihnen zu lesen.", True),
        ("wrong-surname", "Sehr geehrter Herr Müller, ich habe eine Frage.", True),
        ("right", "Sehr geehrter Herr Kilian, ich habe eine Frage.", False),
        ("right-typo", "Sehr geehrter Herr Kilan, ich habe eine Frage.", False),
        ("first-name", "Hallo Thomas, lange nicht gesehen!", False),
        ("ae-spelling", "Hallo Herr Kilian, Gruesse aus Koeln.", False),
        ("team", "Hallo Team, wir haben eine Frage.", False),
        ("en-wrong", "Dear Ms Kilian, I have a question.", True),
        ("ich-liebe", "Ich liebe Segeln und habe Ihr Buch gelesen.", False),
        ("time-of-day", "Guten Abend Herr Kilian, danke für den Vortrag.", False),
        ("regional", "Grüß Gott Herr Kilian, eine kurze Frage.", False),
        ("regional-wrong", "Grüß Gott Frau Kilian, eine kurze Frage.", True),
        ("en-afternoon", "Good afternoon Mr Kilian, a quick question.", False),
        ("pronoun-after-greeting", "Guten Tag, Ihre Firma und meine passen gut zusammen.", False),
        ("closing-only", "Liebe Grüße", False),
        ("comma-then-word", "Guten Tag, Anfrage zur Vernetzung. Gruß", False),
        ("comma-then-pronoun", "Hi, I'd like to ask you something.", False),
        ("comma-then-title", "Guten Tag, Frau Kilian, eine kurze Frage.", True),
    ],
)
def test_salutation_mismatch(engine, case, text, expected) -> None:
    assert ("PERS_SALUTATION_MISMATCH" in fired(engine, text, recipient=KILIAN)) is expected


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("Katharina Vogt", "Hi Kathi, schön dich hier zu finden!", False),
        ("Henrik Olsen", "Hey Rik, it's Søren from the course.", False),
        ("Grace Adeyemi", "Hey Gracie, see you at the rink.", False),
        ("Jana Petersen", "Hey Janni, die Nachbarin hier.", False),
        ("Tom Gallagher", "Hey Gally! Still birdwatching?", False),
        ("Friedrich Brandl", "Servus Fritz, schön dich zu sehen!", False),  # data/nicknames.txt
        ("Elizabeth Moore", "Hi Liz, great to run into you again.", False),
        ("Josef Huber", "Griaß di Sepp, wie gehts?", False),
        ("Friedrich Brandl", "Servus Franz, schön dich zu sehen!", True),
        ("Markus Kraus", "Hallo Martin, eine Frage.", True),
        ("Thomas Kilian", "Hallo Tobias, eine Frage.", True),
        ("Katharina Vogt", "Hallo Frau Kathi, eine Frage.", True),
        ("Merle Okonkwo-Hansen", "Sehr geehrte Frau Okonkwo-Hansen, eine Frage.", False),
        ("Merle Okonkwo-Hansen", "Guten Tag Frau Hansen, eine Frage.", False),
        ("Siobhan O'Brien", "Dear Ms O'Brien, one question.", False),
        ("Merle Okonkwo-Hansen", "Guten Tag Frau Ohlsen, eine Frage.", True),
    ],
)
def test_salutation_allows_pet_forms_of_the_name(engine, name, text, expected) -> None:
    recipient = Profile(name=name, gender="f")
    assert ("PERS_SALUTATION_MISMATCH" in fired(engine, text, recipient=recipient)) is expected


def test_nickname_file_lines_are_checked() -> None:
    assert ("sepp", "josef") in parse_nicknames("# comment\nJosef: Sepp Seppi\n")
    with pytest.raises(ValueError, match="nicknames.txt:2: expected"):
        parse_nicknames("josef: sepp\nfriedrich fritz\n")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Sehr geehrte Frau Kilian, ich würde Sie gerne zu meinen Kontakten hinzufügen.",
            "generic",
        ),
        ("Dear Mr Miller, I'd like to add you to my network.", "generic"),
        ("Sehr geehrte Frau Kilian, ich suche Kontakte aus dem Bereich Vertrieb.", "collector"),
    ],
)
def test_wrong_name_alone_is_generic_not_collector(engine, text, category) -> None:
    verdict = engine.score(Request(text=text, recipient=KILIAN), now=NOW)
    assert verdict.category.value == category


def test_salutation_unknown_recipient_never_fires(engine) -> None:
    assert "PERS_SALUTATION_MISMATCH" not in fired(engine, "Hallo Frau Kilian, guten Tag.")


def test_no_salutation(engine) -> None:
    assert "PERS_NO_SALUTATION" in fired(engine, "Vielleicht ergeben sich wertvolle Synergien.")
    assert "PERS_NO_SALUTATION" not in fired(engine, "Guten Tag Herr Kilian, eine Frage.")
    for regional in ("Grüezi Frau Kilian, eine Frage.", "Griaß di Anna, wie gehts?"):
        assert "PERS_NO_SALUTATION" not in fired(engine, regional)  # folded: "grueezi"


@pytest.mark.parametrize(
    ("platform", "membership", "strength"),
    [
        ("xing", "basic", 0.3),
        ("linkedin", None, 0.6),
        ("other", None, 1.0),
        ("xing", "premium", 1.0),
    ],
)
def test_empty_note_strength_follows_platform(engine, platform, membership, strength) -> None:
    request = Request(text="  ", platform=platform, sender=Profile(membership=membership))
    hit = next(h for h in engine.score(request).hits if h.name == "PERS_EMPTY_NOTE")
    assert hit.strength == strength


def test_phantom_thanks_not_for_known_contact_messages(engine) -> None:
    text = "Danke für die Vernetzung, wie besprochen anbei die Unterlagen."
    sender = Profile(id="u1", name="Eva Roth")
    assert "PERS_PHANTOM_THANKS" in fired(engine, text, sender=sender)
    known = fired(engine, text, sender=sender, kind="message", known_contacts=frozenset({"u1"}))
    assert "PERS_PHANTOM_THANKS" not in known
    assert "GOOD_KNOWN_CONTACT" in known


@pytest.mark.parametrize(
    ("text", "mismatch"),
    [
        ("Ich habe gesehen, dass Sie sich auch für Golf interessieren.", True),
        ("Ich habe gesehen, dass Sie sich auch für Segeln interessieren.", False),
        ("Ich habe gesehen, dass Sie sich auch für Segelsport interessieren.", False),
        ("I noticed you are also interested in golden retrievers.", False),
        ("I noticed you are also interested in crypto trading.", True),
    ],
)
def test_claimed_interest_checked_against_profile(engine, text, mismatch) -> None:
    names = fired(engine, text, recipient=KILIAN)
    assert ("PERS_INTEREST_MISMATCH" in names) is mismatch
    assert ("GOOD_SHARED_INTEREST" in names) is not mismatch


@pytest.mark.parametrize(
    ("text", "shared"),
    [
        ("In Ihrem Profil steht Segeln – segeln Sie im Mai in Kiel mit?", True),
        ("Your profile says golden retrievers, do you know a breeder near Kiel?", True),
        ("In Ihrem Profil steht Golf – da sollten wir uns vernetzen!", False),
        ("Your profile says you're looking for a podcast partner.", False),
    ],
)
def test_a_profile_mention_counts_only_when_it_is_on_the_profile(engine, text, shared) -> None:
    """Naming what the profile shows is a reference; naming what it does not is no pretext
    either (it may be a seek, 'your profile says you're looking for'), so it never hurts."""
    names = fired(engine, text, recipient=KILIAN)
    assert ("GOOD_SHARED_INTEREST" in names) is shared
    assert "PERS_INTEREST_MISMATCH" not in names


def test_interest_check_needs_a_profile(engine) -> None:
    names = fired(engine, "Ich habe gesehen, dass Sie sich auch für Golf interessieren.")
    assert "PERS_INTEREST_MISMATCH" not in names and "GOOD_SHARED_INTEREST" not in names


def test_publication_and_offer_references(engine) -> None:
    text = "Ihr Beitrag „Klasse statt Masse“ hat mich überzeugt. Bieten Sie Vertriebstrainings an?"
    names = fired(engine, text, recipient=KILIAN)
    assert "GOOD_PUBLICATION_MATCH" in names
    assert "GOOD_OFFER_MATCH" in names
    assert "GOOD_CONCRETE_QUESTION" in names


def test_offer_words_inside_a_pretext_do_not_count(engine) -> None:
    text = "Ich suche Kontakte aus dem Bereich Vertriebstraining."
    assert "GOOD_OFFER_MATCH" not in fired(engine, text, recipient=KILIAN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wir sind beide bei Aufträge und Kundengewinnung, daher meine Anfrage.", True),
        ("Hallo Thomas, auch in der Gruppe Auftraege und Kundengewinnung?", True),
        ("Wie machen Sie eigentlich Kundengewinnung im Handwerk?", False),
        ("Ich habe Ihren Podcast gehört und eine Frage zu Aufträgen.", False),
    ],
)
def test_group_pretext(engine, text, expected) -> None:
    assert ("PERS_GROUP_PRETEXT" in fired(engine, text, recipient=KILIAN)) is expected


def test_group_pretext_needs_the_words_as_written(engine) -> None:
    owner = Profile(name="Stefan Berger", groups=("Junge Unternehmer Oberpfalz",))
    text = "Wir sind ein junges Unternehmen und suchen Partner für eine Zusammenarbeit."
    assert "PERS_GROUP_PRETEXT" not in fired(engine, text, recipient=owner)


def test_group_pretext_needs_the_words_close_together(engine) -> None:
    owner = Profile(name="Jana Weiß", groups=("Kita-Leitungen Sachsen",))
    spread = "Ich mache seit Jahren Kita-Fotografie in ganz Sachsen, gern auch bei Ihnen."
    assert "PERS_GROUP_PRETEXT" not in fired(engine, spread, recipient=owner)
    named = "Wie ich sehe, sind Sie auch bei den Kita-Leitungen Sachsen aktiv."
    assert "PERS_GROUP_PRETEXT" in fired(engine, named, recipient=owner)


ROOFER = Profile(
    name="Marek Nowak", publications=("Blog: Wann lohnt sich eine Dachsanierung wirklich?",)
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ich vergleiche Ihre Police; wenn es sich nicht lohnt, sage ich das auch.", False),
        ("When would it really suit you to talk?", False),
        ("Ihr Beitrag zur Dachsanierung kam genau richtig, wir planen eine.", True),
    ],
)
def test_function_words_are_no_publication_reference(engine, text, expected) -> None:
    names = fired(engine, text, recipient=ROOFER)
    assert ("GOOD_PUBLICATION_MATCH" in names) is expected


def test_a_function_word_is_no_prefix_of_a_title_word(engine) -> None:
    author = Profile(name="Eva Roth", publications=("Buch: Die Übergabe im Familienbetrieb",))
    text = "Ich berate Familienbetriebe. Vielleicht reden wir mal über Themen für beide?"
    publication = [h for h in engine.score(Request(text=text, recipient=author)).hits]
    spans = [s.text for h in publication if h.name == "GOOD_PUBLICATION_MATCH" for s in h.spans]
    assert "über" not in spans


VIOLIST = Profile(
    name="Sabine Hartwig", interests=("Kammermusik (Bratsche)", "Radtouren im Münsterland")
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Unser Quartett sucht für die Kammermusik-Reihe im Juni noch eine Bratsche.", True),
        ("Ich fahre jedes Wochenende Radtouren im Münsterland, kommen Sie mal mit?", True),
        ("Wie ich sehe, interessieren Sie sich auch für Kammermusik!", False),
        ("Kammermusik verbindet! Lassen Sie uns vernetzen.", False),
        ("Spielen Sie Bratsche? Unser Orchester probt donnerstags, Sie wären willkommen.", True),
        ("Ich verkaufe Kühlschränke für Apotheken.", False),
    ],
)
def test_interest_named_in_own_words(engine, text, expected) -> None:
    names = fired(engine, text, recipient=VIOLIST)
    assert ("GOOD_INTEREST_MATCH" in names) is expected


def test_networking_question_is_not_concrete(engine) -> None:
    assert "GOOD_CONCRETE_QUESTION" not in fired(engine, "Wollen Sie sich mit mir vernetzen?")


@pytest.mark.parametrize(
    "text",
    [
        "Wann hätten Sie nächste Woche Zeit für uns?",
        "Wären Sie offen für einen Wechsel in eine neue Position?",
        "When are you available to talk next week?",
        "Ich habe eine Karriereoption für Sie. Darf ich Sie anrufen?",
        "A client of mine is hiring. Would you be interested in hearing more?",
        "Ich sehe da viel Potenzial für uns. Wann passt es Ihnen für ein Telefonat?",
        "Eine Idee hätte ich. Wann sind Sie am besten erreichbar?",
        "Ich habe ein Thema für Sie, wann können wir darüber sprechen?",
        "Are you tired of writing the same onboarding emails every month?",
        "Ich hätte da einen Vorschlag. Sind Sie Donnerstag frei?",
        "Got an idea for your team - when would you be free for a quick call?",
        "Wir sind ein junges Team aus Ulm. Hätten Sie Lust auf einen Austausch?",
    ],
)
def test_scheduling_question_is_not_concrete(engine, text) -> None:
    assert "GOOD_CONCRETE_QUESTION" not in fired(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "We restore old shop signs. Shall we send you a quote for your storefront?",
        "Wir bauen Messestände. Darf ich Ihnen unseren Katalog schicken?",
        "Could I mail you our spring price list for your team?",
    ],
)
def test_offer_to_send_sales_material_is_not_concrete(engine, text) -> None:
    assert "GOOD_CONCRETE_QUESTION" not in fired(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Sie suchen eine Buchhalterin in Teilzeit. Darf ich Ihnen meine Unterlagen schicken?",
        "Could you send me your price list for the autumn workshops?",
    ],
)
def test_asking_for_material_or_sending_an_application_stays_concrete(engine, text) -> None:
    assert "GOOD_CONCRETE_QUESTION" in fired(engine, text)


def test_concrete_question_still_fires(engine) -> None:
    text = "Gilt die verkürzte Frist auch für Sie als Arbeitgeber von Teilzeitkräften?"
    assert "GOOD_CONCRETE_QUESTION" in fired(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Wir feiern im Juni mit 60 Gästen. Haben Sie am letzten Juniwochenende noch frei?",
        "We're planning a team offsite in May. Are you still free on the 14th?",
    ],
)
def test_asking_whether_a_date_is_still_free_is_concrete(engine, text) -> None:
    assert "GOOD_CONCRETE_QUESTION" in fired(engine, text)


def test_concrete_question_about_freelancing_still_fires(engine) -> None:
    text = "Do you freelance for agencies, or only for direct clients like us?"
    assert "GOOD_CONCRETE_QUESTION" in fired(engine, text)


def test_concrete_question_with_an_english_contraction(engine) -> None:
    text = "I'm moving from IC to EM next month. Any book you'd recommend for the first 90 days?"
    assert "GOOD_CONCRETE_QUESTION" in fired(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Hallo Frau Kilian, auch Sie lieben das Bogenschießen? Ich auch!",
        "Lieben Sie auch gutes Essen? Dann vernetzen wir uns.",
        "Hi Anna, are you also interested in blockchain like me?",
    ],
)
def test_pretext_question_is_not_concrete(engine, text) -> None:
    assert "GOOD_CONCRETE_QUESTION" not in fired(engine, text)


def test_informal_german_question_is_not_counted(engine) -> None:
    text = "Ich arbeite an einem Projekt für dich. Magst du mehr darüber erfahren?"
    assert "GOOD_CONCRETE_QUESTION" not in fired(engine, text)


@pytest.mark.parametrize(
    ("contacts", "created", "many", "young"),
    [
        (999, date(2026, 5, 1), True, True),
        (999, date(2009, 1, 1), True, False),
        (300, date(2026, 9, 1), False, True),
        (120, date(2026, 10, 1), False, False),
        (None, None, False, False),
    ],
)
def test_profile_signals(engine, contacts, created, many, young) -> None:
    names = fired(engine, "Hallo", sender=Profile(contacts=contacts, created=created))
    assert ("PROF_MANY_CONTACTS" in names) is many
    assert ("PROF_YOUNG_PROFILE_MANY_CONTACTS" in names) is young


@pytest.mark.parametrize(("withdrawn", "expected"), [(0, False), (1, False), (2, True), (9, True)])
def test_fast_withdrawals(engine, withdrawn, expected) -> None:
    history = SenderHistory(requests=10, withdrawn_within_7_days=withdrawn)
    assert ("BEH_WITHDRAWS_FAST" in fired(engine, "Hallo", sender_history=history)) is expected


def test_unanswered_question(engine) -> None:
    history = SenderHistory(unanswered_questions=1)
    assert "BEH_UNANSWERED_QUESTIONS" in fired(engine, "Hallo", sender_history=history)


def test_thanks_for_the_follow_is_phantom_thanks(engine) -> None:
    assert "PERS_PHANTOM_THANKS" in fired(engine, "Thanks for the follow, appreciate it!")
