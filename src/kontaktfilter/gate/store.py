"""Events into the gate's tables, each event id once, safe with several workers and restarts.

A batch is one transaction: the ledger insert (`ON CONFLICT DO NOTHING RETURNING`) tells which
events are new, and only those change the state. A second worker inserting the same id waits on
the first one's row lock and then sees a conflict, so nothing is counted twice; a worker killed
mid-batch commits nothing, and the client's retry of the batch brings every event in. Rows are
written in sorted key order so two workers lock in the same order; a deadlock or serialization
failure retries the batch.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from kontaktfilter.gate import tables as t
from kontaktfilter.gate.events import (
    Event,
    GroupJoined,
    InvitationAnswered,
    InvitationSent,
    MessageSent,
    ProfileUpdated,
    Reported,
)
from kontaktfilter.gate.templates import NoteTemplates

CHUNK = 1000
"""Rows per statement: below SQLite's and PostgreSQL's limits on bound parameters."""
RETRYABLE = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure
ATTEMPTS = 5
STATES = {
    "invitation_withdrawn": "withdrawn",
    "invitation_accepted": "accepted",
    "invitation_declined": "declined",
    "invitation_ignored": "ignored",
}


@dataclass(frozen=True, slots=True)
class IngestResult:
    received: int
    new: int
    duplicates: int
    orphans: int
    """Answers to invitations the gate has not seen (recorded in the ledger, no effect)."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def hash_key(key: str) -> str:
    """API keys are 32 random bytes: SHA-256 suffices (no dictionary to guess from) and costs
    microseconds on every request, where a password hash would cost milliseconds."""
    return hashlib.sha256(key.encode()).hexdigest()


def _chunks(rows: Sequence[Any]) -> list[Sequence[Any]]:
    return [rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK)]


