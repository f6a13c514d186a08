"""Personalisation signals: does the note really address this recipient, or only pretend to?

Seed 000 asks for references to the recipient's own profile (publications, "Ich biete/Ich suche",
interests) and warns of pretexts: claimed interests the profile does not have, the wrong name or
the wrong Herr/Frau, thanks for a contact that does not exist.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import NamedTuple

from kontaktfilter.model import Hit, Request, Role
from kontaktfilter.signals.context import (
    Context,
    ProfileTerms,
    content_terms,
    profile_terms,
    term_matches,
)
from kontaktfilter.signals.registry import register
from kontaktfilter.text.note import AnalysedNote, analyse, fold

GREETING_WORDS = frozenset(
    fold(word)
    for word in (
        "hallo hello hi hey dear liebe lieber geehrte geehrter geehrt moin servus servas grüß "
        "griaß gott grüezi gruezi grüessech hoi sali salü tach gude guten good morning afternoon "
        "evening morgen abend tag greetings hallöchen"
    ).split()
)
"""Opening words, time-of-day and regional greetings included: in "Guten Morgen Frau Krüger" or
"Grüß Gott Herr Hofer" the name is the word after the title, never "Morgen" or "Gott". Written
naturally and folded like the notes' words ("Grüezi" is "grueezi")."""
GREETING_OBJECTS = frozenset("eana enk di god".split())
"""Words that may follow a regional greeting word and are still the greeting, never a name:
"Griaß Eana Frau Huber", "Griaß di Florian", "Griaß God"."""
TITLES = {"herr": "m", "herrn": "m", "mr": "m", "frau": "f", "mrs": "f", "ms": "f", "miss": "f"}
ACADEMIC_TITLES = frozenset({"dr", "prof", "professor", "mag", "dipl", "ing"})
NOT_NAMES = frozenset(
    "team zusammen leute all everyone there community netzwerker kollegen kolleginnen allerseits "
    "xing linkedin sir madam friends freunde "
    "ich wir sie ihr ihre ihren ihrem ihnen du dein deine mein meine unser unsere euer eure "
    "i we you your my our gruesse gruss regards wishes".split()
)
"""Pronouns and closing words are never names: "Guten Tag, Ihre Kanzlei ..." and "Liebe Grüße"
have no name in them."""
UNTITLED_NAME_STRENGTH = 0.6
"""A first-name greeting may use a nickname ("Hi Hannes"), so a mismatch there counts less."""
MIN_NOTE_TOKENS_FOR_FORM = 3
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
INTEREST_TERM_LENGTH = 7
"""A hobby is named by its noun ("Bratsche", "Bouldern"): shorter than an offer's specific term,
but field words ("Design") are no hobbies."""
MIN_INTEREST_NOTE_TOKENS = 10
"""A hobby word and 'let's connect' ("Speedway verbindet! Lass uns vernetzen.") is a pretext,
not a personal note: an interest named in own words counts only in a note with some content."""
PROFILE_ENTRY_FIELDS = ("offers", "seeks", "interests", "groups", "publications")


class Greeting(NamedTuple):
    """The opening salutation: token range, Herr/Frau as "m"/"f", the names written."""

    first: int
    last: int
    gender: str | None
    names: tuple[str, ...]


def find_greeting(note: AnalysedNote) -> Greeting | None:
    """The opening salutation ("Sehr geehrter Herr Kilian", "Hi Anna"), if the note has one."""
    tokens, text = note.tokens, note.text
    if tokens and tokens[0] in GREETING_WORDS:
        start = 0
    elif len(tokens) > 1 and tokens[0] == "sehr" and tokens[1] in GREETING_WORDS:
        start = 1
    else:
        return None
    position = start + 1
    while position < len(tokens) and (
        tokens[position] in GREETING_WORDS or tokens[position] in GREETING_OBJECTS
    ):
        position += 1
    if _comma_before(note, position) and (
        position >= len(tokens) or tokens[position] not in TITLES
    ):
        return Greeting(start, position - 1, None, ())
    gender = None
    if position < len(tokens) and tokens[position] in TITLES:
        gender = TITLES[tokens[position]]
        position += 1
    while position < len(tokens) and tokens[position] in ACADEMIC_TITLES:
        position += 1
    names: list[str] = []
    while (
        position < len(tokens)
        and len(names) < 2
        and note.sentences[position] == note.sentences[start]
        and text[note.starts[position]].isupper()
        and tokens[position] not in GREETING_WORDS
        and tokens[position] not in NOT_NAMES
    ):
        names.append(tokens[position])
        position += 1
        if text[note.ends[position - 1] : note.ends[position - 1] + 1] == ",":
            break
    return Greeting(start, max(position - 1, start), gender, tuple(names))


def _comma_before(note: AnalysedNote, position: int) -> bool:
    """A comma closes the greeting ("Guten Tag, Kontaktanfrage.", "Hi, I'd like ..."): the word
    after it starts the message and is no name, unless a title follows ("Guten Tag, Frau X")."""
    if position == 0 or position > len(note.tokens):
        return False
    end = note.ends[position - 1]
    return note.text[end : end + 1] == ","


def greeting_of(ctx: Context) -> Greeting | None:
    return ctx.shared("greeting", lambda: find_greeting(ctx.note))


