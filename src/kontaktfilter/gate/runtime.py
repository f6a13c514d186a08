"""One gate: its database, its policy, the screener's engine for the notes, and the checks that
read the tables and decide (what the service and the CLI hold)."""

from __future__ import annotations

from datetime import UTC, datetime

from kontaktfilter.engine import Engine
from kontaktfilter.gate.check_connections import CheckConnections
from kontaktfilter.gate.decisions import Decision, MessageDecision, check_invitation, check_message
from kontaktfilter.gate.policies import GatePolicy
from kontaktfilter.gate.queries import invitation_facts, pair_facts
from kontaktfilter.gate.store import GateStore
from kontaktfilter.gate.tables import create_tables
from kontaktfilter.gate.templates import NoteTemplates
from kontaktfilter.model import Request, Verdict
from kontaktfilter.store.database import create_db_engine

PREPARE_AFTER = 5
"""psycopg's `prepare_threshold`: a statement is prepared on the server once it has run this
many times on a connection (on its sixth run)."""


class Gate:
    def __init__(self, url: str, policy: GatePolicy | None = None, engine: Engine | None = None):
        self.policy = policy or GatePolicy()
        self.db = create_db_engine(url)
        self.reader = CheckConnections(self.db)
        """Checks read with one statement each, in autocommit: no BEGIN and no ROLLBACK travel
        around it, which halved a check's time on PostgreSQL."""
        create_tables(self.db)
        templates = NoteTemplates(self.policy.window_days, self.policy.template_min_senders)
        self.store = GateStore(self.db, templates)
        self.engine = engine or Engine()

    def warm(self, connections: int) -> None:
        """Open the check connections and run each check's statements on them before the first
        caller waits: a PostgreSQL connection costs a new server process, and psycopg prepares
        a statement only on its sixth run on a connection, so a worker's first checks were
        several times slower than the rest (the slowest checks of a bench run came in its first
        second). The statements read a pair of members that cannot exist."""
        now = datetime.now(UTC).replace(tzinfo=None)
        opened = self.reader.opened(connections)
        try:
            for conn in opened:
                for _ in range(PREPARE_AFTER + 1):
                    invitation_facts(conn, "", "", now, self.policy)
                    pair_facts(conn, "", "", now, self.policy)
        finally:
            self.reader.put_back(opened)
        self.verdict("Hello, I read your post and would like to connect.", now)

    def close(self) -> None:
        self.reader.close()
        self.db.dispose()

    def verdict(self, note: str, now: datetime) -> Verdict | None:
        """The note's verdict by the screener's own engine; no note, no verdict."""
        if not note.strip():
            return None
        return self.engine.score(Request(text=note, sent_at=now), now)

    def check_invitation(
        self, sender: str, recipient: str, note: str = "", now: datetime | None = None
    ) -> tuple[Decision, Verdict | None]:
        now = now or datetime.now(UTC).replace(tzinfo=None)
        with self.reader.connection() as conn:
            act, pair = invitation_facts(conn, sender, recipient, now, self.policy)
        verdict = self.verdict(note, now)
        in_template = bool(note.strip()) and self.store.templates.matches(note, sender, now)
        return check_invitation(act, pair, self.policy, verdict, in_template), verdict

    def check_message(
        self, sender: str, recipient: str, via: str = "direct", now: datetime | None = None
    ) -> MessageDecision:
        now = now or datetime.now(UTC).replace(tzinfo=None)
        with self.reader.connection() as conn:
            pair = pair_facts(conn, sender, recipient, now, self.policy)
        return check_message(pair, via)
