"""The fingerprint export of the sweep: the big template clusters of the whole network in the
hashes-only format of `kontaktfilter fingerprints` (bulk/fingerprints.py), so screeners and the
gate load them with the loader they already have. Only the `limit` biggest clusters come to the
driver: the export is bounded however big the input is."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from kontaktfilter.bulk.fingerprints import Fingerprint, fingerprint_of, write_fingerprints
from kontaktfilter.network.inputs import parse_record

DEFAULT_LIMIT = 10_000
"""Clusters exported at most, biggest first (by senders): about 6 MB of JSON."""


def export_fingerprints(
    summary: DataFrame,
    records: DataFrame,
    path: str,
    min_senders: int,
    label: str = "unknown",
    limit: int = DEFAULT_LIMIT,
) -> int:
    """Write the fingerprints of clusters with `min_senders` or more senders to `path`; a
    cluster's fingerprint is that of its first request, as `fingerprints export` takes the
    first note of a cluster. Returns how many were written."""
    big = summary.where(F.col("senders") >= min_senders).orderBy(
        F.desc("senders"), F.desc("requests"), "cluster"
    )
    examples = big.limit(limit).join(
        records.select(F.col("row").alias("cluster"), "record"), "cluster"
    )
    found: dict[tuple[int, ...], Fingerprint] = {}
    for row in examples.orderBy(F.desc("senders"), F.desc("requests"), "cluster").toLocalIterator():
        fingerprint = fingerprint_of(
            parse_record(row["record"]).text,
            label,
            int(row["senders"]),
            row["first_seen"].date().isoformat(),
            row["last_seen"].date().isoformat(),
        )
        if fingerprint.signature[0] != 0xFFFFFFFF:
            found.setdefault(fingerprint.signature, fingerprint)
    write_fingerprints(path, found.values())
    return len(found)
