"""Phrase signals: each fires on one lexicon family (lexicons/de.yaml, lexicons/en.yaml).

The seeds' "10 worst reasons" (seed 000), the default texts, the pitch families of seed 001 and the
genuine-request markers each get one signal. A signal may name families that cancel it where they
overlap, e.g. "ich suche Kontakte aus dem Bereich X" is a collector phrase, not a concrete need.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kontaktfilter.model import Hit, Request, Role, Span, say
from kontaktfilter.signals.context import Context, content_terms
from kontaktfilter.signals.registry import SignalFunction, register
from kontaktfilter.text.note import fold

_new = tuple.__new__


def phrase_signal(family: str, unless: tuple[str, ...] = ()) -> SignalFunction:
    """A signal function that reports each match of `family` outside matches of `unless`."""

    def find(request: Request, ctx: Context) -> list[Hit]:
        matches = ctx.family(family)
        blocked = ctx.covered_by(unless) if unless else set()
        if len(matches) == 1 and not blocked:  # the usual case, without the bookkeeping
            span = ctx.span(matches[0].first, matches[0].last)
            return [_new(Hit, (1.0, (span,), family, ""))]  # Hit(...) without its frame
        hits: list[Hit] = []
        seen: set[int] = set()
        for match in matches:
            if match.first in seen or blocked.intersection(range(match.first, match.last + 1)):
                continue
            seen.update(range(match.first, match.last + 1))
            hits.append(
                Hit(strength=1.0, spans=(ctx.span(match.first, match.last),), detail=family)
            )
        return hits

    find.__doc__ = f"Fires on the lexicon family {family!r}."
    return find


DEFAULT_TEXT_OTHER_WORDS = 8
"""Words beside the default text (salutation, name, signature) up to which the note is still
"only" the platform's default text. With more, the note says something of its own and the stock
phrase is its closing formula ("saw you're speaking at LogiMAT ... would love to connect")."""


def default_text_only(request: Request, ctx: Context) -> list[Hit]:
    """The platform's default text, when the note is (nearly) nothing else."""
    if len(ctx.note.tokens) - len(ctx.covered_by(("default_text",))) > DEFAULT_TEXT_OTHER_WORDS:
        return []
    return _default_text(request, ctx)


_default_text = phrase_signal("default_text")
SPECIAL_FUNCTIONS: dict[str, SignalFunction] = {"default_text": default_text_only}
"""Families whose signal needs more than the match itself."""


class PhraseSignal(NamedTuple):
    """A signal that fires on a lexicon family, declared in one row of PHRASE_SIGNALS."""

    name: str
    family: str
    weight: float
    group: str
    description: str
    description_de: str
    unless: tuple[str, ...] = ()
    """Families that cancel a match where they overlap it."""
    roles: tuple[Role, ...] = ()


