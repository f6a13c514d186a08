"""Working the inbox: the queue, decisions with undo, follow-ups and reminders (seeds 002, 003).

Seed 003 asks to answer every request and leave none pending; seed 002 asks the vague ones what
exactly they want and treats a sender who never answers as a collector. So:
- a decision is recorded with its time; `ask_details` opens a follow-up due after the strategy's
  `follow_up_days`, `hold_wait` one due after `hold_days`;
- `process_followups` looks for answers among the imported messages: an answer re-scores the
  request with it and puts it back in the queue; no answer by the deadline makes the request a
  collector's; a hold that is over and a request pending longer than `reminder_days` remind.
Every function takes `now`, so tests run on a fixed clock.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.orm import Session

from kontaktfilter.engine import Engine
from kontaktfilter.model import ACTION_PRIORITY, Action, Category, Request, SenderHistory, Verdict
from kontaktfilter.store import Store
from kontaktfilter.store.repository import build_request, verdict_row
from kontaktfilter.store.schema import (
    ContactRequest,
    Decision,
    FollowUp,
    Message,
    Person,
    StoredVerdict,
)
from kontaktfilter.strategy import Strategy

WAITING_ACTIONS = {Action.ASK_DETAILS: "answer", Action.HOLD_WAIT: "hold"}
NO_ANSWER_RULE = "followup:no-answer"


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
    store: Store, request_id: int, action: Action, now: datetime, strategy: Strategy
) -> int:
    """Record the user's decision and return its id; ask_details and hold_wait open a follow-up."""
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
            .values(request_id=request_id, action=action.value, decided_at=now, undone=False)
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


def undo_last(store: Store) -> int | None:
    """Take back the user's newest decision: the request is pending again, its follow-up gone."""
    with store.engine.begin() as conn:
        last = conn.execute(
            select(Decision.id, Decision.request_id)
            .join(ContactRequest, ContactRequest.id == Decision.request_id)
            .where(ContactRequest.user_id == store.user_id, Decision.undone.is_(False))
            .order_by(Decision.decided_at.desc(), Decision.id.desc())
            .limit(1)
        ).one_or_none()
        if last is None:
            return None
        conn.execute(update(Decision).where(Decision.id == last.id).values(undone=True))
        conn.execute(
            update(FollowUp)
            .where(FollowUp.request_id == last.request_id, FollowUp.state == "open")
            .values(state="cancelled")
        )
        conn.execute(
            update(ContactRequest)
            .where(ContactRequest.id == last.request_id)
            .values(status="pending")
        )
    return last.request_id


@dataclass(frozen=True)
class Due:
    """One thing the follow-up run found: what happened and to which request."""

    kind: str  # answered, no_answer, hold_over, reminder, open, overdue
    request_id: int
    sender_name: str
    due_at: datetime | None
    detail: str


def _answer(conn: Any, store: Store, request: ContactRequest, since: datetime) -> str | None:
    """The sender's messages after the question, joined: their answer, if any."""
    texts = conn.execute(
        select(Message.text)
        .where(
            Message.user_id == store.user_id,
            Message.sender_key == request.sender_key,
            Message.outgoing.is_(False),
            Message.sent_at > since,
        )
        .order_by(Message.sent_at)
    ).scalars()
    answer = "\n".join(text for text in texts if text.strip())
    return answer or None


def process_followups(store: Store, engine: Engine, now: datetime) -> list[Due]:
    """Resolve what is due at `now` and list it, then list what stays open."""
    found: list[Due] = []
    with Session(store.engine, expire_on_commit=False) as session:
        conn = session.connection()
        rows = session.execute(
            select(FollowUp, ContactRequest)
            .join(ContactRequest, ContactRequest.id == FollowUp.request_id)
            .where(ContactRequest.user_id == store.user_id, FollowUp.state == "open")
            .order_by(FollowUp.due_at)
        ).all()
        asked = {
            r.id: conn.execute(
                select(Decision.decided_at)
                .where(Decision.request_id == r.id, Decision.undone.is_(False))
                .order_by(Decision.decided_at.desc())
                .limit(1)
            ).scalar_one()
            for f, r in rows
            if f.kind == "answer"
        }
        answers = {
            r.id: _answer(conn, store, r, asked[r.id]) for f, r in rows if f.kind == "answer"
        }
    for followup, request in rows:
        if followup.kind == "answer" and answers.get(request.id):
            stored = stored_request(store, request.id)
            history = replace(
                stored.sender_history,
                answered_questions=stored.sender_history.answered_questions + 1,
            )
            _keep_history(store, request.id, history)
            answered = replace(
                stored, text=f"{stored.text}\n\n{answers[request.id]}", sender_history=history
            )
            verdict = _rescore(store, engine, request.id, answered, now)
            _close(store, followup.id, request.id, "answered", now, "pending")
            detail = f"answered; re-scored as {verdict.category.value} -> {verdict.action.value}"
            found.append(Due("answered", request.id, request.sender_name, followup.due_at, detail))
        elif followup.due_at <= now and followup.kind == "answer":
            _no_answer(store, engine, request.id, now)
            _close(store, followup.id, request.id, "expired", now, "pending")
            detail = "no answer by the deadline: now a collector -> decline_silently"
            found.append(Due("no_answer", request.id, request.sender_name, followup.due_at, detail))
        elif followup.due_at <= now:
            _close(store, followup.id, request.id, "done", now, "pending")
            detail = "the waiting time is over and the request is still there: decide now"
            found.append(Due("hold_over", request.id, request.sender_name, followup.due_at, detail))
        else:
            detail = (
                f"waiting for {'an answer' if followup.kind == 'answer' else 'the hold to end'}"
            )
            found.append(Due("open", request.id, request.sender_name, followup.due_at, detail))
    handled = {due.request_id for due in found}
    found += [due for due in _reminders(store, engine, now) if due.request_id not in handled]
    return found


