"""The template index over a user's stored notes, the engine that reads it as its history, and
the template rows the store keeps: what an import and `rescore` both do after writing."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from kontaktfilter.bulk import TemplateIndex
from kontaktfilter.engine import Engine
from kontaktfilter.signals.context import History
from kontaktfilter.store.repository import Store, utcnow


def template_index(store: Store, new_notes: Sequence[tuple] = ()) -> TemplateIndex:
    """The template index over the user's stored incoming notes plus `new_notes`
    (key, sender key, text, sent at, names) not yet stored."""
    index = TemplateIndex()
    stored = list(store.incoming_notes())
    stored_keys = {key for key, *_ in stored}
    now = utcnow()
    entries = [
        (key, sender, text, sent_at or now, (name,)) for key, sender, text, sent_at, name in stored
    ]
    entries += [
        (key, sender, text, sent_at or now, names)
        for key, sender, text, sent_at, names in new_notes
        if key not in stored_keys
    ]
    for start in range(0, len(entries), 20_000):
        index.add_many(entries[start : start + 20_000])
    return index


def engine_with_index(engine: Engine, index: TemplateIndex) -> Engine:
    """The engine reading `index` as its template history, keeping its other history settings."""
    history = engine.history or History()
    return engine.with_history(
        History(index, history.min_senders, history.window_days, history.fingerprints)
    )


def template_rows(index: TemplateIndex, min_senders: int) -> Iterator[dict[str, Any]]:
    for cluster in index.clusters(min_senders):
        yield {
            "key": cluster.members[0],
            "senders": cluster.senders,
            "requests": len(cluster.members),
            "first_seen": cluster.first_seen,
            "last_seen": cluster.last_seen,
            "example": cluster.example,
            "members": cluster.members,
        }
