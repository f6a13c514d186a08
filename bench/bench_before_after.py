"""Scoring speed of this tree beside an earlier commit, in one run: bench_scoring.py of each tree
in its own process, alternating, so both meet the same machine load.

    python bench/bench_before_after.py REF [--requests 20000] [--rounds 2]

REF is any git revision (e.g. the commit before a change). It is checked out into a temporary
worktree and imported from there; nothing of the current tree is touched. Prints each tree's
requests/s per workload and measure, and the ratio now/before; a measure the earlier tree does
not print (the explanation read) is set against its full verdict, which always explained.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from checkout import checked_out

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(
    r"^(?P<label>kontaktfilter Engine\.score \(full verdict\)|  \.\.\. rules alone[^\d]*"
    r"|  \.\.\. explanation read[^\d]*"
    r"|kontaktfilter Engine\.score_many \(batches\)(?: \[absent: one by one\])?"
    r"|kontaktfilter text signals only)\s+\d+ req\s+(?P<rate>[\d,]+) req/s"
)
FULL_VERDICT = "kontaktfilter Engine.score (full verdict)"
WORKLOAD = re.compile(r"^== (?P<name>[\w-]+)")


def run(tree: Path, requests: int) -> dict[tuple[str, str], float]:
    """requests/s per (workload, measure) of bench_scoring.py imported from `tree`."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    command = [
        sys.executable,
        str(tree / "bench" / "bench_scoring.py"),
        "--requests",
        str(requests),
        "--peer-requests",
        "200",
    ]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    rates: dict[tuple[str, str], float] = {}
    workload = ""
    for line in output.splitlines():
        if match := WORKLOAD.match(line):
            workload = match["name"]
        elif match := LINE.match(line):
            label = match["label"].strip(" .").replace(" [absent: one by one]", "")
            rates[(workload, label)] = float(match["rate"].replace(",", ""))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", help="the earlier git revision")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    samples: dict[str, list[dict[tuple[str, str], float]]] = {"before": [], "now": []}
    with tempfile.TemporaryDirectory() as folder, checked_out(args.ref, Path(folder)) as before:
        for _ in range(args.rounds):
            samples["before"].append(run(before, args.requests))
            samples["now"].append(run(ROOT, args.requests))
    print(f"bench_scoring.py, {args.requests:,} requests, {args.rounds} alternating round(s)")
    print(f"{'workload / measure':<58}{'before':>10}{'now':>10}{'now/before':>12}")
    for key in samples["now"][0]:
        # a tree from before the batch path scored one by one: its full verdict is its batch
        same = key if key in samples["before"][0] else (key[0], FULL_VERDICT)
        before = statistics.median(s[same] for s in samples["before"] if same in s)
        now = statistics.median(s[key] for s in samples["now"])
        print(f"{key[0] + ' / ' + key[1]:<58}{before:>10,.0f}{now:>10,.0f}{now / before:>11.2f}x")


if __name__ == "__main__":
    main()
