"""Reading the sweep's input: requests (the records of docs/data-format.md, one per JSONL line or
Parquet row) and events (docs/sweep-network.md), from files or folders, local or on a cluster's
file system. A bad record is kept with its file and field named, never ends the job."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from kontaktfilter.bilingual import say_with
from kontaktfilter.bulk.signatures import band_keys, note_signatures
from kontaktfilter.formats.records import parse_request
from kontaktfilter.model import Request

EVENT_TYPES = (
    "invitation_sent",
    "invitation_withdrawn",
    "invitation_accepted",
    "invitation_declined",
    "invitation_reported",
    "message_sent",
    "profile_created",
    "profile_updated",
    "group_joined",
)
EVENT_FIELDS = ("event_id", "time", "type", "sender", "recipient")
TIMESTAMP_FORMAT = "yyyy-MM-dd'T'HH:mm:ss"
PREPARED_SCHEMA = (
    "row long, id string, source string, sender string, seen long, "
    "signature binary, bands array<long>, error string"
)


class SweepInputError(ValueError):
    """An input the sweep cannot read at all (missing file, unknown format, missing column)."""


def input_format(path: str, given: str | None) -> str:
    """`parquet` or `jsonl`: what the caller said, else what the path's name says."""
    if given:
        return given
    name = path.rstrip("/").lower()
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith((".jsonl", ".json", ".ndjson", ".jsonl.gz", ".json.gz")):
        return "jsonl"
    raise SweepInputError(
        say_with(
            "{path}: cannot tell the format from the name; give --format",
            "{path}: das Format ist am Namen nicht zu erkennen; --format angeben",
            path=path,
        )
    )


def _load(spark: SparkSession, path: str, fmt: str) -> DataFrame:
    try:
        if fmt == "parquet":
            return spark.read.parquet(path)
        return spark.read.text(path)
    except Exception as exc:  # Spark raises AnalysisException for a missing path
        raise _unreadable(path, exc) from exc


def _unreadable(path: str, exc: Exception) -> SweepInputError:
    """The input cannot be read. A path that does not exist is said in both languages; any
    other reason is the first line of Spark's own message, in English."""
    condition = getattr(exc, "getCondition", lambda: None)()
    if condition == "PATH_NOT_FOUND":
        return SweepInputError(
            say_with("{path}: no such file", "{path}: keine solche Datei", path=path)
        )
    return SweepInputError(
        say_with(
            "{path}: cannot read: {reason}",
            "{path}: nicht lesbar: {reason}",
            path=path,
            reason=str(exc).splitlines()[0],
        )
    )


def request_records(spark: SparkSession, path: str, fmt: str | None = None) -> DataFrame:
    """(row, source, record): each request as the JSON text `kontaktfilter score` would read,
    numbered in input order (ids ascend with the file's order, as the single process adds)."""
    fmt = input_format(path, fmt)
    frame = _load(spark, path, fmt)
    if fmt == "parquet":
        if "text" not in frame.columns:
            raise SweepInputError(
                say_with(
                    "{path}: column 'text' is missing (docs/data-format.md)",
                    "{path}: die Spalte 'text' fehlt (docs/data-format.md)",
                    path=path,
                )
            )
        options = {"timestampFormat": TIMESTAMP_FORMAT, "ignoreNullFields": "true"}
        record: Column = F.to_json(F.struct(*[F.col(c) for c in frame.columns]), options)
    else:
        record = F.col("value")
        frame = frame.where(F.trim("value") != "")
    return frame.select(
        F.monotonically_increasing_id().alias("row"),
        F.input_file_name().alias("source"),
        record.alias("record"),
    )


def parse_record(record: str) -> Request:
    """The Request of one record, exactly as `kontaktfilter score` reads it; the sweep needs an
    id on every request, since its outputs are joined by id."""
    try:
        data = json.loads(record)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc}") from exc
    request, _ = parse_request(data)
    if request.id is None:
        raise ValueError("field 'id' is missing (the sweep joins its outputs by id)")
    return request


def record_place(source: str, record: str) -> str:
    """Names a record in an error: its file and its id when it has one."""
    try:
        found = json.loads(record).get("id")
    except (json.JSONDecodeError, AttributeError):
        found = None
    return f"{source}: id {found}" if found not in (None, "") else f"{source}: {record[:60]!r}"


def sender_key(request: Request) -> str:
    """Who sent it, as `kontaktfilter templates` names senders."""
    return request.sender.id or request.sender.name or f"unknown:{request.id}"


