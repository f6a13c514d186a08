"""One write batch of an import: cut in file order, its rows built, its new requests handed to
the scorer as plain rows, and written in one transaction with its checkpoint (imports.runner
runs the batches; services.batch scores them ahead in other processes).

A batch's requests travel to a scoring process as the rows they are built from (`RequestRows`:
dicts of strings and dates, which pickle in C) and are built into the engine's Requests there:
Request objects pickled and unpickled cost more than building them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from kontaktfilter.imports.items import Item, MessageItem, PersonItem, RequestItem
from kontaktfilter.model import Profile, Request, Verdict
from kontaktfilter.store.repository import Store, build_request, utcnow, verdict_fields


@dataclass(frozen=True)
class RequestRows:
    """The requests of a batch to score, as rows: built into Requests where they are scored,
    with the user's profile as it stood when the batch was cut."""

    rows: list[dict[str, Any]]
    sender_data: list[dict[str, Any]]
    user: Profile
    connected: frozenset[str]
    """The senders among these rows who are known contacts (not every contact of the user)."""

    def __len__(self) -> int:
        return len(self.rows)


def build_requests(batch: RequestRows) -> list[Request]:
    """The engine's Requests of a batch (services.batch calls it where the batch is scored)."""
    user, connected = batch.user, batch.connected
    return [
        build_request(row, data, user, connected)
        for row, data in zip(batch.rows, batch.sender_data, strict=True)
    ]


def verdict_rows(_: list[Request], verdicts: list[Verdict]) -> list[dict[str, Any]]:
    """A scored batch as verdict rows but for the request's id: built where it was scored (a
    worker sends back plain data) and completed by the writer once the ids are known."""
    return [verdict_fields(verdict) for verdict in verdicts]


@dataclass
class Prepared:
    """One write batch, cut in file order, with what its transaction writes."""

    done: int
    """The checkpoint: rows of the file done once this batch is committed."""
    items: list[Item]
    requests: list[RequestItem]
    rows: list[dict[str, Any]]
    """The requests' rows."""
    scored: RequestRows
    """The rows whose requests are scored (not stored before), in the order of the verdicts."""


def prepare(
    store: Store,
    done: int,
    batch: list[Item],
    run_id: int,
    connected: set[str],
    user: Profile,
) -> Prepared:
    """A batch with its request rows; the requests not stored yet are to be scored (a request
    stored before keeps its verdict, so scoring it would be wasted)."""
    requests = [item for item in batch if isinstance(item, RequestItem)]
    now = utcnow()
    rows = [_request_row(r, run_id, connected, now) for r in requests]
    stored = store.stored_request_keys([row["key"] for row in rows])
    fresh = [
        (row, item) for row, item in zip(rows, requests, strict=True) if row["key"] not in stored
    ]
    known = frozenset(row["sender_key"] for row, _ in fresh if row["sender_key"] in connected)
    scored = RequestRows(
        [row for row, _ in fresh], [item.sender_data for _, item in fresh], user, known
    )
    return Prepared(done, batch, requests, rows, scored)


def write(store: Store, run_id: int, prepared: Prepared, verdicts: list[dict]) -> int:
    """Commit one batch and its verdicts with its checkpoint; returns how many rows were new.
    Only requests inserted now get a verdict: one stored before keeps its own."""
    batch = prepared.items
    people = [item for item in batch if isinstance(item, PersonItem)]
    messages = [item for item in batch if isinstance(item, MessageItem)]
    requests = prepared.requests
    now = utcnow()
    added = 0
    with store.engine.begin() as conn:
        if people:
            known = store.connected_among(conn, [p.key for p in people])
            store.upsert_people(conn, [_row(p, run_id) for p in people], True)
            added += len({p.key for p in people} - known)
        if messages:
            added += store.insert_messages(conn, [_row(m, run_id) for m in messages])
        if requests:
            senders = {r.sender_key: r for r in requests if r.direction == "incoming"}
            store.upsert_people(conn, [_sender_row(r, run_id) for r in senders.values()], False)
            inserted = store.insert_requests(conn, prepared.rows)
            added += len(inserted)
            store.write_verdicts(conn, list(_verdicts(prepared, verdicts, inserted, now)))
        store.checkpoint(conn, run_id, prepared.done)
    return added


def _verdicts(
    prepared: Prepared, verdicts: list[dict], inserted: dict[str, int], now: datetime
) -> Iterator[dict[str, Any]]:
    for row, fields_ in zip(prepared.scored.rows, verdicts, strict=True):
        if row["key"] in inserted:
            yield {"request_id": inserted[row["key"]], **fields_, "scored_at": now}


def _row(item: PersonItem | MessageItem, run_id: int) -> dict[str, Any]:
    """A people or messages row: the item's fields are the table's columns (a shallow copy;
    `asdict` would deep-copy every profile on the import's hot path)."""
    row = {field.name: getattr(item, field.name) for field in fields(item)}
    row["import_run_id"] = run_id
    return row


def _sender_row(request: RequestItem, run_id: int) -> dict[str, Any]:
    """The sender of an incoming request as a people row (not a known contact): `_row` of the
    PersonItem it stands for, built directly (one per request of a 100k import)."""
    return {
        "key": request.sender_key,
        "name": request.sender_name,
        "headline": str(request.sender_data.get("headline", "")),
        "url": request.sender_url,
        "connected_on": None,
        "data": request.sender_data,
        "import_run_id": run_id,
    }


def _request_row(
    request: RequestItem, run_id: int, connected: set[str], now: datetime
) -> dict[str, Any]:
    other = request.sender_key if request.direction == "incoming" else request.recipient_key
    return {
        "key": request.key,
        "direction": request.direction,
        "platform": request.platform,
        "kind": request.kind,
        "sender_key": request.sender_key,
        "sender_name": request.sender_name,
        "recipient_key": request.recipient_key,
        "recipient_name": request.recipient_name,
        "text": request.text,
        "lang": request.lang,
        "sent_at": request.sent_at,
        "status": "connected" if other in connected else "pending",
        "extra": request.extra,
        "import_run_id": run_id,
        "created_at": now,
    }
