"""Template signals: the same note arrived from several other senders (seeds 000 and 001), or a
mail-merge slot was left unfilled.

Collectors' automation tools send one stock text to hundreds of people with the names swapped;
the template index (bulk/) recognises the copies. A known contact's note is never a template:
people one knows write to one once, however plain the words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from kontaktfilter.bulk.minhash import MinHasher
from kontaktfilter.bulk.normalise import template_tokens
from kontaktfilter.model import Hit, Request, Role, Span, say
from kontaktfilter.signals.context import Context, History
from kontaktfilter.signals.personal import sender_is_known
from kontaktfilter.signals.registry import prepares_batch, register

MAX_LISTED = 5
FINGERPRINT_LABELS_DE = {
    "collector": "Kontaktsammler",
    "spam": "Spam",
    "generic": "ohne Bezug",
    "vague": "vage",
    "unknown": "unbekannt",
}


def _history(request: Request, ctx: Context) -> History | None:
    """The history to compare with, unless the note is empty or comes from a known contact."""
    if ctx.history is None or not ctx.note.tokens or sender_is_known(request):
        return None
    return ctx.history


def _names(request: Request) -> list[str]:
    return [n for n in (request.sender.name, request.recipient.name) if n]


SIGNATURE = "template_signature"
"""The Context.derived key of the note's MinHash signature (None: not comparable)."""


def _signature_source(request: Request, history: History) -> np.ndarray | MinHasher | None:
    """Where the note's signature comes from: the template index's stored one when an importer
    indexed this very request, else the hasher that computes it (the index's, or the
    fingerprints'); None when the index and the fingerprints hash differently (then each
    hashes for itself)."""
    index, fingerprints = history.templates, history.fingerprints
    if index is not None:
        stored = index.signature_of(request.id) if request.id else None
        if stored is not None:
            return stored
        if fingerprints is None or index.hasher.same_as(fingerprints.hasher):
            return index.hasher
        return None
    return fingerprints.hasher if fingerprints is not None else None


def _signature(request: Request, ctx: Context, history: History) -> np.ndarray | None:
    """The note's MinHash signature, hashed once for both template signals (or once for a whole
    batch by `batch_signatures`)."""

    def compute() -> np.ndarray | None:
        source = _signature_source(request, history)
        if isinstance(source, MinHasher):
            return source.signatures([template_tokens(request.text, _names(request))])[0]
        return source

    return ctx.shared(SIGNATURE, compute)


@prepares_batch
def batch_signatures(requests: Sequence[Request], contexts: Sequence[Context]) -> None:
    """The signatures of a batch's notes in one vectorised call per hasher: per note, hashing
    costs more in NumPy's call overhead than in arithmetic."""
    pending: dict[int, tuple[MinHasher, list[tuple[Context, list[str]]]]] = {}
    for request, ctx in zip(requests, contexts, strict=True):
        history = _history(request, ctx)
        if history is None or SIGNATURE in ctx.derived:
            continue
        source = _signature_source(request, history)
        if isinstance(source, MinHasher):
            tokens = template_tokens(request.text, _names(request))
            pending.setdefault(id(source), (source, []))[1].append((ctx, tokens))
        else:
            ctx.derived[SIGNATURE] = source
    for hasher, items in pending.values():
        rows = hasher.signatures([tokens for _, tokens in items])
        for (ctx, _), row in zip(items, rows, strict=True):
            ctx.derived[SIGNATURE] = row


@register(
    "TPL_BULK_TEMPLATE",
    3.0,
    "collector",
    "The same text came from several other senders (a mass-produced template)",
    "Derselbe Text kam von mehreren anderen Absendern (eine Massen-Vorlage)",
)
def bulk_template(request: Request, ctx: Context) -> list[Hit]:
    history = _history(request, ctx)
    if history is None or history.templates is None:
        return []
    sender = request.sender.id or request.sender.name or None
    senders, examples, exact = history.templates.evidence(
        request.text,
        _names(request),
        exclude_sender=sender,
        now=ctx.now,
        window_days=history.window_days,
        examples=MAX_LISTED,
        signature=_signature(request, ctx, history),
    )
    if senders < history.min_senders:
        return []
    listed = ", ".join(examples)
    count, anzahl = (
        (senders, senders) if exact else (f"at least {senders}", f"mindestens {senders}")
    )
    detail = say(
        f"same text from {count} other senders (e.g. {listed})",
        f"derselbe Text von {anzahl} anderen Absendern (z. B. {listed})",
    )
    return [Hit(1.0, (), detail)]


