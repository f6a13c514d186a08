"""Events into the gate's tables, each event id once, safe with several workers and restarts.

A batch is one transaction: the ledger insert (`ON CONFLICT DO NOTHING RETURNING`) tells which
events are new, and only those change the state. A second worker inserting the same id waits on
the first one's row lock and then sees a conflict, so nothing is counted twice; a worker killed
mid-batch commits nothing, and the client's retry of the batch brings every event in. On
PostgreSQL a batch first takes a transaction lock on each invitation it touches (in one order,
so workers cannot deadlock on them): an answer and its invitation in two workers' batches are
then applied one after the other, never past each other. A deadlock elsewhere retries the batch.
A committed batch's new events count towards the planner's next statistics (statistics.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    String,
    Table,
    Text,
    any_,
    bindparam,
    case,
    cast,
    column,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from kontaktfilter.gate import tables as t
from kontaktfilter.gate.clients import ClientKeys, now
from kontaktfilter.gate.events import (
    EVENT,
    Event,
    GroupJoined,
    InvitationAnswered,
    InvitationSent,
    MessageSent,
    ProfileUpdated,
    Reported,
)
from kontaktfilter.gate.statistics import Statistics
from kontaktfilter.gate.templates import NoteTemplates

CHUNK = 1000
"""Keys per IN list: below SQLite's and PostgreSQL's limits on bound parameters."""
RETRYABLE = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure
ATTEMPTS = 5
STATES = {
    "invitation_withdrawn": "withdrawn",
    "invitation_accepted": "accepted",
    "invitation_declined": "declined",
    "invitation_ignored": "ignored",
}
LOCK_INVITATIONS = text(
    "SELECT pg_advisory_xact_lock(h) FROM (SELECT hashtextextended(k, 0) AS h "
    "FROM unnest(CAST(:keys AS text[])) AS k ORDER BY h) AS ordered"
)


@dataclass(frozen=True, slots=True)
class IngestResult:
    received: int
    new: int
    duplicates: int
    orphans: int
    """Answers to invitations the gate has not seen yet: kept in the ledger and applied when
    their invitation arrives."""


def _chunks(rows: Sequence[Any]) -> list[Sequence[Any]]:
    return [rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK)]


def _subject(event: Event) -> str | None:
    return getattr(event, "invitation_id", None)


class GateStore:
    def __init__(self, engine: Engine, templates: NoteTemplates) -> None:
        self.engine, self.templates = engine, templates
        self._postgres = engine.dialect.name == "postgresql"
        self._dialect = postgresql if self._postgres else sqlite
        self.clients = ClientKeys(engine)
        self.statistics = Statistics(engine)

    def _insert(self, table: Table) -> Any:
        return self._dialect.insert(table)

    def _among(self, column: Any, keys: Sequence[str]) -> Any:
        """`column IN keys`; on PostgreSQL as `= ANY` of one array parameter: an IN list of a
        thousand parameters made a statement that psycopg converted and PostgreSQL parsed
        and planned anew for every batch."""
        if not self._postgres:
            return column.in_(keys)
        return column == any_(bindparam(None, list(keys), type_=postgresql.ARRAY(column.type)))

    def _execute_rows(self, conn: Connection, statement: Any, rows: list[dict]) -> Any:
        """Run `statement` for every row. On PostgreSQL the rows travel as one JSON parameter
        that `json_to_recordset` unpacks (`_recordset`): one short statement whatever the
        batch size, written by orjson in C, where a VALUES list of a thousand rows (or an array
        per column, dumped value by value) cost more to build and parse than to run. SQLite
        runs it once per row (executemany), which costs no round trips there."""
        if self._postgres:
            return conn.execute(statement, {"rows": orjson.dumps(rows).decode()})
        return conn.execute(statement, rows)

    def _insert_new(self, conn: Connection, table: Table, rows: list[dict], key: str) -> list:
        """Insert the rows whose key is not there yet; returns their keys."""
        if not rows:
            return []
        statement = self._insert_from_rows(table).on_conflict_do_nothing().returning(table.c[key])
        return list(self._execute_rows(conn, statement, rows).scalars())

    def _insert_from_rows(self, table: Table) -> Any:
        """INSERT of `_execute_rows`' rows into all of the table's columns."""
        if not self._postgres:
            return self._insert(table)
        names = [column.name for column in table.columns]
        return self._insert(table).from_select(names, select(*_recordset(table.columns).c))

    def ingest(self, batch: Sequence[Event], client: str) -> IngestResult:
        """Apply the new events of a batch in one transaction (retried on a deadlock), then
        count them towards the next ANALYZE (statistics.py)."""
        for attempt in range(ATTEMPTS):
            try:
                with self.engine.begin() as conn:
                    result = self._ingest(conn, batch, client)
            except DBAPIError as exc:
                code = getattr(exc.orig, "sqlstate", None)
                if code not in RETRYABLE or attempt == ATTEMPTS - 1:
                    raise
                continue
            self.statistics.ingested(result.new)
            return result
        raise AssertionError("unreachable")

    def _ingest(self, conn: Connection, batch: Sequence[Event], client: str) -> IngestResult:
        unique = {event.event_id: event for event in batch}
        if self._postgres:
            keys = sorted({key for e in unique.values() if (key := _subject(e))})
            conn.execute(LOCK_INVITATIONS, {"keys": keys})
        received = now()
        rows = [
            {
                "event_id": e.event_id,
                "kind": e.kind,
                "at": e.at,
                "subject": _subject(e),
                "client": client,
                "received_at": received,
                "payload": e.model_dump_json(),
            }
            for e in sorted(unique.values(), key=lambda e: e.event_id)
        ]
        new = set(self._insert_new(conn, t.events, rows, "event_id"))
        fresh = sorted((unique[i] for i in new), key=lambda e: (e.at, e.event_id))
        arrived = self._invitations(conn, [e for e in fresh if isinstance(e, InvitationSent)])
        answers = [e for e in fresh if isinstance(e, InvitationAnswered)]
        answers += self._waiting_answers(conn, arrived, new)
        orphans = self._answers(conn, sorted(answers, key=lambda e: (e.at, e.event_id)))
        self._reports(conn, [e for e in fresh if isinstance(e, Reported)])
        self._memberships(conn, [e for e in fresh if isinstance(e, GroupJoined)])
        self._messages(conn, [e for e in fresh if isinstance(e, MessageSent)])
        self._profiles(conn, [e for e in fresh if isinstance(e, ProfileUpdated)])
        return IngestResult(len(batch), len(new), len(batch) - len(new), orphans)

    def _invitations(self, conn: Connection, sent: list[InvitationSent]) -> list[str]:
        """Insert new invitations; returns the ids that were not there before."""
        if not sent:
            return []
        flags = self.templates.flags([(e.invitation_id, e.sender, e.note, e.at) for e in sent])
        rows = sorted(
            (
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
            ),
            key=lambda row: row["invitation_id"],
        )
        return self._insert_new(conn, t.invitations, rows, "invitation_id")

    def _waiting_answers(
        self, conn: Connection, arrived: list[str], new: set[str]
    ) -> list[InvitationAnswered]:
        """Answers from earlier batches whose invitation has just arrived."""
        waiting: list[InvitationAnswered] = []
        for chunk in _chunks(sorted(arrived)):
            query = select(t.events.c.event_id, t.events.c.payload).where(
                self._among(t.events.c.subject, chunk), t.events.c.kind != "invitation_sent"
            )
            for event_id, payload in conn.execute(query):
                if event_id not in new:
                    answer = EVENT.validate_json(payload)
                    assert isinstance(answer, InvitationAnswered)
                    waiting.append(answer)
        return waiting

    def _answers(self, conn: Connection, answers: list[InvitationAnswered]) -> int:
        """The first answer (by time) to a pending invitation wins."""
        if not answers:
            return 0
        column = t.invitations.c
        known: dict[str, Any] = {}
        for chunk in _chunks(sorted({e.invitation_id for e in answers})):
            query = select(column.invitation_id, column.sender, column.recipient, column.state)
            known.update(
                {
                    row.invitation_id: row
                    for row in conn.execute(query.where(self._among(column.invitation_id, chunk)))
                }
            )
        states = {key: row.state for key, row in known.items()}
        changes, links = [], []
        for event in answers:
            if states.get(event.invitation_id) != "pending":
                continue
            state = states[event.invitation_id] = STATES[event.kind]
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
            statement = _ANSWER_PG if self._postgres else _ANSWER
            self._execute_rows(conn, statement, sorted(changes, key=lambda row: row["key"]))
        self._rows(conn, t.connections, links, ("member", "contact"))
        return sum(1 for event in answers if event.invitation_id not in known)

    def _rows(self, conn: Connection, table: Table, rows: list[dict], key: tuple[str, ...]) -> None:
        """Insert rows that are not there yet (the first one of a key wins)."""
        unique = {tuple(row[k] for k in key): row for row in reversed(rows)}
        self._insert_new(conn, table, [unique[k] for k in sorted(unique)], key[0])

    def _memberships(self, conn: Connection, joined: list[GroupJoined]) -> None:
        rows = [{"member": e.user, "group_id": e.group} for e in joined]
        self._rows(conn, t.memberships, rows, ("member", "group_id"))

    def _extreme(self, name: str, first: Any, second: Any) -> Any:
        """greatest()/least() in PostgreSQL are SQLite's two-argument max()/min()."""
        if self._postgres:
            return getattr(func, name)(first, second)
        return (func.max if name == "greatest" else func.min)(first, second)

    def _upsert_time(self, conn, table, rows, key, column: str, pick: str) -> None:
        """One row per key whose time column keeps the earliest or latest, in any order."""
        best: dict[tuple, dict] = {}
        choose = max if pick == "greatest" else min
        for row in rows:
            k = tuple(row[name] for name in key)
            if k in best:
                row = best[k] | {column: choose(best[k][column], row[column])}
            best[k] = row
        if best:
            statement = self._insert_from_rows(table)
            value = self._extreme(pick, table.c[column], statement.excluded[column])
            upsert = statement.on_conflict_do_update(index_elements=key, set_={column: value})
            self._execute_rows(conn, upsert, [best[k] for k in sorted(best)])

    def _reports(self, conn: Connection, reports: list[Reported]) -> None:
        """One reporter counts once; the report's time is the first one."""
        rows = [{"reported": e.reported, "reporter": e.reporter, "at": e.at} for e in reports]
        self._upsert_time(conn, t.reports, rows, ("reported", "reporter"), "at", "least")

    def _messages(self, conn: Connection, sent: list[MessageSent]) -> None:
        rows = [{"sender": e.sender, "recipient": e.recipient, "last_at": e.at} for e in sent]
        self._upsert_time(conn, t.messages, rows, ("sender", "recipient"), "last_at", "greatest")

    def _profiles(self, conn: Connection, updates: list[ProfileUpdated]) -> None:
        """The latest event by time wins for the fields it carries, whatever the arrival order:
        the batch's events are merged per member, then merged with the stored row."""
        columns = ("created", "contacts", "privacy")
        merged: dict[str, dict[str, Any]] = {}
        for e in sorted(updates, key=lambda e: (e.at, e.event_id)):
            row = merged.setdefault(e.user, dict.fromkeys(columns) | {"member": e.user})
            row["updated_at"] = e.at
            row.update({name: value for name in columns if (value := getattr(e, name)) is not None})
        if not merged:
            return
        statement = self._insert_from_rows(t.profiles)
        newer = statement.excluded.updated_at >= t.profiles.c.updated_at
        values = {
            name: _case(newer, statement.excluded[name], t.profiles.c[name]) for name in columns
        }
        values["updated_at"] = self._extreme(
            "greatest", t.profiles.c.updated_at, statement.excluded.updated_at
        )
        upsert = statement.on_conflict_do_update(index_elements=["member"], set_=values)
        self._execute_rows(conn, upsert, [merged[member] for member in sorted(merged)])