class GateStore:
    def __init__(self, engine: Engine, templates: NoteTemplates) -> None:
        self.engine, self.templates = engine, templates
        self._dialect = postgresql if engine.dialect.name == "postgresql" else sqlite

    def _insert(self, table: Table) -> Any:
        return self._dialect.insert(table)

    def add_client(self, name: str) -> str:
        """A new API key for client `name` (shown once; only its hash is stored)."""
        key = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(
                t.clients.insert(),
                {"name": name, "key_hash": hash_key(key), "created_at": _now()},
            )
        return key

    def client_for(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            query = select(t.clients.c.name).where(t.clients.c.key_hash == hash_key(key))
            return conn.execute(query).scalar()

    def ingest(self, batch: Sequence[Event], client: str) -> IngestResult:
        """Apply the new events of a batch in one transaction (retried on a deadlock)."""
        for attempt in range(ATTEMPTS):
            try:
                with self.engine.begin() as conn:
                    return self._ingest(conn, batch, client)
            except DBAPIError as exc:
                code = getattr(exc.orig, "sqlstate", None)
                if code not in RETRYABLE or attempt == ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _ingest(self, conn: Connection, batch: Sequence[Event], client: str) -> IngestResult:
        unique = {event.event_id: event for event in batch}
        received = _now()
        rows = [
            {
                "event_id": event.event_id,
                "kind": event.kind,
                "at": event.at,
                "client": client,
                "received_at": received,
                "payload": event.model_dump_json(),
            }
            for event in sorted(unique.values(), key=lambda e: e.event_id)
        ]
        new: set[str] = set()
        for chunk in _chunks(rows):
            statement = self._insert(t.events).values(list(chunk)).on_conflict_do_nothing()
            new.update(conn.execute(statement.returning(t.events.c.event_id)).scalars())
        fresh = sorted((unique[i] for i in new), key=lambda e: (e.at, e.kind != "invitation_sent"))
        self._invitations(conn, [e for e in fresh if isinstance(e, InvitationSent)])
        orphans = self._answers(conn, [e for e in fresh if isinstance(e, InvitationAnswered)])
        self._simple(conn, fresh)
        self._profiles(conn, [e for e in fresh if isinstance(e, ProfileUpdated)])
        return IngestResult(len(batch), len(new), len(batch) - len(new), orphans)

    def _invitations(self, conn: Connection, sent: list[InvitationSent]) -> None:
        if not sent:
            return
        flags = self.templates.add([(e.invitation_id, e.sender, e.note, e.at) for e in sent])
        rows = [
            {
                "invitation_id": e.invitation_id,
                "sender": e.sender,
                "recipient": e.recipient,
                "sent_at": e.at,
                "has_note": bool(e.note.strip()),
                "in_template": flag,
                "state": "pending",
                "closed_at": None,
                "commented": False,
            }
            for e, flag in zip(sent, flags, strict=True)
        ]
        rows.sort(key=lambda row: row["invitation_id"])
        for chunk in _chunks(rows):
            conn.execute(self._insert(t.invitations).values(list(chunk)).on_conflict_do_nothing())

    def _answers(self, conn: Connection, answers: list[InvitationAnswered]) -> int:
        """The first answer to a pending invitation wins; the rows are locked while we look."""
        if not answers:
            return 0
        ids = sorted({e.invitation_id for e in answers})
        known: dict[str, Any] = {}
        for chunk in _chunks(ids):
            query = (
                select(
                    t.invitations.c.invitation_id,
                    t.invitations.c.sender,
                    t.invitations.c.recipient,
                    t.invitations.c.state,
                )
                .where(t.invitations.c.invitation_id.in_(chunk))
                .order_by(t.invitations.c.invitation_id)
                .with_for_update()
            )
            known.update({row.invitation_id: row for row in conn.execute(query)})
        states = {i: row.state for i, row in known.items()}
        changes, links = [], []
        for event in answers:
            if states.get(event.invitation_id) != "pending":
                continue
            state = STATES[event.kind]
            states[event.invitation_id] = state
            changes.append(
                {
                    "key": event.invitation_id,
                    "new_state": state,
                    "closed": event.at,
                    "with_comment": bool(event.comment.strip()),
                }
            )
            if state == "accepted":
                row = known[event.invitation_id]
                links += [
                    {"member": row.sender, "contact": row.recipient, "since": event.at},
                    {"member": row.recipient, "contact": row.sender, "since": event.at},
                ]
        if changes:
            column = t.invitations.c
            statement = (
                update(t.invitations)
                .where(column.invitation_id == bindparam("key"), column.state == "pending")
                .values(
                    state=bindparam("new_state"),
                    closed_at=bindparam("closed"),
                    commented=bindparam("with_comment"),
                )
            )
            conn.execute(statement, sorted(changes, key=lambda row: row["key"]))
        self._rows(conn, t.connections, links, ("member", "contact"))
        return sum(1 for event in answers if event.invitation_id not in known)

    def _simple(self, conn: Connection, fresh: list[Event]) -> None:
        reports = [
            {"reported": e.reported, "reporter": e.reporter, "at": e.at}
            for e in fresh
            if isinstance(e, Reported)
        ]
        self._rows(conn, t.reports, reports, ("reported", "reporter"))
        groups = [
            {"member": e.user, "group_id": e.group} for e in fresh if isinstance(e, GroupJoined)
        ]
        self._rows(conn, t.memberships, groups, ("member", "group_id"))
        latest: dict[tuple[str, str], datetime] = {}
        for e in fresh:
            if isinstance(e, MessageSent):
                pair = (e.sender, e.recipient)
                latest[pair] = max(e.at, latest.get(pair, e.at))
        rows = [
            {"sender": s, "recipient": r, "last_at": at} for (s, r), at in sorted(latest.items())
        ]
        for chunk in _chunks(rows):
            statement = self._insert(t.messages).values(list(chunk))
            newest = _greatest(
                self.engine.dialect.name, t.messages.c.last_at, statement.excluded.last_at
            )
            conn.execute(
                statement.on_conflict_do_update(
                    index_elements=["sender", "recipient"], set_={"last_at": newest}
                )
            )

    def _rows(self, conn: Connection, table: Table, rows: list[dict], key: tuple[str, ...]) -> None:
        """Insert rows that are not there yet (the first one of a key wins)."""
        unique = {tuple(row[k] for k in key): row for row in reversed(rows)}
        ordered = [unique[k] for k in sorted(unique)]
        for chunk in _chunks(ordered):
            conn.execute(self._insert(table).values(list(chunk)).on_conflict_do_nothing())

    def _profiles(self, conn: Connection, updates: list[ProfileUpdated]) -> None:
        """The latest value of each field wins; a field an event leaves out stays as it was."""
        merged: dict[str, dict[str, Any]] = {}
        for e in updates:
            row = merged.setdefault(e.user, {"member": e.user})
            for name in ("created", "contacts", "privacy"):
                if (value := getattr(e, name)) is not None:
                    row[name] = value
        columns = ("created", "contacts", "privacy")
        for member in sorted(merged):
            row = {name: merged[member].get(name) for name in columns} | {"member": member}
            statement = self._insert(t.profiles).values(row)
            keep = {
                name: func.coalesce(statement.excluded[name], t.profiles.c[name])
                for name in columns
            }
            conn.execute(statement.on_conflict_do_update(index_elements=["member"], set_=keep))


def _greatest(dialect: str, first: Any, second: Any) -> Any:
    """PostgreSQL's greatest() is SQLite's two-argument max()."""
    return func.greatest(first, second) if dialect == "postgresql" else func.max(first, second)
