"""The demo inbox behind `kontaktfilter demo`: a sales trainer's last eight weeks of contact
requests, so the screener and its dashboard have something real to show on first start.

The demo goes through the same doors as a user's own data: the recipient becomes the user's
profile, the requests (`data/demo_inbox.jsonl`) and one answer (`data/demo_messages.csv`, a
LinkedIn messages export) go through the importer, which scores them and finds the template
clusters, and the decisions are recorded with `record_decision`, which opens the follow-ups.

Dates: the data files are written as if today were `WRITTEN_ON`. Loading copies them to a
temporary folder with every date (`sent_at`, the sender's `created`, the message `DATE`) moved
by the whole days between `WRITTEN_ON` and `now`, so the newest request is from yesterday and
times of day stay plausible. A store that already holds the demo keeps the move it was loaded
with: the copies come out byte for byte as before, the importer recognises them as imported,
and a message (whose natural key includes its time) is never stored twice. Decisions are
placed before `now` and recorded only for requests still pending without any decision, so a
second call changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy import select

from kontaktfilter.bilingual import say
from kontaktfilter.engine import Engine
from kontaktfilter.imports.runner import Importer
from kontaktfilter.model import Action
from kontaktfilter.services.followups import waiting
from kontaktfilter.services.inbox import RequestFilter, list_requests, record_decision
from kontaktfilter.store import Store
from kontaktfilter.store.privacy import delete_user_data
from kontaktfilter.store.schema import ContactRequest, Decision
from kontaktfilter.strategy import Strategy

INBOX_FILE = "demo_inbox.jsonl"
MESSAGES_FILE = "demo_messages.csv"
RECIPIENT_FILE = "demo_recipient.json"
WRITTEN_ON = date(2026, 11, 23)
"""The day the data files take as today; every date in them lies before it."""
MESSAGE_DATE = "%Y-%m-%d %H:%M:%S UTC"
"""LinkedIn's messages.csv DATE, as the demo file writes it."""


@dataclass(frozen=True)
class DemoSummary:
    requests: int
    """Incoming requests in the store after loading."""
    added: int
    """Requests newly added by this call (0 on a second call)."""
    followups: int
    """Follow-ups open after loading (waiting for an answer or overdue)."""
    templates: int
    """Template clusters stored."""


@dataclass(frozen=True)
class DemoDecision:
    """A decision the demo user took `days_ago` days before `now` on one demo request."""

    request: str
    action: Action
    days_ago: float


DECISIONS = (
    # asked what exactly they want: one overdue, one answered (demo_messages.csv), two open
    DemoDecision("demo-046", Action.ASK_DETAILS, 10),
    DemoDecision("demo-056", Action.ASK_DETAILS, 5),
    DemoDecision("demo-057", Action.ASK_DETAILS, 4),
    DemoDecision("demo-062", Action.ASK_DETAILS, 2),
    # decided outright, about a day after the request arrived: data for "time to decision"
    DemoDecision("demo-045", Action.ACCEPT, 16),
    DemoDecision("demo-063", Action.ACCEPT, 2.5),
    DemoDecision("demo-047", Action.ACCEPT_AND_REPLY, 14),
    DemoDecision("demo-041", Action.DECLINE_SILENTLY, 18),
    DemoDecision("demo-037", Action.DECLINE_SILENTLY, 21),
    DemoDecision("demo-030", Action.REPORT_SPAM, 27),
)
"""Each request is sent well before its decision, whatever the time of day of `now`."""


class DemoRefused(ValueError):
    """The store holds someone's real requests: the demo must not be mixed into them."""


def load_demo(store: Store, engine: Engine, now: datetime) -> DemoSummary:
    """Load the demo inbox into `store` as it would look at `now` (naive UTC); idempotent."""
    before = _incoming(store)
    records = [json.loads(line) for line in _data_text(INBOX_FILE).splitlines() if line]
    shift = _stored_shift(store, records[0])
    if shift is None and before:
        raise DemoRefused(
            say(
                f"the store already holds {before} requests of your own; the demo would replace "
                "your profile and mix into them. Load it into a store of its own, e.g. "
                "--db sqlite:///demo.db (make run uses .demo/kontaktfilter.db)",
                f"der Speicher enthält schon eigene Anfragen ({before}); die Demo würde Ihr Profil "
                "ersetzen und sich mit ihnen vermischen. Laden Sie sie in einen eigenen "
                "Speicher, z. B. --db sqlite:///demo.db (make run nutzt .demo/kontaktfilter.db)",
            )
        )
    if shift is None:
        shift = _shift_for(now)
    store.set_user_profile(json.loads(_data_text(RECIPIENT_FILE)))
    with TemporaryDirectory(prefix="kontaktfilter-demo-") as folder:
        _write_inbox(Path(folder) / INBOX_FILE, records, shift)
        _write_messages(Path(folder) / MESSAGES_FILE, shift)
        Importer(store, engine).run(folder)
    _record_decisions(store, engine.strategy, now)
    after = _incoming(store)
    open_followups = sum(due.kind in ("open", "overdue") for due in waiting(store, engine, now))
    return DemoSummary(after, after - before, open_followups, len(store.templates()))


