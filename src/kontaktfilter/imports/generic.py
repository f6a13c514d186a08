"""Requests from files in kontaktfilter's own format (docs/data-format.md): JSON Lines, a JSON
array, or CSV, with an optional column mapping for CSVs that name their columns otherwise."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict
from typing import Any

from kontaktfilter.bilingual import message_of
from kontaktfilter.formats.records import RecordError, parse_request, read_objects
from kontaktfilter.imports.dates import GENERIC_FORMATS, parse_date
from kontaktfilter.imports.formats import Reading, Sniff, header_of, import_format
from kontaktfilter.imports.items import RequestItem, digest_key, person_key
from kontaktfilter.imports.sources import ImportFailure, Source
from kontaktfilter.signals.personal import sender_is_known
from kontaktfilter.store.repository import as_utc_naive

SENDER_DATA_FIELDS = (
    "gender",
    "headline",
    "offers",
    "seeks",
    "interests",
    "groups",
    "publications",
    "contacts",
    "created",
    "membership",
)


def _normalise_date(data: dict[str, Any], where: str) -> None:
    """Accept the common date spellings of hand-made CSVs ("22.11.2026 09:30") besides ISO."""
    value = data.get("sent_at")
    if isinstance(value, str) and value.strip():
        moment = parse_date(value, GENERIC_FORMATS, where, "sent_at")
        data["sent_at"] = moment.isoformat() if moment else None


def read_generic(
    source: Source, fmt: str, columns: Mapping[str, str] | None = None
) -> Iterator[RequestItem]:
    """Incoming requests; the first bad record stops the file with its place and field."""
    with source.open() as stream:
        for where, data in read_objects(stream, source.name, fmt, columns):
            if isinstance(data, RecordError):
                raise ImportFailure(data.where, data.message)
            if isinstance(data, Mapping):
                data = dict(data)
                _normalise_date(data, where)
            try:
                request, _label = parse_request(data)
            except ValueError as exc:
                raise ImportFailure(where, message_of(exc)) from None
            sender = request.sender
            sender_raw = data.get("sender") if isinstance(data.get("sender"), Mapping) else {}
            sender_key = (
                f"{request.platform}:{sender.id}"
                if sender.id
                else person_key(None, sender.name, request.platform)
            )
            sent_at = as_utc_naive(request.sent_at)
            key = (
                f"rec:{request.id}"
                if request.id
                else digest_key("rec", sender_key, sent_at, request.text)
            )
            extra: dict[str, Any] = {}
            context = data.get("context") or {}
            if context.get("sender_history"):
                extra["sender_history"] = asdict(request.sender_history)
            if sender_is_known(request):
                extra["known_contact"] = True
            yield RequestItem(
                key=key,
                direction="incoming",
                platform=request.platform,
                kind=request.kind,
                sender_key=sender_key,
                sender_name=sender.name,
                recipient_key="",
                recipient_name=request.recipient.name,
                text=request.text,
                lang=request.lang,
                sent_at=sent_at,
                sender_data={k: sender_raw[k] for k in SENDER_DATA_FIELDS if k in sender_raw},
                extra=extra,
            )


def _named(*endings: str) -> Sniff:
    return lambda name, _head, _container: name.endswith(endings)


def _generic_csv(name: str, head: bytes, container: bool) -> bool:
    """A CSV of requests; in an export's ZIP or folder only one with a 'text' column (the
    export's other CSV files, Skills.csv and the like, are not ours)."""
    return name.endswith(".csv") and (not container or "text" in header_of(head))


@import_format("jsonl", 4, _named(".jsonl", ".ndjson"))
def read_jsonl(source: Source, reading: Reading | None = None) -> Iterator[RequestItem]:
    return read_generic(source, "jsonl")


@import_format("json", 5, _named(".json"))
def read_json(source: Source, reading: Reading | None = None) -> Iterator[RequestItem]:
    return read_generic(source, "json")


@import_format("csv", 6, _generic_csv)
def read_csv(source: Source, reading: Reading | None = None) -> Iterator[RequestItem]:
    return read_generic(source, "csv", (reading or Reading()).columns)
