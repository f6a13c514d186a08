"""The Spark session of the sweep: local mode by default (PySpark from PyPI, Java from the
system), any master when an operator names one (`--master`, or `spark-submit` which sets it)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from pyspark.sql import SparkSession

LOCAL_MASTER = "local[*]"
DEFAULT_SHUFFLE_PARTITIONS = 64
"""Adaptive execution merges small shuffle partitions, so this is an upper bound in local mode;
on a cluster raise it to about 2-4 per core (docs/sweep-network.md)."""


def spark_session(
    master: str | None = None,
    app_name: str = "kontaktfilter-sweep-network",
    shuffle_partitions: int | None = None,
    config: Mapping[str, str] | None = None,
) -> SparkSession:
    """The session the job runs in: under `spark-submit` (or beside a test's session) the
    master it was given, else `master`, else local mode. Local workers run this Python, so they
    import the same kontaktfilter as the driver."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:
        master = LOCAL_MASTER  # not under spark-submit, which names the master itself
    if master is not None:
        builder = builder.master(master)
    settings = {
        "spark.sql.adaptive.enabled": "true",
        "spark.sql.shuffle.partitions": str(shuffle_partitions or DEFAULT_SHUFFLE_PARTITIONS),
        "spark.ui.showConsoleProgress": "true",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.files.maxPartitionBytes": "32m",  # enough tasks for every core to score
        **(config or {}),
    }
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    return session
