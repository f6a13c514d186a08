"""The JSON API's bodies as pydantic models: they are the OpenAPI document clients and
schemathesis read, and responses are checked against them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from kontaktfilter.model import Action, Category

MAX_NOTE_CHARS = 20_000
"""Longer than any platform allows (LinkedIn 300, XING a few thousand), short enough to score."""


def _utc(moment: datetime) -> datetime:
    """The store keeps naive UTC; the API says so (RFC 3339 wants the offset)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


UtcDateTime = Annotated[datetime, AfterValidator(_utc)]
Platform = Literal["xing", "linkedin", "other"]
Language = Literal["de", "en"]
Kind = Literal["contact_request", "message", "group_invitation"]
"""An invitation's note, a message (the first after connecting, or later), a group invitation:
signals that only make sense for one kind fire only there (docs/data-format.md)."""


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorOut(BaseModel):
    error: ErrorDetail


class ScoreIn(BaseModel):
    """One request to score, as `kontaktfilter score` reads a line (docs/data-format.md)."""

    text: str = Field(max_length=MAX_NOTE_CHARS)
    id: str | None = Field(default=None, max_length=300)
    lang: Language | None = None
    platform: Platform = "other"
    kind: Kind = "contact_request"
    sent_at: datetime | None = None
    sender: dict[str, Any] | None = None
    recipient: dict[str, Any] | None = None


class SpanOut(BaseModel):
    start: int
    end: int
    text: str


class SignalOut(BaseModel):
    name: str
    group: str
    weight: float
    strength: float
    score: float
    description: str
    detail: str | None = None
    learned_weight: float | None = None
    """The signal's weight towards the verdict's label in the combiner fitted on real text."""
    spans: list[SpanOut]


class VerdictOut(BaseModel):
    id: str | None
    category: Category
    action: Action
    score: float
    lang: str
    rule: str
    reply: str | None
    reply_note: str | None
    signals: list[SignalOut]
    truncated: bool
    genuine_probability: float | None = None
    """The combiner's probability that a genuine person wrote the note (None: a known contact,
    an empty note, or no combiner)."""


class RequestOut(BaseModel):
    """A stored incoming request with its current verdict."""

    id: int
    key: str
    sender_name: str
    text: str
    sent_at: UtcDateTime | None
    status: str
    category: Category
    action: Action
    score: float
    rule: str
    signals: list[SignalOut]
    reply: str | None
    reply_note: str | None


class RequestPage(BaseModel):
    items: list[RequestOut]
    total: int
    limit: int
    offset: int


class DecisionIn(BaseModel):
    action: Action
    reply: str | None = Field(default=None, max_length=20_000)
    """The reply the user sent with the decision (the draft, perhaps edited): kept with it."""


class DecisionOut(BaseModel):
    decision_id: int
    request_id: int
    status: str


class UndoOut(BaseModel):
    request_id: int | None
    """The request that is pending again; null when there was nothing to undo."""


class LearnOut(BaseModel):
    model: bool
    """Whether the user has a learned model (it needs 10 distinct decisions, 3 on each side)."""
    decisions: int
    """Decisions taken and not undone."""
    trained_at: UtcDateTime | None = None
    distinct: int | None = None
    counts: dict[str, int] | None = None
    trust: float | None = None
    """0..1: the share of the learned signal's weight the model gets."""
    message: str = ""


class DraftOut(BaseModel):
    action: Action
    reply: str | None
    note: str | None


class FollowUpOut(BaseModel):
    kind: str
    request_id: int
    sender_name: str
    due_at: UtcDateTime | None
    detail: str


class TemplateOut(BaseModel):
    key: str
    senders: int
    requests: int
    first_seen: UtcDateTime | None
    last_seen: UtcDateTime | None
    example: str


class WeekOut(BaseModel):
    start: date
    counts: dict[str, int]
    total: int
    unwanted_share: float


class BucketOut(BaseModel):
    label: str
    count: int


class StatsOut(BaseModel):
    user: str
    tables: dict[str, int]
    statuses: dict[str, int]
    known_contacts: int
    weeks: list[WeekOut]
    categories: dict[str, int]
    unwanted_share: float
    decided: int
    median_days_to_decision: float | None
    decision_buckets: list[BucketOut]


class RuleOut(BaseModel):
    name: str
    action: Action
    when: dict[str, Any]


class StrategyOut(BaseModel):
    source: str
    text: str
    follow_up_days: float
    hold_days: float
    reminder_days: float
    rules: list[RuleOut]


class StrategyIn(BaseModel):
    text: str = Field(max_length=200_000)


class ImportSourceOut(BaseModel):
    name: str
    done: int
    total: int


class ImportJobOut(BaseModel):
    id: str
    filename: str
    state: Literal["running", "done", "failed"]
    sources: list[ImportSourceOut]
    reports: list[dict[str, Any]]
    error: str | None


class SessionOut(BaseModel):
    user: str
    csrf_token: str
    """Send it as the X-CSRF-Token header with every POST and PUT."""


class HealthOut(BaseModel):
    status: Literal["ok"]
