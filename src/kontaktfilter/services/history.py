"""What happened to a request, for its own page and for the Decided and Waiting lists: the
decisions (standing and taken back), the follow-ups with their deadlines, and the messages the
sender and the user exchanged. Every query is the user's own (Store.user_id)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from kontaktfilter.store import Store
from kontaktfilter.store.schema import ContactRequest, Decision, FollowUp, Message, StoredVerdict


@dataclass(frozen=True)
class Event:
    """One line of a request's history, oldest first."""

    at: datetime | None
    kind: str
    """received, scored, decided, undone, follow_up, message_in, message_out"""
    action: str | None = None
    """The decision's action, or the follow-up's state (open, answered, expired, done,
    cancelled)."""
    text: str | None = None
    """A message's text, or the reply the user sent with the decision."""
    due_at: datetime | None = None


def request_history(store: Store, request_id: int) -> list[Event] | None:
    """Everything known about one request of the user, oldest first; None if it is not theirs."""
    with store.engine.connect() as conn:
        request = conn.execute(
            select(ContactRequest.sent_at, ContactRequest.sender_key, StoredVerdict.scored_at)
            .join(StoredVerdict, StoredVerdict.request_id == ContactRequest.id)
            .where(ContactRequest.id == request_id, ContactRequest.user_id == store.user_id)
        ).one_or_none()
        if request is None:
            return None
        decisions = conn.execute(
            select(Decision.decided_at, Decision.action, Decision.undone, Decision.comment)
            .where(Decision.request_id == request_id)
            .order_by(Decision.decided_at, Decision.id)
        ).all()
        followups = conn.execute(
            select(FollowUp.due_at, FollowUp.state, FollowUp.resolved_at)
            .where(FollowUp.request_id == request_id)
            .order_by(FollowUp.due_at)
        ).all()
        messages = conn.execute(
            select(Message.sent_at, Message.outgoing, Message.text)
            .where(Message.user_id == store.user_id, Message.sender_key == request.sender_key)
            .order_by(Message.sent_at)
            .limit(50)
        ).all()
    events = [Event(request.sent_at, "received"), Event(request.scored_at, "scored")]
    for d in decisions:
        events.append(Event(d.decided_at, "decided", d.action, d.comment))
        if d.undone:
            events.append(Event(d.decided_at, "undone", d.action))
    events += [Event(f.resolved_at, "follow_up", f.state, due_at=f.due_at) for f in followups]
    events += [
        Event(m.sent_at, "message_out" if m.outgoing else "message_in", text=m.text)
        for m in messages
    ]
    return sorted(events, key=lambda e: (e.at is not None, e.at or datetime.min))


def standing_decisions(store: Store, request_ids: Sequence[int]) -> dict[int, tuple[str, datetime]]:
    """The newest decision not taken back, per request: what the Decided list says."""
    if not request_ids:
        return {}
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(Decision.request_id, Decision.action, Decision.decided_at)
            .join(ContactRequest, ContactRequest.id == Decision.request_id)
            .where(
                ContactRequest.user_id == store.user_id,
                Decision.request_id.in_(request_ids),
                Decision.undone.is_(False),
            )
            .order_by(Decision.decided_at, Decision.id)
        ).all()
    return {row.request_id: (row.action, row.decided_at) for row in rows}  # newest wins


def open_deadlines(store: Store, request_ids: Sequence[int]) -> dict[int, datetime]:
    """The open follow-up's deadline, per request: what the Waiting list says."""
    if not request_ids:
        return {}
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(FollowUp.request_id, FollowUp.due_at)
            .join(ContactRequest, ContactRequest.id == FollowUp.request_id)
            .where(
                ContactRequest.user_id == store.user_id,
                FollowUp.request_id.in_(request_ids),
                FollowUp.state == "open",
            )
        ).all()
    return {row.request_id: row.due_at for row in rows}