# fmt: off
PHRASE_SIGNALS: tuple[PhraseSignal, ...] = (
    PhraseSignal("PHRASE_DEFAULT_TEXT", "default_text", 2.0, "generic",
     "Is (nearly) only the platform's default text, no note of the sender's own",
     "Besteht (fast) nur aus dem vorformulierten Standardtext der Plattform", ()),
    PhraseSignal("PHRASE_SENT_VIA_APP", "sent_via_app", 1.5, "generic",
     "Gives 'sent via app' as the reason for the request",
     "Nennt 'per iPhone-App' o. ä. als Begründung der Anfrage", ()),
    PhraseSignal("PHRASE_PROFILE_INTERESTING", "profile_interesting", 1.2, "generic",
     "Calls the profile 'interesting' without saying what about it (worst reason 4)",
     "Nennt das Profil 'interessant', ohne zu sagen, was daran (schlechtester Grund 4)", ()),
    PhraseSignal("PHRASE_MUTUAL_CONNECTIONS", "mutual_connections", 0.8, "generic",
     "Cites shared connections as the only link",
     "Begründet die Anfrage nur mit gemeinsamen Kontakten", ()),
    PhraseSignal("PHRASE_INTEREST_PRETEXT", "interest_pretext", 1.5, "collector",
     "Claims a shared interest as a pretext (worst reason 1)",
     "Behauptet ein gemeinsames Interesse als Vorwand (schlechtester Grund 1)", ()),
    PhraseSignal("PHRASE_INTERNET_RESEARCH", "internet_research", 2.0, "collector",
     "Found the recipient 'through internet research' (worst reason 2)",
     "Ist 'durch eine Internet-Recherche' aufmerksam geworden (schlechtester Grund 2)", ()),
    PhraseSignal("PHRASE_SHARED_GROUP", "shared_group", 2.5, "collector",
     "Uses membership of the same group as the reason (worst reason 3)",
     "Begründet die Anfrage mit derselben Gruppe (schlechtester Grund 3)", ()),
    PhraseSignal("PHRASE_SAME_FIELD", "same_field", 2.0, "collector",
     "Uses working in the same field as the reason (worst reason 5)",
     "Begründet die Anfrage mit derselben Branche (schlechtester Grund 5)", ()),
    PhraseSignal("PHRASE_ACQUISITION_TALK", "acquisition_talk", 2.0, "collector",
     "Wants to talk about customer acquisition in general (worst reason 6)",
     "Will allgemein über Kundengewinnung sprechen (schlechtester Grund 6)", ()),
    PhraseSignal("PHRASE_SEEKING_CONTACTS", "seeking_contacts", 2.5, "collector",
     "Is 'looking for contacts in field X' (worst reason 7)",
     "Sucht 'Kontakte aus dem Bereich X' (schlechtester Grund 7)", ()),
    PhraseSignal("PHRASE_SYNERGIES", "synergies", 2.0, "vague",
     "Promises synergies without saying which (worst reason 8)",
     "Verspricht Synergien, ohne zu sagen, welche (schlechtester Grund 8)", (),
     roles=(Role.VAGUE,)),
    PhraseSignal("PHRASE_WIN_WIN", "win_win", 2.0, "vague",
     "Promises a win-win or mutual benefit without saying what it is (seed 002)",
     "Verspricht eine Win-Win-Situation oder Vorteile für beide Seiten ohne Inhalt (Seed 002)", (),
     roles=(Role.VAGUE,)),
    PhraseSignal("PHRASE_VAGUE_EXCHANGE", "vague_exchange", 0.8, "vague",
     "Proposes an 'exchange' or 'cooperation' without a subject",
     "Schlägt einen 'Austausch' oder eine 'Zusammenarbeit' ohne Thema vor", (),
     roles=(Role.VAGUE,)),
    PhraseSignal("PHRASE_CALENDAR_WISDOM", "calendar_wisdom", 3.0, "collector",
     "Quotes calendar wisdom instead of a reason (worst reason 9)",
     "Zitiert eine Kalenderweisheit statt eines Grundes (schlechtester Grund 9)", ()),
    PhraseSignal("PHRASE_CONTACTS_HURT", "contacts_hurt", 3.5, "collector",
     "Uses a networking slogan like 'contacts only hurt those who have none' (worst reason 10)",
     "Verwendet eine Netzwerk-Floskel wie 'Kontakte schaden nur dem, der keine hat' (Grund 10)",
     ()),
    PhraseSignal("PHRASE_ARTIFICIAL_GREETING", "artificial_greeting", 1.5, "generic",
     "Closes with an artificial greeting formula ('sunny greetings from ...')",
     "Schließt mit einer künstlich-aufgesetzten Grußformel ('Sonnige Grüße aus ...')", ()),
    PhraseSignal("PHRASE_EXPAND_NETWORK", "expand_network", 1.5, "collector",
     "Wants to grow their network for its own sake",
     "Will das eigene Netzwerk um seiner selbst willen vergrößern", ()),
    PhraseSignal("PHRASE_OPEN_NETWORKER", "open_networker", 3.0, "collector",
     "Declares to accept everyone (open networker, LION)",
     "Erklärt, jede Anfrage anzunehmen (Open Networker, LION)", ()),
    PhraseSignal("PHRASE_CONTACT_PARTY", "contact_party", 3.0, "collector",
     "Comes from a contact party or contact session (seed 001)",
     "Stammt aus einer Kontaktparty oder Kontaktsession (Seed 001)", ()),
    PhraseSignal("PHRASE_PROFILE_VISIT", "profile_visit", 1.0, "collector",
     "Uses a profile visit as the reason for the request (seed 004)",
     "Begründet die Anfrage mit einem Profilbesuch (Seed 004)", ()),
    PhraseSignal("PHRASE_FREE_DOWNLOAD", "free_download", 3.0, "spam",
     "Offers a free download or giveaway on first contact (seed 001)",
     "Bietet beim Erstkontakt einen kostenlosen Download o. ä. an (Seed 001)",
     ("recipient_owned", "not_bait")),
    PhraseSignal("PHRASE_WEBINAR_INVITE", "webinar_invite", 3.0, "spam",
     "Invites to a webinar, seminar or masterclass (seed 001)",
     "Lädt zu einem Webinar, Seminar oder einer Masterclass ein (Seed 001)",
     ("recipient_owned", "not_bait")),
    PhraseSignal("PHRASE_EBOOK_NEWSLETTER", "ebook_newsletter", 3.0, "spam",
     "Pushes an e-book, whitepaper or newsletter sign-up (seed 001)",
     "Bewirbt ein E-Book, Whitepaper oder Newsletter-Abo (Seed 001)",
     ("recipient_owned", "not_bait")),
    PhraseSignal("PHRASE_VANITY_AWARD", "vanity_award", 3.0, "spam",
     "Sells a listing, award or ranking the recipient was 'selected' for (a fee on first contact)",
     "Verkauft einen Eintrag oder Preis, für den man 'ausgewählt' wurde (Gebühr beim Erstkontakt)",
     ()),
    PhraseSignal("PHRASE_GET_RICH", "get_rich", 4.0, "spam",
     "Pitches financial freedom, passive income or an MLM business (seed 000, 001)",
     "Wirbt mit finanzieller Freiheit, passivem Einkommen oder MLM (Seed 000, 001)",
     ("recipient_search",)),
    PhraseSignal("PHRASE_COACHING_PITCH", "coaching_pitch", 2.5, "spam",
     "Pitches a coaching programme or a free strategy call",
     "Bewirbt ein Coaching-Programm oder ein kostenloses Strategiegespräch", ("not_bait",)),
    PhraseSignal("PHRASE_LEAD_GEN_PITCH", "lead_gen_pitch", 2.5, "spam",
     "Sells lead generation, appointments or 'more customers'",
     "Verkauft Leadgenerierung, Terminierung oder 'mehr Kunden'", ()),
    PhraseSignal("GOOD_MET_IN_PERSON", "met_in_person", -4.0, "known",
     "Refers to a real meeting (event, fair, call) with the recipient",
     "Bezieht sich auf ein echtes Treffen (Veranstaltung, Messe, Gespräch)",
     ("honest_intent", "met_online", "never_met"),
     roles=(Role.PROTECTS, Role.REASON, Role.MET,)),
    PhraseSignal("GOOD_KNOW_EACH_OTHER", "know_each_other", -4.0, "known",
     "Says sender and recipient already know each other (colleagues, studies, projects)",
     "Sagt, dass man sich bereits kennt (Kollegen, Studium, Projekte)", ("never_met",),
     roles=(Role.PROTECTS, Role.REASON, Role.MET,)),
    PhraseSignal("GOOD_HONEST_INTENT", "honest_intent", -2.5, "honest",
     "States openly and directly what the sender wants",
     "Sagt offen und direkt, was der Absender möchte", (),
     roles=(Role.PROTECTS, Role.DECLARES)),
    PhraseSignal("GOOD_DIRECT_OFFER", "direct_offer", -2.0, "honest",
     "Says plainly what the sender sells, offers or recruits for",
     "Sagt klar, was der Absender verkauft, anbietet oder besetzen möchte", ()),
    PhraseSignal("GOOD_PROFILE_REFERENCE", "profile_reference", -2.0, "personal",
     "Refers to the recipient's own work (article, post, podcast, talk, book)",
     "Bezieht sich auf eigene Arbeit des Empfängers (Artikel, Beitrag, Podcast, Vortrag, Buch)",
     (),
     roles=(Role.REFERENCE, Role.REASON,)),
    PhraseSignal("GOOD_CONCRETE_NEED", "concrete_need", -2.5, "personal",
     "States a concrete need the recipient can help with",
     "Nennt einen konkreten Bedarf, bei dem der Empfänger helfen kann",
     ("seeking_contacts", "expand_network", "acquisition_talk", "get_rich"),
     roles=(Role.REASON,)),
)
# fmt: on