@lru_cache(maxsize=16_384)
def greeted_by_name(written: tuple[str, ...], recipient: str, titled: bool) -> bool:
    """Whether a name written in the greeting is the recipient's: one typo allowed, and without
    Herr/Frau a short or pet form. Remembered (bounded): the same few recipient names meet the
    same greetings again and again."""
    actual = set(analyse(recipient).tokens)  # as the note is split: "Okonkwo-Hansen" is two
    return any(
        _same_name(n, a) or (not titled and _familiar_form(n, a)) for n in written for a in actual
    )


def _same_name(written: str, actual: str) -> bool:
    """Names match allowing one typo in names of five letters or more."""
    if not actual:
        return False
    if written == actual:
        return True
    if len(actual) < 5 or abs(len(written) - len(actual)) > 1:
        return False
    shorter, longer = sorted((written, actual), key=len)
    if len(shorter) == len(longer):
        return sum(a != b for a, b in zip(shorter, longer, strict=True)) <= 1
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


PET_ENDINGS = ("chen", "erl", "ie", "y", "i")
"""Endings of German and English pet forms: Kathi, Gracie, Gally, Hannerl."""
MIN_NAME_STEM = 3


def parse_nicknames(text: str) -> frozenset[tuple[str, str]]:
    """(nickname, full name) pairs of a nicknames file (data/nicknames.txt), folded."""
    pairs = set()
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            full, colon, nicknames = line.partition(":")
            if not colon or not full.strip() or not nicknames.split():
                raise ValueError(f"data/nicknames.txt:{number}: expected 'name: nickname ...'")
            pairs.update((fold(nick), fold(full.strip())) for nick in nicknames.split())
    return frozenset(pairs)


NICKNAMES = parse_nicknames(
    resources.files("kontaktfilter").joinpath("data/nicknames.txt").read_text("utf-8")
)


def _familiar_form(written: str, actual: str) -> bool:
    """A short or pet form of the name ("Kathi" for Katharina, "Rik" for Henrik, "Janni" for
    Jana), or a listed nickname ("Fritz" for Friedrich): friends greet that way, so without
    Herr/Frau it is no wrong name. The stem, without a pet ending or a doubled last letter, must
    be part of the real name and shorter than it."""
    if (written, actual) in NICKNAMES:
        return True
    stems = {written} | {written[: -len(e)] for e in PET_ENDINGS if written.endswith(e)}
    stems |= {stem[:-1] for stem in stems if len(stem) > 1 and stem[-1] == stem[-2]}
    return any(MIN_NAME_STEM <= len(stem) < len(actual) and stem in actual for stem in stems)


@register(
    "PERS_SALUTATION_MISMATCH",
    2.5,
    "generic",
    "Greets the recipient with the wrong name or the wrong Herr/Frau",
    "Spricht den Empfänger mit falschem Namen oder falscher Anrede (Herr/Frau) an",
)
def salutation_mismatch(request: Request, ctx: Context) -> list[Hit]:
    """A wrong name marks a mass mailing, but alone it shows no intent to collect: beside the
    default text it stays generic (decline with the policy page); beside a pretext the pretext
    makes the collector (docs/data-format.md)."""
    greeting = greeting_of(ctx)
    recipient = request.recipient
    if greeting is None or not recipient.name:
        return []
    problems, strength = [], 0.0
    if greeting.gender and recipient.gender in ("m", "f") and greeting.gender != recipient.gender:
        problems.append("wrong form of address")
        strength = 1.0
    if greeting.names and not greeted_by_name(
        greeting.names, recipient.name, bool(greeting.gender)
    ):
        problems.append("wrong name")
        strength = max(strength, 1.0 if greeting.gender else UNTITLED_NAME_STRENGTH)
    if problems:
        return [Hit(strength, (ctx.span(greeting.first, greeting.last),), ", ".join(problems))]
    return []


@register(
    "PERS_NO_SALUTATION",
    0.5,
    "form",
    "Has no salutation at all",
    "Enthält keine Anrede",
)
def no_salutation(request: Request, ctx: Context) -> list[Hit]:
    if len(ctx.note.tokens) >= MIN_NOTE_TOKENS_FOR_FORM and greeting_of(ctx) is None:
        return [Hit(1.0, (), "no salutation")]
    return []


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
        return [Hit(0.3, (), "empty note from a XING basic member, who cannot add one")]
    if request.platform == "linkedin":
        return [Hit(0.6, (), "empty note; LinkedIn limits notes for free members")]
    return [Hit(1.0, (), "empty note")]


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
        return [Hit(1.0, (), f"known contact: {request.sender.name or request.sender.id}")]
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
    return [Hit(1.0, (ctx.span(match.first, match.last),), "thanks for a non-existent contact")]


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
            hits.append(Hit(1.0, (ctx.span(first, last),), "not on the recipient's profile"))
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
            hits.append(Hit(1.0, (ctx.span(first, last),), "on the recipient's profile"))
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
            hits.append(Hit(1.0, spans, f"publication: {title}"))
    return hits


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
            return [Hit(1.0, (ctx.span(positions[0], positions[0]),), f"{label}: {text}")]
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
            return [Hit(1.0, (ctx.span(positions[0], positions[0]),), f"interest: {text}")]
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
            return [Hit(1.0, (ctx.span(close[0][0], close[-1][1]),), f"group: {text}")]
    return []


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
        return [Hit(1.0, (ctx.span(first, last),), "question to the recipient")]
    return []
