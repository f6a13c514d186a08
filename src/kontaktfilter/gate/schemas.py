"""The JSON the gate's API reads and writes (pydantic models): FastAPI validates requests and
documents answers with them, and the direct checks (direct_checks.py) validate with the same."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kontaktfilter.gate.decisions import Outcome
from kontaktfilter.gate.events import MAX_NOTE, Id, Moment


class IngestOut(BaseModel):
    received: int
    new: int
    duplicates: int
    """Event ids the gate had already counted: a retry is always safe."""
    orphans: int


class InvitationCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sender: Id
    recipient: Id
    note: str = Field("", max_length=MAX_NOTE)
    at: Moment | None = None
    """The moment to decide for (default: now); replays pass the event's time."""


class ReasonOut(BaseModel):
    name: str
    outcome: Outcome
    detail: str
    score: float | None = None


class NoteOut(BaseModel):
    category: str
    action: str
    genuine: float | None
    signals: list[str]


class InvitationOut(BaseModel):
    outcome: Outcome
    reasons: list[ReasonOut]
    risk: float
    signals: list[ReasonOut]
    note: NoteOut | None


class MessageCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sender: Id
    recipient: Id
    via: Literal["direct", "reply", "group"] = "direct"
    """How the message would reach the recipient: a new message, an answer (to a message, a
    note or a decline comment), or a post into a shared group. Each is held to the setting."""
    at: Moment | None = None


class MessageOut(BaseModel):
    allowed: bool
    reason: str
    detail: str