def waiting(store: Store, engine: Engine, now: datetime) -> list[Due]:
    """What waits on the user or on a sender at `now`, changing nothing (the screener shows it
    on every page load; `process_followups` is what resolves it)."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(FollowUp.kind, FollowUp.due_at, ContactRequest.id, ContactRequest.sender_name)
            .join(ContactRequest, ContactRequest.id == FollowUp.request_id)
            .where(ContactRequest.user_id == store.user_id, FollowUp.state == "open")
            .order_by(FollowUp.due_at)
        ).all()
    found = [
        Due(
            "overdue" if row.due_at <= now else "open",
            row.id,
            row.sender_name,
            row.due_at,
            "answer" if row.kind == "answer" else "hold",
        )
        for row in rows
    ]
    handled = {due.request_id for due in found}
    return found + [due for due in _reminders(store, engine, now) if due.request_id not in handled]


def _close(
    store: Store, followup_id: int, request_id: int, state: str, now: datetime, status: str
) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            update(FollowUp).where(FollowUp.id == followup_id).values(state=state, resolved_at=now)
        )
        conn.execute(
            update(ContactRequest).where(ContactRequest.id == request_id).values(status=status)
        )


def _rescore(
    store: Store, engine: Engine, request_id: int, request: Request, now: datetime
) -> Verdict:
    """Score `request` (the stored one, changed by the caller) and store the verdict."""
    verdict = engine.score(request, now=now)
    with store.engine.begin() as conn:
        store.write_verdicts(conn, [verdict_row(request_id, verdict, now)])
    return verdict


def _keep_history(store: Store, request_id: int, history: SenderHistory) -> None:
    """Store what the sender did with a question, so later scoring knows it."""
    with store.engine.begin() as conn:
        extra = conn.execute(
            select(ContactRequest.extra).where(ContactRequest.id == request_id)
        ).scalar_one()
        extra = {**(extra or {}), "sender_history": asdict(history)}
        conn.execute(
            update(ContactRequest).where(ContactRequest.id == request_id).values(extra=extra)
        )


def _no_answer(store: Store, engine: Engine, request_id: int, now: datetime) -> None:
    """Seed 002: whoever never says what exactly they want is collecting contacts."""
    request = stored_request(store, request_id)
    history = replace(
        request.sender_history, unanswered_questions=request.sender_history.unanswered_questions + 1
    )
    _keep_history(store, request_id, history)
    verdict = _rescore(store, engine, request_id, replace(request, sender_history=history), now)
    if verdict.category is not Category.COLLECTOR and verdict.category is not Category.KNOWN:
        row = verdict_row(request_id, verdict, now)
        row.update(
            category=Category.COLLECTOR.value,
            action=Action.DECLINE_SILENTLY.value,
            rule=NO_ANSWER_RULE,
            reply=None,
        )
        with store.engine.begin() as conn:
            store.write_verdicts(conn, [row])


def _reminders(store: Store, engine: Engine, now: datetime) -> list[Due]:
    """Requests pending longer than the strategy's reminder_days (seed 003: leave none)."""
    limit = now - timedelta(days=engine.strategy.reminder_days)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(ContactRequest.id, ContactRequest.sender_name, ContactRequest.sent_at)
            .where(
                ContactRequest.user_id == store.user_id,
                ContactRequest.direction == "incoming",
                ContactRequest.status == "pending",
                ContactRequest.sent_at <= limit,
            )
            .order_by(ContactRequest.sent_at)
        ).all()
    return [
        Due(
            "reminder",
            r.id,
            r.sender_name,
            r.sent_at,
            f"pending since {r.sent_at:%Y-%m-%d}: answer it",
        )
        for r in rows
    ]


__all__ = [
    "Due",
    "QueueItem",
    "RequestFilter",
    "find_request",
    "list_requests",
    "waiting",
    "process_followups",
    "queue",
    "record_decision",
    "stored_request",
    "undo_last",
]