def _epoch(moment: datetime | None, now: datetime) -> int:
    moment = moment or now
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def _prepare_batch(batch: pa.RecordBatch, now: datetime) -> pa.RecordBatch:
    rows, sources, records = (batch.column(i).to_pylist() for i in range(3))
    parsed: list[tuple[int, Request, str]] = []
    failed: list[dict[str, Any]] = []
    for row, source, record in zip(rows, sources, records, strict=True):
        try:
            parsed.append((row, parse_record(record), source))
        except ValueError as exc:
            error = f"{record_place(source, record)}: {exc}"
            failed.append({"row": row, "source": source, "error": error})
    notes = [(r.text, [n for n in (r.sender.name, r.recipient.name) if n]) for _, r, _ in parsed]
    signatures = note_signatures(notes)
    keys = band_keys(signatures).view("int64")
    out = [
        {
            "row": row,
            "id": request.id,
            "source": source,
            "sender": sender_key(request),
            "seen": _epoch(request.sent_at, now),
            "signature": signatures[n].tobytes(),
            "bands": keys[n].tolist(),
            "error": None,
        }
        for n, (row, request, source) in enumerate(parsed)
    ]
    return pa.RecordBatch.from_pylist(out + failed, schema=PREPARED_ARROW)


PREPARED_ARROW = pa.schema(
    [
        ("row", pa.int64()),
        ("id", pa.string()),
        ("source", pa.string()),
        ("sender", pa.string()),
        ("seen", pa.int64()),
        ("signature", pa.binary()),
        ("bands", pa.list_(pa.int64())),
        ("error", pa.string()),
    ]
)


def prepared_requests(records: DataFrame, now: datetime | None = None) -> DataFrame:
    """Each request parsed once: its id, sender, time (epoch seconds; a request without a time
    counts as sent now, as in `kontaktfilter templates`), MinHash signature and band keys, or
    the error that names its file and field."""
    moment = (now or datetime.now(UTC)).replace(tzinfo=None)

    def prepare(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            yield _prepare_batch(batch, moment)

    return records.mapInArrow(prepare, PREPARED_SCHEMA)


def events(spark: SparkSession, path: str, fmt: str | None = None) -> DataFrame:
    """(event_id, time, type, sender, recipient, source, error) per event: `time` a UTC
    timestamp, `error` naming the file, the event and the field when the event is unusable."""
    fmt = input_format(path, fmt)
    if fmt == "parquet":
        frame = _load(spark, path, fmt)
        missing = [f for f in EVENT_FIELDS if f not in frame.columns]
        if missing:
            raise SweepInputError(
                say_with(
                    "{path}: column(s) {missing} missing",
                    "{path}: Spalte(n) {missing} fehlen",
                    path=path,
                    missing=", ".join(missing),
                )
            )
        frame = frame.select(*[F.col(f).cast("string").alias(f) for f in EVENT_FIELDS])
        frame = frame.withColumn("_corrupt_record", F.lit(None).cast("string"))
    else:
        schema = ", ".join(f"{f} string" for f in EVENT_FIELDS) + ", _corrupt_record string"
        try:
            frame = spark.read.schema(schema).option("mode", "PERMISSIVE").json(path)
        except Exception as exc:
            raise _unreadable(path, exc) from exc
    time = F.coalesce(
        F.try_to_timestamp(F.col("time")),
        F.try_to_timestamp(F.col("time"), F.lit("yyyy-MM-dd'T'HH:mm:ssXXX")),
    )
    place = F.concat(F.input_file_name(), F.lit(": event "), F.coalesce("event_id", F.lit("?")))
    known = F.array(*[F.lit(t) for t in EVENT_TYPES])
    error = (
        F.when(F.col("_corrupt_record").isNotNull(), F.lit("not valid JSON"))
        .when(F.col("event_id").isNull(), F.lit("field 'event_id' is missing"))
        .when(F.col("sender").isNull(), F.lit("field 'sender' is missing"))
        .when(time.isNull(), F.lit("field 'time' must be an ISO date-time"))
        .when(~F.array_contains(known, F.col("type")), F.lit("field 'type' is not an event type"))
    )
    return frame.select(
        "event_id",
        time.alias("time"),
        "type",
        "sender",
        "recipient",
        F.input_file_name().alias("source"),
        F.when(error.isNotNull(), F.concat(place, F.lit(": "), error)).alias("error"),
    )