@register(
    "TPL_KNOWN_FINGERPRINT",
    2.5,
    "collector",
    "Matches the fingerprint of a known collector or outreach template",
    "Entspricht dem Fingerabdruck einer bekannten Sammler- oder Werbevorlage",
)
def known_fingerprint(request: Request, ctx: Context) -> list[Hit]:
    history = _history(request, ctx)
    if history is None or history.fingerprints is None:
        return []
    found = history.fingerprints.match(
        request.text, _names(request), _signature(request, ctx, history)
    )
    if found is None:
        return []
    fingerprint, similarity = found
    share = round(100 * similarity)
    detail = say(
        f"known {fingerprint.label} template ({share}% alike, "
        f"seen from {fingerprint.senders} senders)",
        f"bekannte Vorlage ({FINGERPRINT_LABELS_DE[fingerprint.label]}; zu {share} % gleich, "
        f"von {fingerprint.senders} Absendern gesehen)",
    )
    return [Hit(1.0, (), detail)]


PLACEHOLDER = re.compile(
    r"\{\{ *[\w.:|-][\w .:|-]{0,39}\}\}"  # {{first_name}}, {{ company }}
    r"|\{[A-Za-z_][\w .-]{0,30}\}"  # {firstName}, {Company Name}
    r"|\$\{[A-Za-z_][\w.]{0,30}\}"  # ${name}
    r"|%[A-Z][A-Z0-9_]{1,30}%"  # %COMPANY%
    r"|\[(?:[A-Z][\w'’-]*(?:[ /][\w'’-]+){0,5})\]"  # [Name], [Your Name], [specific point]
    r"|<(?i:first ?name|name|company|vorname|firma)>",  # <first name>
)
"""An unfilled slot of a mail-merge tool. `[Name]` must start with a capital: a bracketed
aside ("[sic]") or a footnote mark ("[1]") is no slot. No two parts of a pattern may match the
same blank: "{{" and twenty thousand spaces would otherwise be tried in cubic time."""


@register(
    "TPL_PLACEHOLDER",
    1.0,
    "form",
    "Contains an unfilled placeholder of a mass-sending tool ({{first_name}}, [Name], %COMPANY%)",
    "Enthält einen nicht ausgefüllten Platzhalter eines Massenversand-Werkzeugs "
    "({{first_name}}, [Name], %COMPANY%)",
)
def placeholder(request: Request, ctx: Context) -> list[Hit]:
    """Evidence of a mass tool, never on its own a reason to report: the person behind it may
    still have a concrete reason (the combiner weighs it beside the rest)."""
    text = ctx.note.text
    if not any(map(text.__contains__, ("{", "[", "%", "<"))):
        return []
    spans = tuple(Span(m.start(), m.end(), m.group()) for m in PLACEHOLDER.finditer(text))
    if not spans:
        return []
    return [Hit(1.0, spans[:3], say(f"{len(spans)} placeholder(s)", f"{len(spans)} Platzhalter"))]


_SLOT = re.compile(
    r"\[([^\[\]\n]{2,80})\]"  # [specific project], [Event Name]
    r"|\{\{ *([\w.:|/-][\w .:|/-]{0,59})\}\}"  # {{post_topic}}
    r"|\{([A-Za-z_][\w .-]{0,40})\}"  # {topic_they_posted_about}
)
_REFERENCE_WORDS = re.compile(
    r"(?i)(?<![a-zäöü])(?:specific|post|article|blog|talk|panel|session|podcast|episode|event|"
    r"conference|project|topic|insight|achievement|news|launch|research|paper|book|thesis|"
    r"question|mutual|shared|common|detail|point|observation|initiative|content|konkret|beitrag|"
    r"artikel|vortrag|veranstaltung|projekt|thema|gemeinsam)"
)
"""What a slot's name must speak of to stand for a concrete reference. A name, company or role
slot is a mail merge's routine; a slot for "the specific project" or "their post" is where the
sender writes the reason, and the recipient receives it filled in."""


@register(
    "TPL_REFERENCE_SLOT",
    -1.5,
    "personal",
    "A template whose unfilled slot asks for a concrete reference ([specific project], "
    "{{post_topic}}): its sender writes a reason there",
    "Eine Vorlage, deren offener Platzhalter einen konkreten Bezug verlangt ([specific project], "
    "{{post_topic}}): dort schreibt der Absender einen Grund hinein",
    roles=(Role.REFERENCE,),
)
def reference_slot(request: Request, ctx: Context) -> list[Hit]:
    """A template is no evidence against a person when its sender fills in a concrete reason:
    job-seekers' and networkers' guides are full of them. It protects from a decline (the guard
    asks instead); as a reference only, it does not turn an open pitch into a personal note."""
    text = ctx.note.text
    if "[" not in text and "{" not in text:
        return []
    spans = tuple(
        Span(m.start(), m.end(), m.group())
        for m in _SLOT.finditer(text)
        if _REFERENCE_WORDS.search(next(g for g in m.groups() if g is not None))
    )
    if not spans:
        return []
    return [Hit(1.0, spans[:3], say(f"slot {spans[0].text}", f"Platzhalter {spans[0].text}"))]
