"""Personal signals about the note as a whole: an empty note, a sender the user knows, thanks
for a contact that does not exist (seed 000), and a concrete question to the recipient, told
apart from a pitch's "Hätten Sie Interesse an einem Gespräch?". Greetings are in
signals.salutation, references to the recipient's profile in signals.references.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from kontaktfilter.model import Hit, Request, Role, say
from kontaktfilter.signals.context import Context
from kontaktfilter.signals.registry import register
from kontaktfilter.signals.salutation import greeting_of
from kontaktfilter.text.note import fold

NETWORKING_STEMS = ("vernetz", "connect", "kontakt", "netzwerk", "network", "verknuepf")
PITCH_QUESTION_STEMS = (
    "interess",
    "gespraech",
    "termin",
    "call",
    "chat",
    "demo",
    "telefonat",
    "detail",
    "open",
    "offen",
    "zeit",
    "available",
    "verfueg",
    "anruf",
    "telefon",
    "erzaehl",
    "hear",
    "vorfuehr",
    "praesentier",
    "passt",
    "erreich",
    "sprech",
    "besprech",
    "tired",
    "austausch",
)
"""'Hätten Sie Interesse an einem Gespräch?', 'Wann hätten Sie Zeit?', 'Wären Sie offen für ...?',
'Darf ich Sie anrufen?', 'Wann passt es Ihnen?', 'Wann sind Sie erreichbar?', 'Wann können wir
sprechen?', 'Lust auf einen Austausch?' or 'Interested in hearing more?' ask for the sender's
benefit (a call, a pitch, an unspecified exchange), not about a concrete need; 'Are you tired of
...?' is a sales opener, never a question about the recipient."""
NON_QUESTION_STEMS = NETWORKING_STEMS + PITCH_QUESTION_STEMS
SENDER_WORDS = frozenset("i ich we wir".split())
SEND_STEMS = ("send", "schick", "zukommen", "mail")
SALES_MATERIAL_STEMS = (
    "pric",
    "preis",
    "quote",
    "angebot",
    "katalog",
    "catalog",
    "brochure",
    "broschuer",
    "flyer",
    "proposal",
    "muster",
    "sample",
)
"""'Can I send you our pricing?', 'Darf ich Ihnen eine Preisliste schicken?': the sender offers
to send sales material, which is a pitch. 'Could you send me your price list?' asks the
recipient for something, and 'Darf ich Ihnen meine Unterlagen schicken?' (an applicant) answers
their need: both stay questions."""
FREE_WORDS = frozenset({"free", "frei"})
STILL_WORDS = frozenset({"noch", "still"})
"""'When are you free?', 'Sind Sie Donnerstag frei?' schedule a call like 'Zeit' does; whole
words only, as 'freelance' or 'freiberuflich' may well be part of a real question. 'Haben Sie
am 12. Mai noch frei?' asks whether a date is still open: a booking, a concrete need."""
ADDRESSEE_WORDS = frozenset("sie ihnen ihr you your you'd you're you've you'll youd youre".split())
"""A question to the recipient addresses them ("Any book you'd recommend?" included). Informal
German ("Magst du mehr erfahren?", "Bist du dabei?") is left out: collectors and vague notes
ask that way as often as real people."""
PRETEXT_FAMILIES = (
    "interest_pretext",
    "shared_group",
    "same_field",
    "seeking_contacts",
    "expand_network",
    "internet_research",
    "profile_visit",
)
"""Collector pretexts: a question made of one ("Auch Sie lieben das Reiten?") asks nothing."""


