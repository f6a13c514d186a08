"""The figures of the screener's dashboard: requests per week by category, the share of
collectors and spam, and how long requests waited for a decision (seed 003: leave none pending).

Grouping happens in Python over two narrow columns, so SQLite and PostgreSQL give the same
answer without dialect-specific date functions; a personal inbox has thousands of rows, not
billions."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from sqlalchemy import func, select

from kontaktfilter.model import Category
from kontaktfilter.store import Store
from kontaktfilter.store.schema import ContactRequest, Decision, StoredVerdict

UNWANTED = (Category.COLLECTOR.value, Category.SPAM.value)
DECISION_BUCKETS: tuple[tuple[str, float], ...] = (
    ("< 1 d", 1.0),
    ("1–3 d", 3.0),
    ("3–7 d", 7.0),
    ("7–14 d", 14.0),
    ("> 14 d", float("inf")),
)
"""Upper bounds in days of the time-to-decision histogram."""


@dataclass(frozen=True)
class Week:
    start: date
    """The Monday the ISO week begins with."""
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def unwanted_share(self) -> float:
        """Collectors and spam among the week's requests (0 for an empty week)."""
        unwanted = sum(self.counts.get(category, 0) for category in UNWANTED)
        return unwanted / self.total if self.total else 0.0


@dataclass(frozen=True)
class Dashboard:
    weeks: list[Week]
    categories: dict[str, int]
    unwanted_share: float
    decided: int
    median_days_to_decision: float | None
    decision_buckets: list[tuple[str, int]]


def weekly_counts(store: Store, weeks: int = 12) -> list[Week]:
    """Incoming requests per ISO week and category, for the newest `weeks` weeks that have
    any request, with empty weeks in between filled in so that the chart's axis is honest."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(ContactRequest.sent_at, StoredVerdict.category)
            .join(StoredVerdict, StoredVerdict.request_id == ContactRequest.id)
            .where(
                ContactRequest.user_id == store.user_id,
                ContactRequest.direction == "incoming",
                ContactRequest.sent_at.is_not(None),
            )
        ).all()
    if not rows:
        return []
    counts: dict[date, Counter[str]] = defaultdict(Counter)
    for sent_at, category in rows:
        monday = sent_at.date() - timedelta(days=sent_at.weekday())
        counts[monday][category] += 1
    last = max(counts)
    first = max(min(counts), last - timedelta(weeks=weeks - 1))
    mondays = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    return [Week(monday, dict(counts.get(monday, Counter()))) for monday in mondays]


def decision_delays(store: Store) -> list[float]:
    """Days from a request's arrival to the user's first decision that still stands."""
    first = (
        select(Decision.request_id, func.min(Decision.decided_at).label("decided_at"))
        .where(Decision.undone.is_(False))
        .group_by(Decision.request_id)
        .subquery()
    )
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(ContactRequest.sent_at, first.c.decided_at)
            .join(first, first.c.request_id == ContactRequest.id)
            .where(ContactRequest.user_id == store.user_id, ContactRequest.sent_at.is_not(None))
        ).all()
    return [max((decided - sent).total_seconds() / 86400, 0.0) for sent, decided in rows]


def _buckets(delays: list[float]) -> list[tuple[str, int]]:
    counts = Counter(next(label for label, bound in DECISION_BUCKETS if d < bound) for d in delays)
    return [(label, counts.get(label, 0)) for label, _ in DECISION_BUCKETS]


def dashboard(store: Store, weeks: int = 12) -> Dashboard:
    week_rows = weekly_counts(store, weeks)
    categories: Counter[str] = Counter()
    for week in week_rows:
        categories.update(week.counts)
    total = sum(categories.values())
    unwanted = sum(categories.get(category, 0) for category in UNWANTED)
    delays = decision_delays(store)
    return Dashboard(
        weeks=week_rows,
        categories={c.value: categories.get(c.value, 0) for c in Category},
        unwanted_share=unwanted / total if total else 0.0,
        decided=len(delays),
        median_days_to_decision=median(delays) if delays else None,
        decision_buckets=_buckets(delays),
    )


def as_dict(board: Dashboard) -> dict[str, object]:
    """JSON-ready form for the API."""
    return {
        "weeks": [
            {
                "start": week.start.isoformat(),
                "counts": week.counts,
                "total": week.total,
                "unwanted_share": round(week.unwanted_share, 4),
            }
            for week in board.weeks
        ],
        "categories": board.categories,
        "unwanted_share": round(board.unwanted_share, 4),
        "decided": board.decided,
        "median_days_to_decision": (
            None
            if board.median_days_to_decision is None
            else round(board.median_days_to_decision, 2)
        ),
        "decision_buckets": [{"label": label, "count": n} for label, n in board.decision_buckets],
    }


__all__ = ["Dashboard", "Week", "as_dict", "dashboard"]
