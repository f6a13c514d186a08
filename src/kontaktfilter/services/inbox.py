"""Working the inbox: the queue, the filtered list, decisions with undo (seeds 002, 003).

Seed 003 asks to answer every request and leave none pending. A decision is recorded with its
time; `ask_details` opens a follow-up due after the strategy's `follow_up_days`, `hold_wait` one
due after `hold_days` (what happens when they are due: services.followups). Every function takes
`now`, so tests run on a fixed clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.orm import Session

from kontaktfilter.bilingual import say
from kontaktfilter.model import ACTION_PRIORITY, Action, Request
from kontaktfilter.store import Store
from kontaktfilter.store.repository import build_request
from kontaktfilter.store.schema import (
    ContactRequest,
    Decision,
    FollowUp,
    Person,
    StoredVerdict,
)
from kontaktfilter.strategy import Strategy

WAITING_ACTIONS = {Action.ASK_DETAILS: "answer", Action.HOLD_WAIT: "hold"}
BULK_ACTIONS = frozenset({Action.DECLINE_SILENTLY, Action.REPORT_SPAM})
"""What a whole template cluster may get at once: nothing that writes to anyone."""
MAX_REPLY_CHARS = 8_000
"""A reply kept with a decision is cut here: platforms cap messages far below."""


@dataclass(frozen=True)
class QueueItem:
    request_id: int
    key: str
    sender_name: str
    text: str
    sent_at: datetime | None
    status: str
    category: str
    action: str
    score: float
    rule: str
    signals: list[dict[str, Any]]
    reply: str | None
    reply_note: str | None


STATUSES = ("pending", "waiting", "decided", "connected")


@dataclass(frozen=True)
class RequestFilter:
    """Which incoming requests to list; None means any. `text` matches note or sender name."""

    status: str | None = "pending"
    category: str | None = None
    action: str | None = None
    text: str | None = None


def list_requests(
    store: Store, where: RequestFilter, limit: int | None = None, offset: int = 0
) -> tuple[list[QueueItem], int]:
    """One page of the user's incoming requests in the order that needs the user first
    (the recommended action's priority, then the oldest), and how many match in all."""
    rank = case({a.value: n for n, a in enumerate(ACTION_PRIORITY)}, value=StoredVerdict.action)
    conditions = [ContactRequest.user_id == store.user_id, ContactRequest.direction == "incoming"]
    if where.status is not None:
        conditions.append(ContactRequest.status == where.status)
    if where.category is not None:
        conditions.append(StoredVerdict.category == where.category)
    if where.action is not None:
        conditions.append(StoredVerdict.action == where.action)
    if where.text:
        pattern = _like_pattern(where.text)
        conditions.append(
            ContactRequest.text.ilike(pattern, escape="\\")
            | ContactRequest.sender_name.ilike(pattern, escape="\\")
        )
    joined = select(ContactRequest, StoredVerdict).join(
        StoredVerdict, StoredVerdict.request_id == ContactRequest.id
    )
    query = joined.where(*conditions).order_by(rank, ContactRequest.sent_at, ContactRequest.id)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    counting = (
        select(func.count())
        .select_from(ContactRequest)
        .join(StoredVerdict, StoredVerdict.request_id == ContactRequest.id)
        .where(*conditions)
    )
    with Session(store.engine) as session:
        rows = session.execute(query).all()
        total = session.execute(counting).scalar_one()
    return [_item(r, v) for r, v in rows], total


def _like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` literally anywhere (its % and _ are not wildcards)."""
    literal = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{literal}%"


def _item(r: ContactRequest, v: StoredVerdict) -> QueueItem:
    return QueueItem(
        r.id,
        r.key,
        r.sender_name,
        r.text,
        r.sent_at,
        r.status,
        v.category,
        v.action,
        v.score,
        v.rule,
        v.signals,
        v.reply,
        v.reply_note,
    )


def queue(store: Store) -> list[QueueItem]:
    """Incoming requests still pending, in the order that needs the user first."""
    return list_requests(store, RequestFilter(status="pending"))[0]


def find_request(store: Store, request_id: int) -> QueueItem | None:
    """One of the user's incoming requests with its verdict; None for anyone else's."""
    with Session(store.engine) as session:
        row = session.execute(
            select(ContactRequest, StoredVerdict)
            .join(StoredVerdict, StoredVerdict.request_id == ContactRequest.id)
            .where(ContactRequest.id == request_id, ContactRequest.user_id == store.user_id)
        ).one_or_none()
    return None if row is None else _item(*row)


def stored_request(store: Store, request_id: int) -> Request:
    """The request as the engine sees it (for drafting and re-scoring)."""
    with store.engine.connect() as conn:
        row = conn.execute(
            select(
                ContactRequest.__table__,
                Person.data.label("sender_data"),
                Person.connected_on.label("sender_connected_on"),
            )
            .outerjoin(
                Person,
                and_(
                    Person.user_id == ContactRequest.user_id,
                    Person.key == ContactRequest.sender_key,
                ),
            )
            .where(ContactRequest.id == request_id, ContactRequest.user_id == store.user_id)
        ).one()
    connected = {row.sender_key} if row.sender_connected_on else set()
    return build_request(row._mapping, row.sender_data or {}, store.user_profile(), connected)


def record_decision(
    store: Store,
    request_id: int,
    action: Action,
    now: datetime,
    strategy: Strategy,
    reply: str | None = None,
) -> int:
    """Record the user's decision and return its id; ask_details and hold_wait open a follow-up.
    `reply` is the text the user sent with it (the draft, perhaps edited), kept with it."""
    kind = WAITING_ACTIONS.get(action)
    with store.engine.begin() as conn:
        owned = conn.execute(
            select(ContactRequest.sent_at).where(
                ContactRequest.id == request_id, ContactRequest.user_id == store.user_id
            )
        ).one_or_none()
        if owned is None:
            raise LookupError(f"no request {request_id}")
        decision_id = conn.execute(
            Decision.__table__.insert()
            .values(
                request_id=request_id,
                action=action.value,
                decided_at=now,
                undone=False,
                comment=reply[:MAX_REPLY_CHARS] if reply else None,
            )
            .returning(Decision.id)
        ).scalar_one()
        if kind is not None:
            days = strategy.follow_up_days if kind == "answer" else strategy.hold_days
            start = now if kind == "answer" else (owned.sent_at or now)
            conn.execute(
                FollowUp.__table__.insert().values(
                    request_id=request_id,
                    kind=kind,
                    due_at=start + timedelta(days=days),
                    state="open",
                )
            )
        conn.execute(
            update(ContactRequest)
            .where(ContactRequest.id == request_id)
            .values(status="waiting" if kind else "decided")
        )
    return decision_id


def decide_template(store: Store, template_key: str, action: Action, now: datetime) -> list[int]:
    """Record `action` (a decline or a report) for every pending request of one template
    cluster at once, as one batch: one undo takes them all back. Returns the requests decided."""
    if action not in BULK_ACTIONS:
        raise ValueError(
            say(
                f"{action.value} cannot be taken for a whole template",
                f"{action.value} lässt sich nicht für eine ganze Vorlage ausführen",
            )
        )
    with store.engine.begin() as conn:
        ids = list(
            conn.execute(
                select(ContactRequest.id).where(
                    ContactRequest.user_id == store.user_id,
                    ContactRequest.template_key == template_key,
                    ContactRequest.direction == "incoming",
                    ContactRequest.status == "pending",
                )
            ).scalars()
        )
        if not ids:
            return []
        rows = [
            {"request_id": i, "action": action.value, "decided_at": now, "undone": False}
            for i in ids
        ]
        first = conn.execute(
            Decision.__table__.insert().values(rows[0]).returning(Decision.id)
        ).scalar_one()
        if rows[1:]:
            conn.execute(Decision.__table__.insert(), rows[1:])
        conn.execute(
            update(Decision)
            .where(Decision.request_id.in_(ids), Decision.decided_at == now, Decision.id >= first)
            .values(batch=first)
        )
        conn.execute(
            update(ContactRequest).where(ContactRequest.id.in_(ids)).values(status="decided")
        )
    return ids


def template_members(store: Store) -> dict[str, list[tuple[int, str, str]]]:
    """Per template cluster: (request id, sender name, status) of its incoming requests."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                ContactRequest.template_key,
                ContactRequest.id,
                ContactRequest.sender_name,
                ContactRequest.status,
            )
            .where(
                ContactRequest.user_id == store.user_id,
                ContactRequest.template_key.is_not(None),
                ContactRequest.direction == "incoming",
            )
            .order_by(ContactRequest.sent_at, ContactRequest.id)
        ).all()
    found: dict[str, list[tuple[int, str, str]]] = {}
    for key, request_id, sender, status in rows:
        found.setdefault(key, []).append((request_id, sender, status))
    return found


def undo_last(store: Store) -> int | None:
    """Take back the user's newest decision: the request is pending again, its follow-up gone."""
    return _undo(store, None)


def undo_request(store: Store, request_id: int) -> bool:
    """Take back the standing decision on one request (from its page or the Decided list);
    False when the request is not the user's or has none."""
    return _undo(store, request_id) is not None


def _undo(store: Store, request_id: int | None) -> int | None:
    conditions = [ContactRequest.user_id == store.user_id, Decision.undone.is_(False)]
    if request_id is not None:
        conditions.append(Decision.request_id == request_id)
    with store.engine.begin() as conn:
        last = conn.execute(
            select(Decision.id, Decision.request_id, Decision.batch)
            .join(ContactRequest, ContactRequest.id == Decision.request_id)
            .where(*conditions)
            .order_by(Decision.decided_at.desc(), Decision.id.desc())
            .limit(1)
        ).one_or_none()
        if last is None:
            return None
        together = [last.request_id]
        if last.batch is not None and request_id is None:  # a whole template comes back
            together = list(
                conn.execute(
                    select(Decision.request_id).where(
                        Decision.batch == last.batch, Decision.undone.is_(False)
                    )
                ).scalars()
            )
            taken = Decision.batch == last.batch
        else:
            taken = Decision.id == last.id
        conn.execute(update(Decision).where(taken).values(undone=True))
        conn.execute(
            update(FollowUp)
            .where(FollowUp.request_id.in_(together), FollowUp.state == "open")
            .values(state="cancelled")
        )
        conn.execute(
            update(ContactRequest).where(ContactRequest.id.in_(together)).values(status="pending")
        )
    return last.request_id


__all__ = [
    "QueueItem",
    "RequestFilter",
    "decide_template",
    "find_request",
    "list_requests",
    "queue",
    "record_decision",
    "stored_request",
    "template_members",
    "undo_last",
    "undo_request",
]
