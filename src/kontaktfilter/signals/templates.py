"""Template signal: the same note arrived from several other senders (seeds 000 and 001).

Collectors' automation tools send one stock text to hundreds of people with the names swapped;
the template index (bulk/) recognises the copies. A known contact's note is never a template:
people one knows write to one once, however plain the words.
"""

from __future__ import annotations

from kontaktfilter.model import Hit, Request
from kontaktfilter.signals.context import Context, History
from kontaktfilter.signals.personal import sender_is_known
from kontaktfilter.signals.registry import register

MAX_LISTED = 5


def _history(request: Request, ctx: Context) -> History | None:
    """The history to compare with, unless the note is empty or comes from a known contact."""
    if ctx.history is None or not ctx.note.tokens or sender_is_known(request):
        return None
    return ctx.history


def _names(request: Request) -> list[str]:
    return [n for n in (request.sender.name, request.recipient.name) if n]


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
    matches = history.templates.query(
        request.text,
        _names(request),
        exclude_sender=sender,
        now=ctx.now,
        window_days=history.window_days,
    )
    senders = sorted({match.sender for match in matches})
    if len(senders) < history.min_senders:
        return []
    listed = ", ".join(match.msg_id for match in matches[:MAX_LISTED])
    detail = f"same text from {len(senders)} other senders (e.g. {listed})"
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
    found = history.fingerprints.match(request.text, _names(request))
    if found is None:
        return []
    fingerprint, similarity = found
    detail = (
        f"known {fingerprint.label} template ({similarity:.0%} alike, "
        f"seen from {fingerprint.senders} senders)"
    )
    return [Hit(1.0, (), detail)]
