"""Connected components of a graph too big for one machine, as DataFrame joins: the alternating
large-star / small-star algorithm (Kiveris et al., "Connected Components in MapReduce and
Beyond", 2014). It needs O(log^2 n) rounds whatever the graph's diameter; plain label
propagation would need one round per hop, and a template's chain of near-copies is long.
Nothing is collected to the driver: each round's edges are written and read back, which also
cuts the lineage Spark would otherwise replan every round."""

from __future__ import annotations

from collections.abc import Callable

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from kontaktfilter.bilingual import say_with

MAX_ROUNDS = 60
"""Far above what the algorithm needs for 10**12 nodes; reaching it means a bug, not a big
input, and the job stops with an error instead of looping."""


def _both_ways(edges: DataFrame) -> DataFrame:
    return edges.select("u", "v").unionByName(
        edges.select(F.col("v").alias("u"), F.col("u").alias("v"))
    )


def large_star(edges: DataFrame) -> DataFrame:
    """Every neighbour larger than a node is linked to the smallest of the node's neighbourhood
    (the node included)."""
    both = _both_ways(edges)
    smallest = both.groupBy("u").agg(F.min("v").alias("m"))
    return (
        both.where(F.col("v") > F.col("u"))
        .join(smallest, "u")
        .select(F.col("v").alias("u"), F.least("m", "u").alias("v"))
        .distinct()
    )


def small_star(edges: DataFrame) -> DataFrame:
    """A node and its smaller neighbours are all linked to the smallest of them."""
    down = edges.select(F.greatest("u", "v").alias("u"), F.least("u", "v").alias("v"))
    smallest = down.groupBy("u").agg(F.min("v").alias("m"))
    linked = down.join(smallest, "u")
    return (
        linked.where(F.col("v") != F.col("m"))
        .select(F.col("v").alias("u"), F.col("m").alias("v"))
        .unionByName(linked.select("u", F.col("m").alias("v")))
        .distinct()
    )


def is_star_forest(edges: DataFrame) -> bool:
    """Whether every edge links a leaf (the larger end, in one edge only) to a centre that is
    nobody's leaf: then each star is one component and its centre is its smallest node."""
    down = edges.select(F.greatest("u", "v").alias("leaf"), F.least("u", "v").alias("centre"))
    if down.groupBy("leaf").count().where(F.col("count") > 1).limit(1).count():
        return False
    centres = down.select(F.col("centre").alias("leaf")).distinct()
    return down.select("leaf").join(centres, "leaf").limit(1).count() == 0


def components(
    spark: SparkSession,
    edges: DataFrame,
    workdir: str,
    progress: Callable[[str], None] = lambda _: None,
) -> DataFrame:
    """(node, component) for every node of `edges` (columns u, v); a component is named by its
    smallest node. `workdir` holds each round's edges (a folder on the cluster's file system)."""
    current = edges.select("u", "v")
    for round_number in range(1, MAX_ROUNDS + 1):
        path = f"{workdir}/round-{round_number}"
        small_star(large_star(current)).write.mode("overwrite").parquet(path)
        current = spark.read.parquet(path)
        progress(
            say_with("components: round {n} done", "components: Runde {n} fertig", n=round_number)
        )
        if is_star_forest(current):
            break
    else:
        raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")
    leaves = current.select(
        F.greatest("u", "v").alias("node"), F.least("u", "v").alias("component")
    )
    centres = current.select(F.least("u", "v").alias("node")).distinct()
    return leaves.unionByName(centres.withColumn("component", F.col("node")))
