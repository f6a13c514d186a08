"""The network sweep as one job: reads requests (and events), runs the chosen stages and writes
each result as Parquet under one output folder, with a summary of what ran, how long each stage
took and how much memory the driver used. The CLI command and `spark-submit` both call `run`."""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from kontaktfilter.batch import STAGES, export, features, inputs, scoring, templates
SHOWN_ERRORS = 5
"""Bad records printed at the end (all of them are in errors/)."""


@dataclass
class SweepOptions:
    requests: str
    output: str
    events: str | None = None
    input_format: str | None = None
    events_format: str | None = None
    stages: Sequence[str] = STAGES
    min_senders: int = 3
    fingerprint_label: str = "unknown"
    fingerprint_limit: int = export.DEFAULT_LIMIT
    fingerprints_path: str | None = None
    """A file on the driver's machine; default OUTPUT/fingerprints.json for a local OUTPUT."""


@dataclass
class SweepSummary:
    """What ran and what it found: written to summary.json and printed by the CLI."""

    stages: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    partitions: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    driver_python_peak_rss_mb: float = 0.0
    driver_jvm_peak_rss_mb: float | None = None
    master: str = ""


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def jvm_peak_rss_mb(spark: SparkSession) -> float | None:
    """Peak RSS of the driver's JVM when it runs on this machine (VmHWM), else None."""
    try:
        pid = spark._jvm.java.lang.ProcessHandle.current().pid()  # type: ignore[union-attr]
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, AttributeError):
        return None
    return None


def local_path(path: str) -> Path | None:
    """The local folder a path names, or None for a cluster file system (hdfs://, s3a://)."""
    if path.startswith("file:"):
        return Path(path.removeprefix("file:").removeprefix("//"))
    return None if "://" in path else Path(path)


def remove_folder(spark: SparkSession, path: str) -> None:
    """Delete a folder on whatever file system holds it (local, HDFS, S3), through Hadoop."""
    jvm = spark._jvm  # type: ignore[attr-defined]
    target = jvm.org.apache.hadoop.fs.Path(path)
    target.getFileSystem(spark._jsc.hadoopConfiguration()).delete(target, True)  # type: ignore[union-attr]


class Sweep:
    """Runs the stages in order; each writes its Parquet and is timed on its own."""

    def __init__(
        self,
        spark: SparkSession,
        options: SweepOptions,
        settings: dict[str, Any],
        progress: Callable[[str], None] = _stderr,
    ) -> None:
        unknown = set(options.stages) - set(STAGES)
        if unknown:
            raise ValueError(f"unknown stage(s) {', '.join(sorted(unknown))}; known: {STAGES}")
        self.spark, self.options, self.settings = spark, options, settings
        self.progress = progress
        self.summary = SweepSummary(master=spark.sparkContext.master)
        self.out = options.output.rstrip("/")
        self.work = f"{self.out}/_work"
        if "fingerprints" in options.stages:
            self.fingerprints_path()  # fail before hours of work, not after
        self.started = time.monotonic()

    def fingerprints_path(self) -> str:
        if self.options.fingerprints_path:
            return self.options.fingerprints_path
        folder = local_path(self.out)
        if folder is None:
            raise ValueError("give --fingerprints FILE: the output is not on this machine")
        return str(folder / "fingerprints.json")

    def _say(self, message: str) -> None:
        self.progress(f"[{time.monotonic() - self.started:7.1f} s] {message}")

    def _write(self, frame: DataFrame, name: str) -> DataFrame:
        frame.write.mode("overwrite").parquet(f"{self.out}/{name}")
        written = self.spark.read.parquet(f"{self.out}/{name}")
        self.summary.counts[name] = written.count()
        self.summary.partitions[name] = written.rdd.getNumPartitions()
        return written

    def _stage(self, name: str, action: Callable[[], None]) -> None:
        self._say(f"{name}: started")
        begin = time.monotonic()
        action()
        self.summary.stages[name] = round(time.monotonic() - begin, 2)
        self._say(f"{name}: done in {self.summary.stages[name]:.1f} s")

    def run(self) -> SweepSummary:
        options = self.options
        records = inputs.request_records(self.spark, options.requests, options.input_format)
        self.summary.partitions["input"] = records.rdd.getNumPartitions()
        state: dict[str, DataFrame] = {}

        def prepare() -> None:
            prepared = inputs.prepared_requests(records)
            prepared.write.mode("overwrite").parquet(f"{self.work}/prepared")
            state["prepared"] = self.spark.read.parquet(f"{self.work}/prepared")
            bad = self._write(
                state["prepared"].where(F.col("error").isNotNull()).select("source", "error"),
                "errors",
            )
            self.summary.counts["requests"] = (
                state["prepared"].count() - self.summary.counts["errors"]
            )
            self.summary.errors = [r["error"] for r in bad.limit(SHOWN_ERRORS).collect()]

        def score() -> None:
            self._write(scoring.verdicts(records, self.settings), "verdicts")

        def cluster() -> None:
            usable = state["prepared"].where(F.col("error").isNull())
            found = templates.template_clusters(self.spark, usable, self.work, progress=self._say)
            state["clusters"] = self._write(
                found.select("id", "row", "sender", "cluster"), "clusters"
            )
            state["summary"] = self._write(templates.cluster_summary(found), "templates")
            self.summary.counts["big_templates"] = (
                state["summary"].where(F.col("senders") >= options.min_senders).count()
            )

        def sender_features() -> None:
            table = (
                features.request_features(
                    state["prepared"], state["clusters"], state["summary"], options.min_senders
                )
                if "clusters" in state
                else None
            )
            if options.events:
                events = inputs.events(self.spark, options.events, options.events_format)
                self._write(
                    events.where(F.col("error").isNotNull()).select("source", "error"),
                    "event_errors",
                )
                behaviour = features.sender_features(events)
                table = behaviour if table is None else behaviour.join(table, "sender", "full")
            if table is not None:
                self._write(table, "senders")

        def fingerprints() -> None:
            self.summary.counts["fingerprints"] = export.export_fingerprints(
                state["summary"],
                records,
                self.fingerprints_path(),
                options.min_senders,
                options.fingerprint_label,
                options.fingerprint_limit,
            )

        self._stage("prepare", prepare)
        steps = {"score": score, "templates": cluster, "features": sender_features}
        steps["fingerprints"] = fingerprints
        for name in STAGES:
            if name in options.stages:
                if name == "fingerprints" and "summary" not in state:
                    raise ValueError("the fingerprints stage needs the templates stage")
                self._stage(name, steps[name])
        remove_folder(self.spark, self.work)
        self.summary.seconds = round(time.monotonic() - self.started, 2)
        self.summary.driver_python_peak_rss_mb = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        )
        self.summary.driver_jvm_peak_rss_mb = jvm_peak_rss_mb(self.spark)
        text = json.dumps(asdict(self.summary), indent=2)
        if local_path(self.out) is not None:
            (local_path(self.out) / "summary.json").write_text(text)
        else:
            self.spark.createDataFrame([(text,)], "value string").coalesce(1).write.mode(
                "overwrite"
            ).text(f"{self.out}/summary")
        return self.summary
