"""Follow-ups and reminders (seed 002): ask the vague ones what exactly they want, and treat a
sender who never answers as a collector.

`process_followups` looks for answers among the imported messages: an answer re-scores the
request with it and puts it back in the queue; no answer by the deadline makes the request a
collector's; a hold that is over and a request pending longer than `reminder_days` remind.
Every function takes `now`, so tests run on a fixed clock.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kontaktfilter.engine import Engine
from kontaktfilter.model import Action, Category, Request, SenderHistory, Verdict
from kontaktfilter.services.inbox import stored_request
from kontaktfilter.store import Store
from kontaktfilter.store.repository import verdict_row
from kontaktfilter.store.schema import (
    ContactRequest,
    Decision,
    FollowUp,
    Message,
)

NO_ANSWER_RULE = "followup:no-answer"
"""The rule a verdict names when its sender never answered the question (seed 002)."""


@dataclass(frozen=True)
class Due:
    """One thing the follow-up run found: what happened and to which request."""

    kind: str  # answered, no_answer, hold_over, reminder, open, overdue
    request_id: int
    sender_name: str
    due_at: datetime | None
    detail: str
    """In English for the terminal; the web says it in the reader's language from `kind`,
    `category` and `action`."""
    category: str | None = None
    """The category and action an answer was re-scored to, or a silent sender now has."""
    action: str | None = None
    waiting_for: str | None = None
    """For an open follow-up: "answer" (to the question) or "hold" (the waiting time)."""


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
            category, action = verdict.category.value, verdict.action.value
            detail = f"answered; re-scored as {category} -> {action}"
            found.append(
                Due(
                    "answered",
                    request.id,
                    request.sender_name,
                    followup.due_at,
                    detail,
                    category,
                    action,
                )
            )
        elif followup.due_at <= now and followup.kind == "answer":
            _no_answer(store, engine, request.id, now)
            _close(store, followup.id, request.id, "expired", now, "pending")
            detail = "no answer by the deadline: now a collector -> decline_silently"
            found.append(
                Due(
                    "no_answer",
                    request.id,
                    request.sender_name,
                    followup.due_at,
                    detail,
                    Category.COLLECTOR.value,
                    Action.DECLINE_SILENTLY.value,
                )
            )
        elif followup.due_at <= now:
            _close(store, followup.id, request.id, "done", now, "pending")
            detail = "the waiting time is over and the request is still there: decide now"
            found.append(Due("hold_over", request.id, request.sender_name, followup.due_at, detail))
        else:
            found.append(_open(request.id, request.sender_name, followup.due_at, followup.kind))
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
        replace(_open(row.id, row.sender_name, row.due_at, row.kind), kind="overdue")
        if row.due_at <= now
        else _open(row.id, row.sender_name, row.due_at, row.kind)
        for row in rows
    ]
    handled = {due.request_id for due in found}
    return found + [due for due in _reminders(store, engine, now) if due.request_id not in handled]


def _open(request_id: int, sender_name: str, due_at: datetime, followup_kind: str) -> Due:
    """An open follow-up: waiting for the sender's answer or for the hold to end."""
    waiting_for = "answer" if followup_kind == "answer" else "hold"
    detail = f"waiting for {'an answer' if waiting_for == 'answer' else 'the hold to end'}"
    return Due("open", request_id, sender_name, due_at, detail, waiting_for=waiting_for)


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


__all__ = ["Due", "process_followups", "waiting"]
