"""Template clusters across the whole input, as `TemplateIndex.labels` finds them in one
process, spread over a cluster: band keys are the shuffle key; within a bucket each note is
checked against the WINDOW notes before it in input order (the single process's rule, so both
find the same pairs); pairs are verified on their full signatures; connected components of the
verified pairs are the clusters."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from kontaktfilter.bilingual import say
from kontaktfilter.bulk.clustering import WINDOW
from kontaktfilter.bulk.index import DEFAULT_NUM_PERM, DEFAULT_THRESHOLD
from kontaktfilter.bulk.minhash import EMPTY_SLOT
from kontaktfilter.network.components import components

EMPTY_SIGNATURE = np.full(DEFAULT_NUM_PERM, EMPTY_SLOT, dtype=np.uint32).tobytes()
"""The signature of a note with no words left after normalisation: such notes never cluster."""


def _window_pairs(band: np.ndarray, key: np.ndarray, row: np.ndarray, fresh: int) -> np.ndarray:
    """(u, v) for each row from `fresh` on and the WINDOW rows before it in its bucket; the rows
    before `fresh` are the previous batch's tail, already paired among themselves."""
    found = []
    for offset in range(1, WINDOW + 1):
        same = (band[offset:] == band[:-offset]) & (key[offset:] == key[:-offset])
        same[: max(fresh - offset, 0)] = False
        found.append(np.stack((row[:-offset][same], row[offset:][same]), axis=1))
    return np.concatenate(found)


def candidate_pairs(prepared: DataFrame) -> DataFrame:
    """(u, v) rows sharing a band key, each with up to WINDOW predecessors of its bucket. The
    buckets are sorted, not windowed: a template sent a million times is one bucket, which a
    sort spills to disk where a window function would have to hold it in memory."""
    buckets = prepared.where(F.col("signature") != F.lit(EMPTY_SIGNATURE)).select(
        "row", F.posexplode("bands").alias("band", "key")
    )
    ordered = buckets.repartition("band", "key").sortWithinPartitions("band", "key", "row")

    def pairs(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        tail = (np.empty(0, np.int32), np.empty(0, np.int64), np.empty(0, np.int64))
        for batch in batches:
            row, band, key = (batch.column(i).to_numpy() for i in range(3))
            band, key, row = (
                np.concatenate((t, c)) for t, c in zip(tail, (band, key, row), strict=True)
            )
            found = _window_pairs(band, key, row, tail[0].size)
            tail = (band[-WINDOW:], key[-WINDOW:], row[-WINDOW:])
            yield pa.RecordBatch.from_arrays(
                [pa.array(found[:, 0]), pa.array(found[:, 1])], names=["u", "v"]
            )

    return ordered.mapInArrow(pairs, "u long, v long").distinct()


def _similar(batch: pa.RecordBatch, needed: float) -> tuple[np.ndarray, np.ndarray]:
    left = np.frombuffer(b"".join(batch.column(2).to_pylist()), dtype=np.uint32)
    right = np.frombuffer(b"".join(batch.column(3).to_pylist()), dtype=np.uint32)
    equal = np.count_nonzero(
        left.reshape(-1, DEFAULT_NUM_PERM) == right.reshape(-1, DEFAULT_NUM_PERM), axis=1
    )
    keep = equal >= needed
    return batch.column(0).to_numpy()[keep], batch.column(1).to_numpy()[keep]


def contract(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same connectivity in fewer edges: each component of these edges becomes a star on
    its smallest node. Done per partition before the distributed rounds, it turns a template's
    long chains of near-copies into stars, so those rounds move a fraction of the edges."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    nodes, index = np.unique(np.concatenate((left, right)), return_inverse=True)
    ends = index.reshape(2, -1)
    graph = coo_matrix(
        (np.ones(ends.shape[1], dtype=np.int8), (ends[0], ends[1])), shape=(nodes.size,) * 2
    )
    _, labels = connected_components(graph, directed=False)
    smallest = np.full(labels.max() + 1 if labels.size else 0, np.iinfo(np.int64).max)
    np.minimum.at(smallest, labels, nodes)  # nodes ascend, so this is each component's first
    centre = smallest[labels]
    leaf = nodes != centre
    return nodes[leaf], centre[leaf]


def verified_pairs(pairs: DataFrame, prepared: DataFrame, threshold: float) -> DataFrame:
    """The candidate pairs whose estimated Jaccard similarity reaches the threshold, contracted
    per partition (`contract`): the edges differ, the components they make do not."""
    signatures = prepared.select("row", "signature")
    joined = (
        pairs.join(signatures.withColumnRenamed("row", "u"), "u")
        .withColumnRenamed("signature", "su")
        .join(signatures.withColumnRenamed("row", "v"), "v")
        .select("u", "v", "su", F.col("signature").alias("sv"))
    )
    needed = threshold * DEFAULT_NUM_PERM

    def verify(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        found = [_similar(batch, needed) for batch in batches]
        left = np.concatenate([u for u, _ in found] or [np.empty(0, dtype=np.int64)])
        right = np.concatenate([v for _, v in found] or [np.empty(0, dtype=np.int64)])
        if left.size:
            left, right = contract(left, right)
            yield pa.RecordBatch.from_arrays([pa.array(left), pa.array(right)], names=["u", "v"])

    return joined.mapInArrow(verify, "u long, v long")


def template_clusters(
    spark: SparkSession,
    prepared: DataFrame,
    workdir: str,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Callable[[str], None] = lambda _: None,
) -> DataFrame:
    """(row, id, sender, seen, cluster) for every request with a near-duplicate; `cluster` is
    the smallest row of its component, as stable as the input's order."""
    pairs = verified_pairs(candidate_pairs(prepared), prepared, threshold)
    pairs.write.mode("overwrite").parquet(f"{workdir}/pairs")
    progress(say("templates: candidate pairs verified", "templates: Kandidatenpaare geprüft"))
    found = components(spark, spark.read.parquet(f"{workdir}/pairs"), workdir, progress)
    members = prepared.select("row", "id", "sender", "seen")
    return found.join(members, found["node"] == members["row"]).select(
        "row", "id", "sender", "seen", F.col("component").alias("cluster")
    )


def cluster_summary(assignments: DataFrame) -> DataFrame:
    """(cluster, requests, senders, first_seen, last_seen) per cluster, largest first."""
    return (
        assignments.groupBy("cluster")
        .agg(
            F.count("*").alias("requests"),
            F.countDistinct("sender").alias("senders"),
            F.timestamp_seconds(F.min("seen")).alias("first_seen"),
            F.timestamp_seconds(F.max("seen")).alias("last_seen"),
        )
        .orderBy(F.desc("senders"), F.desc("requests"), "cluster")
    )