def reset_demo(store: Store) -> int:
    """Delete everything in a store that holds only the demo (requests, decisions, follow-ups,
    the learned model, the demo profile), so that `load_demo` starts it afresh; returns the
    requests deleted. A store with a request of the user's own is refused, never emptied."""
    prefix = _request_key("demo-")
    with store.engine.connect() as conn:
        own = conn.execute(
            select(ContactRequest.key).where(
                ContactRequest.user_id == store.user_id, ContactRequest.key.not_like(f"{prefix}%")
            )
        ).first()
    if own is not None:
        raise DemoRefused(
            say(
                "the store holds requests of your own; --reset empties only a store that holds "
                "nothing but the demo (make run uses .demo/kontaktfilter.db)",
                "der Speicher enthält eigene Anfragen; --reset leert nur einen Speicher, der "
                "nichts als die Demo enthält (make run nutzt .demo/kontaktfilter.db)",
            )
        )
    return delete_user_data(store.engine, store.user)["requests"]


def _data_text(name: str) -> str:
    return (resources.files("kontaktfilter") / "data" / name).read_text("utf-8")


def _incoming(store: Store) -> int:
    return list_requests(store, RequestFilter(status=None), limit=0)[1]


def _request_key(demo_id: str) -> str:
    """The natural key the generic importer gives a record with an `id`."""
    return f"rec:{demo_id}"


def _shift_for(now: datetime) -> timedelta:
    return timedelta(days=(now.date() - WRITTEN_ON).days)


def _stored_shift(store: Store, first: Mapping[str, Any]) -> timedelta | None:
    """The move the demo was loaded with before, read off its first request; None if new."""
    with store.engine.connect() as conn:
        stored = conn.execute(
            select(ContactRequest.sent_at).where(
                ContactRequest.user_id == store.user_id,
                ContactRequest.key == _request_key(first["id"]),
            )
        ).scalar_one_or_none()
    return None if stored is None else stored - datetime.fromisoformat(first["sent_at"])


def _moved(record: Mapping[str, Any], shift: timedelta) -> dict[str, Any]:
    """The record with its sending time and its sender's profile age moved by `shift`."""
    sent_at = datetime.fromisoformat(record["sent_at"]) + shift
    sender = dict(record["sender"])
    if "created" in sender:
        sender["created"] = (date.fromisoformat(sender["created"]) + shift).isoformat()
    return {**record, "sent_at": sent_at.isoformat(), "sender": sender}


def _write_inbox(path: Path, records: Iterable[Mapping[str, Any]], shift: timedelta) -> None:
    lines = [json.dumps(_moved(record, shift), ensure_ascii=False) for record in records]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _write_messages(path: Path, shift: timedelta) -> None:
    rows = list(csv.DictReader(io.StringIO(_data_text(MESSAGES_FILE), newline="")))
    for row in rows:
        row["DATE"] = (datetime.strptime(row["DATE"], MESSAGE_DATE) + shift).strftime(MESSAGE_DATE)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _record_decisions(store: Store, strategy: Strategy, now: datetime) -> None:
    """Record the demo's decisions on requests the user has not touched yet."""
    keys = {_request_key(decision.request): decision for decision in DECISIONS}
    with store.engine.connect() as conn:
        untouched = conn.execute(
            select(ContactRequest.key, ContactRequest.id).where(
                ContactRequest.user_id == store.user_id,
                ContactRequest.key.in_(keys),
                ContactRequest.status == "pending",
                ~select(Decision.id).where(Decision.request_id == ContactRequest.id).exists(),
            )
        ).all()
    for key, request_id in untouched:
        decision = keys[key]
        decided_at = now - timedelta(days=decision.days_ago)
        record_decision(store, request_id, decision.action, decided_at, strategy)


__all__ = ["DECISIONS", "DemoDecision", "DemoSummary", "load_demo"]