for _row in PHRASE_SIGNALS:
    _function = SPECIAL_FUNCTIONS.get(_row.family) or phrase_signal(_row.family, _row.unless)
    register(
        _row.name,
        _row.weight,
        _row.group,
        _row.description,
        _row.description_de,
        families=(_row.family,),
        roles=_row.roles,
    )(_function)

PHRASE_FAMILIES = frozenset(row.family for row in PHRASE_SIGNALS)
CANCELLING_FAMILIES = frozenset(family for row in PHRASE_SIGNALS for family in row.unless)
"""Families that only cancel other signals where they overlap (e.g. the recipient's own
newsletter is no newsletter bait)."""

_LINK = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"']+"
    r"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,6}/[^\s<>\"']*",
    re.IGNORECASE,
)
"""A web address with a scheme or www., or a bare domain with a path ("bit.ly/x", "shop.de/y")."""


@register(
    "PHRASE_LINK",
    1.0,
    "spam",
    "Contains a link, typical of sales pages and status-update bait (seed 001)",
    "Enthält einen Link, typisch für Verkaufsseiten und Status-Update-Köder (Seed 001)",
)
def link(request: Request, ctx: Context) -> list[Hit]:
    text = ctx.note.text
    if "/" not in text and "www." not in text.lower():
        return []
    match = _LINK.search(text[: ctx.note.ends[-1] if ctx.note.ends else 0])
    if match is None:
        return []
    return [Hit(1.0, (Span(match.start(), match.end(), match.group()),), say("link", "Link"))]


