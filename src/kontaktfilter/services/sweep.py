"""Clean-up sweep (seed 002): existing connections whose messages show a collector's or a
seller's patterns, e.g. a pitch within days of being accepted ("Kontakte zu schnell angenommen").

Each incoming message of a connection is scored as a first message; connections with a spam or
collector message, or a sales pitch soon after connecting, are listed with the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from kontaktfilter.engine import Engine
from kontaktfilter.model import Category, Profile, Request, SignalHit
from kontaktfilter.store import Store
from kontaktfilter.store.schema import Message, Person

FAST_PITCH_DAYS = 14
"""A pitch this soon after connecting means the contact was made to sell."""
FLAGGED = {Category.SPAM, Category.COLLECTOR}


@dataclass(frozen=True)
class SweepFinding:
    name: str
    connected_on: datetime | None
    message_at: datetime | None
    category: Category
    pitch_days: int | None
    """For a sales pitch: the days between connecting and the pitch (the reason it is listed);
    None for a collector's or spammer's message, listed for its category. The interfaces put
    it in words, in the reader's language."""
    hits: tuple[SignalHit, ...]
    text: str


def sweep(store: Store, engine: Engine) -> list[SweepFinding]:
    user = store.user_profile()
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(Person.key, Person.name, Person.connected_on, Message.sent_at, Message.text)
            .join(
                Message,
                (Message.user_id == Person.user_id) & (Message.sender_key == Person.key),
            )
            .where(
                Person.user_id == store.user_id,
                Person.connected_on.is_not(None),
                Message.outgoing.is_(False),
            )
            .order_by(Person.name, Message.sent_at)
        ).all()
    findings: dict[str, SweepFinding] = {}
    for key, name, connected_on, sent_at, text in rows:
        if key in findings or not text.strip():
            continue
        request = Request(
            text=text,
            kind="message",
            sent_at=sent_at,
            sender=Profile(id=key, name=name),
            recipient=user,
        )
        verdict = engine.score(request)
        days = (sent_at - connected_on).days if sent_at and connected_on else None
        if verdict.category in FLAGGED:
            pitch_days = None
        elif verdict.category is Category.HONEST_PITCH and days is not None:
            if days > FAST_PITCH_DAYS:
                continue
            pitch_days = days
        else:
            continue
        findings[key] = SweepFinding(
            name, connected_on, sent_at, verdict.category, pitch_days, verdict.hits, text
        )
    return list(findings.values())
