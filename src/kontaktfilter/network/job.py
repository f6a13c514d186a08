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

from kontaktfilter.bilingual import Detail, say, say_with
from kontaktfilter.i18n import LANGUAGES, translator
from kontaktfilter.network import STAGES, export, features, inputs, scoring, templates

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


def _seconds(value: float, width: int = 0) -> Detail:
    """A duration in each reader's notation (30.7, 30,7 in German), padded to `width`."""
    texts = {lang: translator(lang).number(value, 1).rjust(width) for lang in LANGUAGES}
    return Detail(texts["en"], texts)


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
        """`progress` is told where the job is: a text in both languages (bilingual.Detail),
        which reads as the English one; the command line shows the reader's."""
        unknown = set(options.stages) - set(STAGES)
        if unknown:
            raise ValueError(
                say_with(
                    "unknown stage(s) {unknown}; known: {known}",
                    "unbekannte Stufe(n) {unknown}; bekannt: {known}",
                    unknown=", ".join(sorted(unknown)),
                    known=", ".join(STAGES),
                )
            )
        self.spark, self.options, self.settings = spark, options, settings
        self.progress = progress
        self.summary = SweepSummary(master=spark.sparkContext.master)
        self.out = options.output.rstrip("/")
        self.work = f"{self.out}/_work"
        if "fingerprints" in options.stages:
            if "templates" not in options.stages:
                raise ValueError(
                    say(
                        "the fingerprints stage needs the templates stage",
                        "die Stufe fingerprints braucht die Stufe templates",
                    )
                )
            self.fingerprints_path()  # fail before hours of work, not after
        self.state: dict[str, DataFrame] = {}
        self.records = inputs.request_records(spark, options.requests, options.input_format)
        self.started = time.monotonic()

    def fingerprints_path(self) -> str:
        if self.options.fingerprints_path:
            return self.options.fingerprints_path
        folder = local_path(self.out)
        if folder is None:
            raise ValueError(
                say(
                    "give --fingerprints FILE: the output is not on this machine",
                    "--fingerprints DATEI angeben: die Ausgabe liegt nicht auf diesem Rechner",
                )
            )
        return str(folder / "fingerprints.json")

    def _say(self, message: str) -> None:
        elapsed = _seconds(time.monotonic() - self.started, 7)
        self.progress(
            say_with("[{at} s] {message}", "[{at} s] {message}", at=elapsed, message=message)
        )

    def _write(self, frame: DataFrame, name: str) -> DataFrame:
        frame.write.mode("overwrite").parquet(f"{self.out}/{name}")
        written = self.spark.read.parquet(f"{self.out}/{name}")
        self.summary.counts[name] = written.count()
        self.summary.partitions[name] = written.rdd.getNumPartitions()
        return written

    def _stage(self, name: str, action: Callable[[], None]) -> None:
        self._say(say_with("{stage}: started", "{stage}: gestartet", stage=name))
        begin = time.monotonic()
        action()
        self.summary.stages[name] = round(time.monotonic() - begin, 2)
        took = _seconds(self.summary.stages[name])
        self._say(
            say_with(
                "{stage}: done in {took} s", "{stage}: fertig in {took} s", stage=name, took=took
            )
        )

    def _prepare(self) -> None:
        prepared = inputs.prepared_requests(self.records)
        prepared.write.mode("overwrite").parquet(f"{self.work}/prepared")
        self.state["prepared"] = self.spark.read.parquet(f"{self.work}/prepared")
        bad = self._write(
            self.state["prepared"].where(F.col("error").isNotNull()).select("source", "error"),
            "errors",
        )
        total = self.state["prepared"].count()
        self.summary.counts["requests"] = total - self.summary.counts["errors"]
        self.summary.errors = [r["error"] for r in bad.limit(SHOWN_ERRORS).collect()]

    def _score(self) -> None:
        self._write(scoring.verdicts(self.records, self.settings), "verdicts")

    def _templates(self) -> None:
        usable = self.state["prepared"].where(F.col("error").isNull())
        found = templates.template_clusters(self.spark, usable, self.work, progress=self._say)
        self.state["clusters"] = self._write(
            found.select("id", "row", "sender", "cluster"), "clusters"
        )
        self.state["summary"] = self._write(templates.cluster_summary(found), "templates")
        big = self.state["summary"].where(F.col("senders") >= self.options.min_senders)
        self.summary.counts["big_templates"] = big.count()

    def _features(self) -> None:
        table = None
        if "clusters" in self.state:
            table = features.request_features(
                self.state["prepared"],
                self.state["clusters"],
                self.state["summary"],
                self.options.min_senders,
            )
        if self.options.events:
            events = inputs.events(self.spark, self.options.events, self.options.events_format)
            self._write(
                events.where(F.col("error").isNotNull()).select("source", "error"), "event_errors"
            )
            behaviour = features.sender_features(events)
            table = behaviour if table is None else behaviour.join(table, "sender", "full")
        if table is None:
            self._say(
                say(
                    "features: nothing to build (give --events, or run the templates stage)",
                    "features: nichts zu bauen (--events angeben oder die Stufe templates laufen "
                    "lassen)",
                )
            )
            return
        self._write(table, "senders")

    def _fingerprints(self) -> None:
        self.summary.counts["fingerprints"] = export.export_fingerprints(
            self.state["summary"],
            self.records,
            self.fingerprints_path(),
            self.options.min_senders,
            self.options.fingerprint_label,
            self.options.fingerprint_limit,
        )

    def _finish(self) -> None:
        """Record the driver's peak memory and write summary.json beside the results."""
        self.summary.seconds = round(time.monotonic() - self.started, 2)
        self.summary.driver_python_peak_rss_mb = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        )
        self.summary.driver_jvm_peak_rss_mb = jvm_peak_rss_mb(self.spark)
        text = json.dumps(asdict(self.summary), indent=2)
        folder = local_path(self.out)
        if folder is not None:
            (folder / "summary.json").write_text(text)
        else:
            frame = self.spark.createDataFrame([(text,)], "value string").coalesce(1)
            frame.write.mode("overwrite").text(f"{self.out}/summary")

    def run(self) -> SweepSummary:
        """Prepare, run the chosen stages in order, clean the work folder up."""
        self.summary.partitions["input"] = self.records.rdd.getNumPartitions()
        self._stage("prepare", self._prepare)
        steps = {
            "score": self._score,
            "templates": self._templates,
            "features": self._features,
            "fingerprints": self._fingerprints,
        }
        for name in STAGES:
            if name in self.options.stages:
                self._stage(name, steps[name])
        remove_folder(self.spark, self.work)
        self._finish()
        return self.summary
