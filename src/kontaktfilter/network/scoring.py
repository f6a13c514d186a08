"""Verdicts for every request, computed by the same engine as `kontaktfilter score --json`:
each Python worker builds the engine once from the driver's settings and scores Arrow batches
with `Engine.score_many`; the verdict is kept as the very JSON line the CLI prints."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from pyspark.sql import DataFrame

from kontaktfilter.engine import Engine
from kontaktfilter.formats.verdicts import verdict_json_line
from kontaktfilter.network.inputs import parse_record
from kontaktfilter.services.runtime import build_engine

VERDICT_SCHEMA = "id string, category string, action string, score double, verdict string"
VERDICT_ARROW = pa.schema(
    [
        ("id", pa.string()),
        ("category", pa.string()),
        ("action", pa.string()),
        ("score", pa.float64()),
        ("verdict", pa.string()),
    ]
)
_ENGINES: dict[str, Engine] = {}
"""One engine per worker process and settings: building it reads lexicons and models (about a
second), so it is done once, not per batch."""


def worker_engine(settings: dict[str, Any]) -> Engine:
    """The engine `kontaktfilter score` builds from the same settings."""
    key = repr(sorted(settings.items()))
    if key not in _ENGINES:
        _ENGINES[key] = build_engine(settings)[0]
    return _ENGINES[key]


def _score_batch(batch: pa.RecordBatch, engine: Engine) -> pa.RecordBatch:
    requests = []
    for record in batch.column(0).to_pylist():
        try:
            requests.append(parse_record(record))
        except ValueError:
            continue  # the prepare stage reports it with its file and field
    out = []
    for verdict in engine.score_many(requests):
        out.append(
            {
                "id": verdict.request_id,
                "category": verdict.category.value,
                "action": verdict.action.value,
                "score": float(verdict.score),
                "verdict": verdict_json_line(verdict).decode("utf-8").rstrip("\n"),
            }
        )
    return pa.RecordBatch.from_pylist(out, schema=VERDICT_ARROW)


def verdicts(records: DataFrame, settings: dict[str, Any]) -> DataFrame:
    """(id, category, action, score, verdict) per readable request; `verdict` is the line
    `kontaktfilter score --json` prints for it."""

    def score(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        engine = worker_engine(settings)
        for batch in batches:
            yield _score_batch(batch, engine)

    return records.select("record").mapInArrow(score, VERDICT_SCHEMA)
