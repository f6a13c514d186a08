"""What comes in: the network's events, validated field by field (pydantic), one model per kind.

An event carries the operator's own `event_id`: the gate counts each id once, however often a
client sends it (retries after a timeout, two workers reading one queue). Times are UTC; a naive
time is taken as UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter

from kontaktfilter.gate.policies import Privacy

MAX_BATCH = 5000
"""Events per POST: enough for a fast producer, small enough for one transaction."""
MAX_NOTE = 8000
Id = Annotated[str, Field(min_length=1, max_length=200)]


def _naive_utc(value: datetime) -> datetime:
    """Stored naive in UTC, as the rest of the store keeps time."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


Moment = Annotated[datetime, AfterValidator(_naive_utc)]


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: Id
    at: Moment


class InvitationSent(_Event):
    kind: Literal["invitation_sent"]
    invitation_id: Id
    sender: Id
    recipient: Id
    note: str = Field("", max_length=MAX_NOTE)


class InvitationAnswered(_Event):
    """The sender withdrew it, or the recipient accepted, declined (perhaps with a comment) or
    ignored it (the platform's own expiry)."""

    kind: Literal[
        "invitation_withdrawn", "invitation_accepted", "invitation_declined", "invitation_ignored"
    ]
    invitation_id: Id
    comment: str = Field("", max_length=MAX_NOTE)


class Reported(_Event):
    kind: Literal["reported"]
    reporter: Id
    reported: Id


class MessageSent(_Event):
    kind: Literal["message_sent"]
    sender: Id
    recipient: Id


class ProfileUpdated(_Event):
    """Created or changed: the contacts count, the creation date, the privacy setting."""

    kind: Literal["profile_updated"]
    user: Id
    created: date | None = None
    contacts: int | None = Field(None, ge=0)
    privacy: Privacy | None = None


class GroupJoined(_Event):
    kind: Literal["group_joined"]
    user: Id
    group: Id


Event = Annotated[
    InvitationSent | InvitationAnswered | Reported | MessageSent | ProfileUpdated | GroupJoined,
    Field(discriminator="kind"),
]
EVENT = TypeAdapter(Event)
"""Parses one event from a dict or JSON (the replay reads JSON lines with it)."""


class EventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[Event] = Field(min_length=1, max_length=MAX_BATCH)
