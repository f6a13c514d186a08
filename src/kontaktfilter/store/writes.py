"""What an import writes: its run's checkpoints and the rows of each batch. Writers take a
connection, so that the caller decides the transaction: an importer commits a batch of rows
together with its checkpoint (imports.runner)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from kontaktfilter.store.clock import utcnow
from kontaktfilter.store.schema import (
    ContactRequest,
    ImportRun,
    Message,
    Person,
    StoredVerdict,
    Template,
)
from kontaktfilter.store.sqlite_rows import executemany, insert_returning, sqlite_rows, stored_keys

MEMBER_CHUNK = 500
"""Request keys per UPDATE when marking a template's members (bound parameters stay few)."""
VERDICT_COLUMNS = (
    "category",
    "action",
    "score",
    "lang",
    "rule",
    "signals",
    "reply",
    "reply_note",
    "scored_at",
)
"""What a new verdict replaces of a stored one (decisions and follow-ups live elsewhere)."""
PEOPLE_REFRESHED = ("connected_on", "name", "headline")
"""What a known contact's row takes from a newer Connections.csv."""
ON_USER_KEY = 'ON CONFLICT ("user_id", "key")'


class ImportWrites:
    """The import side of a Store (mixed into it): runs, people, requests, messages, verdicts
    and templates, written in bulk with the dialect's ON CONFLICT."""

    engine: Engine
    user_id: int
    dialect: str

    def _insert(self, table: Any) -> Any:
        """INSERT with the dialect's ON CONFLICT support (both SQLite and PostgreSQL have it)."""
        return (postgresql if self.dialect == "postgresql" else sqlite).insert(table)

    # import runs ----------------------------------------------------------------------------

    def find_run(self, source: str, digest: str) -> Row[Any] | None:
        """The earlier run of this content under this name, if any (its state, rows_total ...)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(ImportRun).where(
                    ImportRun.user_id == self.user_id,
                    ImportRun.source == source,
                    ImportRun.digest == digest,
                )
            ).first()
        return row

    def start_run(self, source: str, digest: str, kind: str, rows_total: int) -> tuple[int, int]:
        """The run id and the rows already done: a run killed half-way resumes at its checkpoint."""
        with self.engine.begin() as conn:
            conn.execute(
                self._insert(ImportRun)
                .values(
                    user_id=self.user_id,
                    source=source,
                    digest=digest,
                    kind=kind,
                    rows_total=rows_total,
                    rows_done=0,
                    state="running",
                    started_at=utcnow(),
                )
                .on_conflict_do_nothing(index_elements=["user_id", "source", "digest"])
            )
            run_id, done = conn.execute(
                select(ImportRun.id, ImportRun.rows_done).where(
                    ImportRun.user_id == self.user_id,
                    ImportRun.source == source,
                    ImportRun.digest == digest,
                )
            ).one()
            conn.execute(
                update(ImportRun)
                .where(ImportRun.id == run_id)
                .values(state="running", error=None, rows_total=rows_total)
            )
        return run_id, done

    @staticmethod
    def checkpoint(conn: Connection, run_id: int, rows_done: int) -> None:
        conn.execute(update(ImportRun).where(ImportRun.id == run_id).values(rows_done=rows_done))

    def finish_run(self, run_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(ImportRun)
                .where(ImportRun.id == run_id)
                .values(state="done", finished_at=utcnow())
            )

    def fail_run(self, run_id: int, error: str) -> None:
        """Remove every row this run added, so the store is as it was before the file."""
        with self.engine.begin() as conn:
            for table in (ContactRequest, Person, Message):
                conn.execute(delete(table).where(table.import_run_id == run_id))
            conn.execute(
                update(ImportRun)
                .where(ImportRun.id == run_id)
                .values(state="failed", error=error[:2000], rows_done=0, finished_at=utcnow())
            )

    # writers (inside the caller's transaction) ----------------------------------------------

    def insert_requests(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
        """Insert requests not yet stored; returns natural key -> id of the rows inserted now."""
        if not rows:
            return {}
        if self.dialect == "sqlite":
            shape = sqlite_rows(ContactRequest.__table__, ("user_id",), tuple(rows[0]))
            conflict = f'{ON_USER_KEY} DO NOTHING RETURNING "key", "id"'
            return dict(insert_returning(conn, shape, conflict, shape.values(rows, self.user_id)))
        statement = (
            self._insert(ContactRequest)
            .on_conflict_do_nothing(index_elements=["user_id", "key"])
            .returning(ContactRequest.key, ContactRequest.id)
        )
        stamped = [{**row, "user_id": self.user_id} for row in rows]
        return {key: id_ for key, id_ in conn.execute(statement, stamped)}

    def upsert_people(
        self, conn: Connection, rows: Sequence[dict[str, Any]], connected: bool = False
    ) -> None:
        """Add people; for known contacts also record (or refresh) when they were connected."""
        if not rows:
            return
        if self.dialect == "sqlite":
            shape = sqlite_rows(Person.__table__, ("user_id",), tuple(rows[0]))
            refresh = ", ".join(f'"{c}" = excluded."{c}"' for c in PEOPLE_REFRESHED)
            conflict = f"DO UPDATE SET {refresh}" if connected else "DO NOTHING"
            sql = shape.insert_sql(f"{ON_USER_KEY} {conflict}")
            executemany(conn, sql, shape.values(rows, self.user_id))
            return
        statement = self._insert(Person)
        if connected:
            statement = statement.on_conflict_do_update(
                index_elements=["user_id", "key"],
                set_={column: statement.excluded[column] for column in PEOPLE_REFRESHED},
            )
        else:
            statement = statement.on_conflict_do_nothing(index_elements=["user_id", "key"])
        conn.execute(statement, [{**row, "user_id": self.user_id} for row in rows])

    def connected_among(self, conn: Connection, keys: Sequence[str]) -> set[str]:
        """Which of these people are known contacts already."""
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            found.update(
                conn.execute(
                    select(Person.key).where(
                        Person.user_id == self.user_id,
                        Person.key.in_(keys[start : start + 500]),
                        Person.connected_on.is_not(None),
                    )
                ).scalars()
            )
        return found

    def stored_request_keys(self, keys: Sequence[str]) -> set[str]:
        """Which of these requests are stored already (an import scores only the others)."""
        found: set[str] = set()
        if not keys:
            return found
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                return stored_keys(conn, ContactRequest.__table__, self.user_id, keys)
            for start in range(0, len(keys), MEMBER_CHUNK):
                found.update(
                    conn.execute(
                        select(ContactRequest.key).where(
                            ContactRequest.user_id == self.user_id,
                            ContactRequest.key.in_(keys[start : start + MEMBER_CHUNK]),
                        )
                    ).scalars()
                )
        return found

    def insert_messages(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
        if not rows:
            return 0
        if self.dialect == "sqlite":
            shape = sqlite_rows(Message.__table__, ("user_id",), tuple(rows[0]))
            sql = shape.insert_sql(f"{ON_USER_KEY} DO NOTHING")
            return executemany(conn, sql, shape.values(rows, self.user_id))
        statement = (
            self._insert(Message)
            .on_conflict_do_nothing(index_elements=["user_id", "key"])
            .returning(Message.id)
        )
        return len(
            conn.execute(statement, [{**row, "user_id": self.user_id} for row in rows]).all()
        )

    def write_verdicts(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        """Insert or replace verdicts; decisions and follow-ups live elsewhere and stay."""
        if not rows:
            return
        if self.dialect == "sqlite":
            shape = sqlite_rows(StoredVerdict.__table__, (), tuple(rows[0]))
            replace = ", ".join(f'"{c}" = excluded."{c}"' for c in VERDICT_COLUMNS)
            sql = shape.insert_sql(f'ON CONFLICT ("request_id") DO UPDATE SET {replace}')
            executemany(conn, sql, shape.values(rows))
            return
        statement = self._insert(StoredVerdict)
        statement = statement.on_conflict_do_update(
            index_elements=["request_id"],
            set_={column: statement.excluded[column] for column in VERDICT_COLUMNS},
        )
        conn.execute(statement, list(rows))

    def replace_templates(self, rows: Iterable[dict[str, Any]]) -> int:
        """The user's template clusters, replaced; each row's `members` (request keys) are marked
        with the cluster's key."""
        stamped, members = [], []
        for row in rows:
            members.append((row["key"], list(row.get("members", ()))))
            stamped.append(
                {k: v for k, v in row.items() if k != "members"} | {"user_id": self.user_id}
            )
        mine = ContactRequest.user_id == self.user_id
        with self.engine.begin() as conn:
            conn.execute(delete(Template).where(Template.user_id == self.user_id))
            marked = ContactRequest.template_key.is_not(None)  # not every row of the user
            conn.execute(update(ContactRequest).where(mine, marked).values(template_key=None))
            if stamped:
                conn.execute(self._insert(Template), stamped)
            for key, keys in members:
                for start in range(0, len(keys), MEMBER_CHUNK):
                    chunk = keys[start : start + MEMBER_CHUNK]
                    conn.execute(
                        update(ContactRequest)
                        .where(mine, ContactRequest.key.in_(chunk))
                        .values(template_key=key)
                    )
        return len(stamped)
