"""The network sweep on Spark beside the single process, in one run (issue 23).

Generates N requests and their events (sweep_network_input.py), runs `kontaktfilter templates`
(one process) and `kontaktfilter sweep-network` (Spark, local mode) on the same file, and prints:
wall time and requests/s of both; pairwise precision and recall of Spark's clusters against the
single process's; every verdict of a sample compared with `kontaktfilter score --json` on it;
per-stage times, partition counts and the peak RSS of the driver (Python and JVM).

    python bench/bench_sweep_network.py --size 1000000
    python bench/bench_sweep_network.py --size 10000000 --stages templates,features,fingerprints \
        --no-single
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from bench_templates import pairwise
from sweep_network_input import write

BIN = Path(sys.executable).parent


def timed(command: list[str], stdout: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one command run to its end (nice 10: a shared box)."""
    begin = time.monotonic()
    with open(stdout or os.devnull, "w") as out:
        process = subprocess.Popen(["nice", "-n", "10", *command], stdout=out)
        _, status, usage = os.wait4(process.pid, 0)
    if status:
        raise SystemExit(f"failed ({status}): {' '.join(command)}")
    return time.monotonic() - begin, usage.ru_maxrss / 1024


def labels_by_index(ids: list[str], clusters: list[int | None], size: int) -> np.ndarray:
    """Cluster label per request r0..r{size-1}; -1 where it has none."""
    labels = np.full(size, -1, dtype=np.int64)
    for identifier, cluster in zip(ids, clusters, strict=True):
        if cluster is not None:
            labels[int(identifier[1:])] = cluster
    return labels


def single_labels(path: Path, size: int) -> np.ndarray:
    ids, clusters = [], []
    with path.open() as lines:
        for line in lines:
            row = json.loads(line)
            ids.append(row["id"])
            clusters.append(row["cluster"])
    return labels_by_index(ids, clusters, size)


def compare_verdicts(single: Path, verdicts: Path) -> tuple[int, int]:
    """(equal, compared): each of the sample's verdict lines against Spark's for that id."""
    expected = {}
    with single.open(encoding="utf-8") as lines:
        for line in lines:
            expected[json.loads(line)["id"]] = line.rstrip("\n")
    table = pq.read_table(
        verdicts, columns=["id", "verdict"], filters=[("id", "in", list(expected))]
    )
    found = dict(
        zip(table.column("id").to_pylist(), table.column("verdict").to_pylist(), strict=True)
    )
    equal = sum(found.get(key) == line for key, line in expected.items())
    return equal, len(expected)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--stages", default="score,templates,features,fingerprints")
    parser.add_argument("--sample", type=int, default=10_000, help="Verdicts compared.")
    parser.add_argument("--no-single", action="store_true", help="Spark only (10M).")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kontaktfilter-sweep-bench"))
    parser.add_argument("--conf", action="append", default=[], help="Spark KEY=VALUE.")
    args = parser.parse_args()
    folder = args.workdir / str(args.size)
    requests, events = folder / "requests.jsonl", folder / "events.jsonl"
    if not requests.exists():
        begin = time.monotonic()
        write(args.size, folder)
        print(f"generated {args.size} requests in {time.monotonic() - begin:.0f} s")
    size_mb = requests.stat().st_size / 2**20
    print(f"input: {args.size} requests ({size_mb:.0f} MB), cores: {os.cpu_count()}")

    output = folder / "out"
    command = [str(BIN / "kontaktfilter"), "sweep-network", str(requests), "--events", str(events)]
    command += ["-o", str(output), "--stages", args.stages]
    for conf in args.conf:
        command += ["--conf", conf]
    spark_seconds, _ = timed(command)
    summary = json.loads((output / "summary.json").read_text())
    print(
        f"\nSpark ({summary['master']}), stages {args.stages}: {spark_seconds:.0f} s wall, "
        f"{args.size / spark_seconds:,.0f} requests/s"
    )
    for stage, seconds in summary["stages"].items():
        print(
            f"  {stage:<12} {seconds:8.1f} s  {args.size / max(seconds, 1e-9):>10,.0f} requests/s"
        )
    print(f"  partitions: {summary['partitions']}")
    print(f"  counts: {summary['counts']}")
    print(
        f"  peak driver RSS: Python {summary['driver_python_peak_rss_mb']:.0f} MB, "
        f"JVM (driver + local executors) {summary['driver_jvm_peak_rss_mb']:.0f} MB"
    )
    if args.no_single:
        return

    clusters_out = folder / "single-templates.jsonl"
    single_seconds, single_rss = timed(
        [str(BIN / "kontaktfilter"), "templates", str(requests), "--json"], clusters_out
    )
    print(
        f"\nsingle process `kontaktfilter templates`: {single_seconds:.0f} s wall, "
        f"{args.size / single_seconds:,.0f} requests/s, peak RSS {single_rss:.0f} MB"
    )
    if "templates" in args.stages:
        table = pq.read_table(output / "clusters", columns=["id", "cluster"])
        spark_labels = labels_by_index(
            table.column("id").to_pylist(), table.column("cluster").to_pylist(), args.size
        )
        precision, recall = pairwise(single_labels(clusters_out, args.size), spark_labels)
        print(
            f"clusters, Spark against the single process: pairwise precision {precision:.4f}, "
            f"recall {recall:.4f}"
        )
        templates_seconds = summary["stages"]["prepare"] + summary["stages"]["templates"]
        print(
            f"templates, Spark (prepare + templates) / single process wall time: "
            f"{templates_seconds / single_seconds:.2f}"
        )
    if "score" in args.stages:
        sample = folder / "sample.jsonl"
        with requests.open(encoding="utf-8") as source, sample.open("w", encoding="utf-8") as out:
            for _, line in zip(range(args.sample), source, strict=False):
                out.write(line)
        single_verdicts = folder / "sample-verdicts.jsonl"
        score_seconds, _ = timed(
            [str(BIN / "kontaktfilter"), "score", str(sample), "--json"], single_verdicts
        )
        equal, compared = compare_verdicts(single_verdicts, output / "verdicts")
        print(f"verdicts equal to `score --json`: {equal} of {compared}")
        print(
            f"scoring: single process {compared / score_seconds:,.0f} requests/s (one core, "
            f"{compared} requests), Spark {args.size / summary['stages']['score']:,.0f} "
            f"requests/s ({os.cpu_count()} cores, {args.size} requests)"
        )


if __name__ == "__main__":
    main()
