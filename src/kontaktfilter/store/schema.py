"""The tables of the screener's memory (SQLAlchemy 2 declarative models).

Every row belongs to one user (`user_id`): the web screener serves several people from one store
and must never show one person's requests to another. Rows that come from a file carry a natural
key (`key`) unique per user, so importing the same export twice adds nothing, and the id of the
import run that created them, so a failed import can remove exactly what it added.

The Alembic migrations in `migrations/versions` create these tables; a test compares the two.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    """A person whose inbox the store holds; `profile` is their own (docs/data-format.md)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    """Every session cookie carries the epoch it was issued under; a bump (logout, a new
    password) makes all of the user's cookies stale."""
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ImportRun(Base):
    """One file (or ZIP member) being imported: the checkpoint that makes imports resumable."""

    __tablename__ = "import_runs"
    __table_args__ = (UniqueConstraint("user_id", "source", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(500))
    """The file name, or `archive.zip!member.csv` for a member of a ZIP."""
    digest: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the content: the same file under another name is the same import."""
    kind: Mapped[str] = mapped_column(String(40))
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(20))  # running, done, failed
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class Person(Base):
    """Someone other than the user: a sender, an invitee, a known contact (`connected_on`)."""

    __tablename__ = "profiles"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(300))
    """Profile URL slug when the source has one (names collide and change), else the name."""
    name: Mapped[str] = mapped_column(String(300), default="")
    headline: Mapped[str] = mapped_column(String(500), default="")
    url: Mapped[str | None] = mapped_column(String(500))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The rest of the profile (offers, interests, contacts count ...) as docs/data-format.md."""
    connected_on: Mapped[datetime | None] = mapped_column(DateTime)
    """Set for the user's existing contacts: their requests are `known`."""
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))


class ContactRequest(Base):
    """An invitation, incoming or outgoing, with its note."""

    __tablename__ = "requests"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(300))
    direction: Mapped[str] = mapped_column(String(10))  # incoming, outgoing
    platform: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    sender_key: Mapped[str] = mapped_column(String(300), index=True)
    sender_name: Mapped[str] = mapped_column(String(300), default="")
    recipient_key: Mapped[str] = mapped_column(String(300), default="")
    recipient_name: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str | None] = mapped_column(String(5))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # pending, connected, decided
    template_key: Mapped[str | None] = mapped_column(String(300), index=True)
    """The template cluster (Template.key) the note belongs to, if any."""
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Input fields the engine reads beyond the columns: sender profile, sender history."""
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class StoredVerdict(Base):
    """The engine's current verdict on a request; `rescore` replaces it, decisions stay."""

    __tablename__ = "verdicts"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(20), index=True)
    action: Mapped[str] = mapped_column(String(30))
    score: Mapped[float] = mapped_column(Float)
    lang: Mapped[str] = mapped_column(String(5))
    rule: Mapped[str] = mapped_column(String(100))
    signals: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    reply: Mapped[str | None] = mapped_column(Text)
    reply_note: Mapped[str | None] = mapped_column(Text)
    scored_at: Mapped[datetime] = mapped_column(DateTime)


class Decision(Base):
    """What the user did with a request, and when; never touched by re-scoring."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(30))
    decided_at: Mapped[datetime] = mapped_column(DateTime)
    undone: Mapped[bool] = mapped_column(Boolean, default=False)
    batch: Mapped[int | None] = mapped_column(Integer)
    """Decisions taken together (a whole template declined) share the first one's id: one
    undo takes them all back."""
    comment: Mapped[str | None] = mapped_column(Text)


class FollowUp(Base):
    """A question the user asked a sender (ask_details) or a reminder, with its deadline."""

    __tablename__ = "followups"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    due_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    state: Mapped[str] = mapped_column(String(20))  # open, answered, expired, done
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)


class Message(Base):
    """A message of a conversation (LinkedIn messages.csv): answers to questions, first pitches."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(300))
    conversation: Mapped[str] = mapped_column(String(300), index=True)
    sender_key: Mapped[str] = mapped_column(String(300), index=True)
    sender_name: Mapped[str] = mapped_column(String(300), default="")
    outgoing: Mapped[bool] = mapped_column(Boolean)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    subject: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    folder: Mapped[str] = mapped_column(String(40), default="")
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))


class Template(Base):
    """A cluster of near-identical notes from several senders, as the bulk detector found it."""

    __tablename__ = "templates"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(300))
    """The natural key of the cluster's earliest request: stable while the cluster grows."""
    senders: Mapped[int] = mapped_column(Integer)
    requests: Mapped[int] = mapped_column(Integer)
    first_seen: Mapped[datetime | None] = mapped_column(DateTime)
    last_seen: Mapped[datetime | None] = mapped_column(DateTime)
    example: Mapped[str] = mapped_column(Text)


class LearnedModelRow(Base):
    """The user's learned model (kontaktfilter.learning), rebuilt from their decisions; it goes
    with the user when the user is deleted."""

    __tablename__ = "learned_models"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[bytes] = mapped_column(LargeBinary)
    """A NumPy archive without pickles (LearnedModel.to_bytes)."""
    decisions: Mapped[int] = mapped_column(Integer)
    """The user's decisions when it was trained: retraining is due after a batch more."""
    trained_at: Mapped[datetime] = mapped_column(DateTime)