def _recordset(columns: Iterable[Column]) -> Any:
    """The JSON parameter `rows` as a table of these columns (PostgreSQL's json_to_recordset:
    a JSON object's keys are the column names)."""
    rows = cast(bindparam("rows", type_=Text), JSON)
    typed = [column(source.name, source.type) for source in columns]
    return func.json_to_recordset(rows).table_valued(*typed).render_derived("r", with_types=True)


_ANSWER_COLUMNS = (
    Column("key", t.ID),
    Column("new_state", String),
    Column("closed", DateTime),
    Column("with_comment", Boolean),
)
_ANSWER = (
    update(t.invitations)
    .where(t.invitations.c.invitation_id == bindparam("key"), t.invitations.c.state == "pending")
    .values(
        state=bindparam("new_state"),
        closed_at=bindparam("closed"),
        commented=bindparam("with_comment"),
    )
)
"""A pending invitation answered (SQLite: once per answer)."""
_answers_in = _recordset(_ANSWER_COLUMNS)
_ANSWER_PG = (
    update(t.invitations)
    .where(t.invitations.c.invitation_id == _answers_in.c.key, t.invitations.c.state == "pending")
    .values(
        state=_answers_in.c.new_state,
        closed_at=_answers_in.c.closed,
        commented=_answers_in.c.with_comment,
    )
)
"""The same for all answers of a batch at once (UPDATE ... FROM json_to_recordset)."""


def _case(newer: Any, incoming: Any, stored: Any) -> Any:
    """A newer event's value unless it left the field out; an older one fills only gaps."""
    return case((newer, func.coalesce(incoming, stored)), else_=func.coalesce(stored, incoming))