_PRICE = re.compile(
    r"(?:(?:[€£$]|\b(?:EUR|CHF|GBP|USD))\s?\d[\d.,]*"
    r"|\b\d[\d.,]*\s?(?:€|£|\$|EUR\b|Euro\b|euro\b|CHF\b|GBP\b|USD\b))"
)
_CURRENCY_MARKS = ("€", "£", "$", "EUR", "Euro", "euro", "CHF", "GBP", "USD")


@register(
    "GOOD_PRICE_QUOTE",
    -2.0,
    "honest",
    "Names a concrete price or rate: an open offer says what it costs",
    "Nennt einen konkreten Preis oder Satz: ein offenes Angebot sagt, was es kostet",
)
def price_quote(request: Request, ctx: Context) -> list[Hit]:
    """Bait never fires here alone: a price beside bait is outweighed by the bait signals."""
    text = ctx.note.text
    if not any(map(text.__contains__, _CURRENCY_MARKS)):
        return []
    end = ctx.note.ends[-1] if ctx.note.ends else 0
    match = _PRICE.search(text, 0, end)
    if match is None:
        return []
    return [Hit(1.0, (Span(match.start(), match.end(), match.group()),), say("price", "Preis"))]


_NAME_WORD = r"[A-ZÄÖÜ][\w.\-]+"
_NAME_NEXT = rf"\s+(?:(?:van|von|de|der|den|da|di|du|le|la|del|ten|ter)\s+)*{_NAME_WORD}"
_QUOTE = re.compile(
    r"[„“\"»«]([^„“”\"»«]{12,240})[“”\"«»]\s*"
    rf"(?:\(\s*(?P<paren>{_NAME_WORD}(?:{_NAME_NEXT}){{0,3}})\s*\)"
    rf"|[–—-]\s*(?P<dash>{_NAME_WORD}(?:{_NAME_NEXT}){{1,3}})(?=\s*(?:[.,;!)]|$)))"
)
"""A quotation of three words or more, then its author: "(Philip Rosenthal)" or "– Henry Ford"."""
_QUOTE_MARKS = ("„", "“", "”", '"', "»", "«")


_OPENING_QUOTE = re.compile(
    r"(?:^|(?<=[\s(]))[„“\"»«‘'](?P<body>[^„“”\"»«‘’']{20,240}?[.!?])[“”\"«»’'](?=\s|$|[,;:)–—-])"
)
"""A whole quoted sentence (it ends in . ! or ? inside the marks), straight or curly quotes."""
OPENING_QUOTE_REACH = 60
"""An authorless saying counts only where it opens the note, right after the salutation."""
_OPENING_MARKS = _QUOTE_MARKS + ("'", "‘")


@register(
    "PHRASE_QUOTED_WISDOM",
    2.5,
    "collector",
    "Opens with a quotation and its author instead of a reason (calendar wisdom, worst reason 9)",
    "Zitiert einen Spruch samt Urheber statt eines Grundes (Kalenderweisheit, Grund 9)",
)
def quoted_wisdom(request: Request, ctx: Context) -> list[Hit]:
    """A quotation followed by "(Author)" or "– Author", or a whole quoted sentence without an
    author that opens the note ("Hallo Elif, 'Wer aufhört, ...' In diesem Sinne"). The recipient's
    own title, quoted with the recipient's name or in the recipient's words, is a reference, not
    wisdom."""
    text = ctx.note.text
    if not any(map(text.__contains__, _OPENING_MARKS)):
        return []
    recipient = (
        {fold(part) for part in request.recipient.name.split()} if request.recipient.name else set()
    )
    if any(map(text.__contains__, _QUOTE_MARKS)):
        for match in _QUOTE.finditer(text):
            if len(match.group(1).split()) < 3:
                continue
            author = match.group("paren") or match.group("dash") or ""
            if recipient & {fold(part) for part in author.split()}:
                continue
            span = Span(match.start(), match.end(), match.group())
            return [Hit(1.0, (span,), say(f"quote: {author}", f"Zitat: {author}"))]
    opening = _OPENING_QUOTE.search(text, 0, OPENING_QUOTE_REACH + 250)
    if opening is None or opening.start() > OPENING_QUOTE_REACH:
        return []
    before = text[: opening.start()].strip()
    body = opening.group("body")
    if len(before.split()) > 4 or (before and before[-1] not in ",:!–—-") or len(body.split()) < 5:
        return []
    own_words = content_terms(" ".join(request.recipient.publications))
    if len(own_words & content_terms(body)) >= 2:
        return []
    span = Span(opening.start(), opening.end(), opening.group())
    return [Hit(1.0, (span,), say("quote without author", "Zitat ohne Urheber"))]
