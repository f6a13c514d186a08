"""What the gate knows of one sender at a moment: the figures the behaviour signals and the
reputation read, as plain data. The store computes them with SQL (gate/store.py), the replay
from a bounded in-memory tracker (gate/replay.py); a test holds the two to the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Complaint:
    """One recipient's bad answer to the sender (one per complainer: a report outranks a
    decline), with what the reporter's standing is made of."""

    kind: str  # "report" or "decline"
    reporter_created: date | None
    reporter_accepted: int
    reporter_answered: int
    had_contact: bool
    """The sender invited or messaged the complainer in the window: a report from someone the
    sender never approached is no evidence (a brigade's favourite)."""


@dataclass(frozen=True, slots=True)
class SenderActivity:
    """Counts over the policy's sliding window ending at `now` (invitations by sending time)."""

    now: datetime
    sent_window: int = 0
    sent_week: int = 0
    pending: int = 0
    """Open invitations plus those withdrawn before the minimum days (they keep their slot)."""
    accepted: int = 0
    declined: int = 0
    withdrawn: int = 0
    withdrawn_fast: int = 0
    reinvites: int = 0
    notes: int = 0
    template_notes: int = 0
    mutual_in_group: int = 0
    """Distinct co-members of a group with whom invitations went both ways within the burst."""
    contacts: int | None = None
    created: date | None = None
    complaints: tuple[Complaint, ...] = field(default=())

    @property
    def answered(self) -> int:
        """Accepted or declined: silence (pending, ignored) says nothing either way."""
        return self.accepted + self.declined


@dataclass(frozen=True, slots=True)
class PairFacts:
    """What a check between two members reads: their history with each other."""

    privacy: str
    connected: bool
    shared_contact: bool
    recipient_messaged_sender: bool
    """A message (never a decline comment or a note) from the recipient within the reply
    window: the recipient opened that conversation."""
    recipient_reported_sender: bool
    pending_to_recipient: bool
    last_closed_at: datetime | None
    """The latest decline or withdrawal between them (sender to recipient): the cooldown's start."""
