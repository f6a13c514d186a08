"""The gate's tables (SQLAlchemy Core), kept apart from the screener's store.

They live here and not in store/schema.py because they describe another thing: the state of a
whole network per sender, written by an operator's event stream, where the screener's store holds
one person's inbox per user with Alembic migrations for files on people's own machines. The gate
runs as its own service on its own database (PostgreSQL; SQLite for a single-machine trial) and
creates its tables on start (`create_tables`); nothing of the screener's store is shared.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

METADATA = MetaData()
ID = String(200)

clients = Table(
    "gate_clients",
    METADATA,
    Column("name", String(100), primary_key=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
)
"""An operator's clients; only the SHA-256 of each API key is kept."""

events = Table(
    "gate_events",
    METADATA,
    Column("event_id", ID, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("subject", ID),
    Column("client", String(100), nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("payload", Text, nullable=False),
    Index("ix_gate_events_subject", "subject"),
)
"""The ledger: every event once (its id is the key), so a retried batch counts nothing twice.
`subject` is the invitation an invitation event is about: an answer that arrives before its
invitation waits here and is applied when the invitation comes in."""

invitations = Table(
    "gate_invitations",
    METADATA,
    Column("invitation_id", ID, primary_key=True),
    Column("sender", ID, nullable=False),
    Column("recipient", ID, nullable=False),
    Column("sent_at", DateTime, nullable=False),
    Column("has_note", Boolean, nullable=False),
    Column("in_template", Boolean, nullable=False),
    Column("state", String(12), nullable=False),  # pending accepted declined withdrawn ignored
    Column("closed_at", DateTime),
    Column("commented", Boolean, nullable=False, default=False),
    Index("ix_gate_invitations_sender_sent", "sender", "sent_at"),
    Index("ix_gate_invitations_pair", "recipient", "sender"),
)

connections = Table(
    "gate_connections",
    METADATA,
    Column("member", ID, primary_key=True),
    Column("contact", ID, primary_key=True),
    Column("since", DateTime, nullable=False),
)
"""Both directions are stored, so 'contacts of A' is one index range."""

reports = Table(
    "gate_reports",
    METADATA,
    Column("reported", ID, primary_key=True),
    Column("reporter", ID, primary_key=True),
    Column("at", DateTime, nullable=False),
)
"""One row per reporter and reported: a reporter counts once, however often they report."""

messages = Table(
    "gate_messages",
    METADATA,
    Column("sender", ID, primary_key=True),
    Column("recipient", ID, primary_key=True),
    Column("last_at", DateTime, nullable=False),
)

profiles = Table(
    "gate_profiles",
    METADATA,
    Column("member", ID, primary_key=True),
    Column("created", Date),
    Column("contacts", Integer),
    Column("privacy", String(24)),
    Column("updated_at", DateTime, nullable=False),
)
"""The latest profile event (by its time, not its arrival) wins for the fields it carries."""

memberships = Table(
    "gate_memberships",
    METADATA,
    Column("member", ID, primary_key=True),
    Column("group_id", ID, primary_key=True),
    Index("ix_gate_memberships_group", "group_id"),
)


def create_tables(engine: Engine) -> None:
    """Creates what is missing; existing tables are left as they are."""
    METADATA.create_all(engine)