@register(
    "PERS_EMPTY_NOTE",
    2.0,
    "generic",
    "Carries no note at all (weak evidence where the platform lets no note be added)",
    "Enthält keine Nachricht (schwaches Indiz, wo die Plattform keine Nachricht erlaubt)",
)
def empty_note(request: Request, ctx: Context) -> list[Hit]:
    if ctx.note.tokens:
        return []
    if request.platform == "xing" and request.sender.membership == "basic":
        return [
            Hit(
                0.3,
                (),
                say(
                    "empty note from a XING basic member, who cannot add one",
                    "leere Nachricht eines XING-Basis-Mitglieds, das keine hinzufügen kann",
                ),
            )
        ]
    if request.platform == "linkedin":
        return [
            Hit(
                0.6,
                (),
                say(
                    "empty note; LinkedIn limits notes for free members",
                    "leere Nachricht; LinkedIn begrenzt Nachrichten für kostenlose Mitglieder",
                ),
            )
        ]
    return [Hit(1.0, (), say("empty note", "leere Nachricht"))]


def sender_is_known(request: Request) -> bool:
    if not request.known_contacts:
        return False
    keys = {key for key in (request.sender.id, request.sender.name) if key}
    known = {fold(entry) for entry in request.known_contacts}
    return any(fold(key) in known for key in keys)


@register(
    "GOOD_KNOWN_CONTACT",
    -6.0,
    "known",
    "The sender is among the recipient's known contacts",
    "Der Absender ist ein bekannter Kontakt des Empfängers",
    roles=(Role.PROTECTS,),
)
def known_contact(request: Request, ctx: Context) -> list[Hit]:
    if sender_is_known(request):
        return [
            Hit(
                1.0,
                (),
                say(
                    f"known contact: {request.sender.name or request.sender.id}",
                    f"bekannter Kontakt: {request.sender.name or request.sender.id}",
                ),
            )
        ]
    return []


@register(
    "PERS_PHANTOM_THANKS",
    3.0,
    "collector",
    "Thanks for a connection that does not exist (automated follow-up text)",
    "Bedankt sich für einen Kontakt, der gar nicht besteht (automatisierter Text)",
    families=("phantom_thanks",),
)
def phantom_thanks(request: Request, ctx: Context) -> list[Hit]:
    """Only on an invitation: in the first message after connecting the thanks are due."""
    if request.kind == "message":
        return []
    match = ctx.family("phantom_thanks")[0]
    return [
        Hit(
            1.0,
            (ctx.span(match.first, match.last),),
            say("thanks for a non-existent contact", "Dank für einen Kontakt, den es nicht gibt"),
        )
    ]


def _offers_to_send_sales_material(words: Sequence[str]) -> bool:
    return (
        not SENDER_WORDS.isdisjoint(words)
        and any(w.startswith(SEND_STEMS) for w in words)
        and any(w.startswith(SALES_MATERIAL_STEMS) for w in words)
    )


@register(
    "GOOD_CONCRETE_QUESTION",
    -1.5,
    "personal",
    "Asks the recipient a concrete question",
    "Stellt dem Empfänger eine konkrete Frage",
    roles=(Role.REASON,),
)
def concrete_question(request: Request, ctx: Context) -> list[Hit]:
    note = ctx.note
    if not note.questions:
        return []
    greeting = greeting_of(ctx)
    after_greeting = greeting.last + 1 if greeting else 0
    pretexts = None  # looked up for the first question that addresses the recipient
    for sentence in sorted(note.questions):
        first = max(bisect_left(note.sentences, sentence), after_greeting)
        last = bisect_right(note.sentences, sentence) - 1
        words = note.tokens[first : last + 1]
        if len(words) < 4 or ADDRESSEE_WORDS.isdisjoint(words):
            continue
        if pretexts is None:
            pretexts = ctx.covered_by(PRETEXT_FAMILIES)
        if pretexts.intersection(range(first, last + 1)):
            continue
        if any(w.startswith(NON_QUESTION_STEMS) for w in words):
            continue
        if not FREE_WORDS.isdisjoint(words) and STILL_WORDS.isdisjoint(words):
            continue
        if _offers_to_send_sales_material(words):
            continue
        return [
            Hit(
                1.0,
                (ctx.span(first, last),),
                say("question to the recipient", "Frage an den Empfänger"),
            )
        ]
    return []
