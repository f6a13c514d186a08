"""`kontaktfilter score FILE --json` end to end, this tree beside an earlier one, in one run.

What the user waits for: the command's wall time from start to the last line written, imports,
reading, every signal, the corpus model, the shipped fingerprints and the JSON output included.
The earlier tree (default: c2be592, the last commit that scored one request at a time) runs the
same command on the same file (with its own default jobs, or `--before-jobs N`), alternating
with this tree, so both meet the same machine load. This tree runs with `--jobs 1` (one core,
the batch path alone) and with its default (every core).

    python bench/bench_score_cli.py [--requests 100000] [--unique] [--before c2be592]
        [--before-jobs N] [--rounds 1]

Prints wall time, requests/s and CPU time (the command and its workers) per run (median over
rounds), the ratios, requests per CPU second of this tree's one-core run against the earlier
tree's (what the load on a shared machine does not stretch), and whether the outputs agree.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scoring import generate  # noqa: E402
from checkout import checked_out  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def write_requests(path: Path, count: int, unique: bool) -> None:
    with path.open("w", encoding="utf-8") as out:
        for r in generate(count, 11, unique):
            record = {
                "id": r.id,
                "text": r.text,
                "sender": {
                    "name": r.sender.name,
                    "contacts": r.sender.contacts,
                    "created": r.sender.created.isoformat() if r.sender.created else None,
                },
                "recipient": {
                    "name": r.recipient.name,
                    "interests": list(r.recipient.interests),
                    "offers": list(r.recipient.offers),
                    "publications": list(r.recipient.publications),
                },
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def run(
    tree: Path, source: Path, output: Path, extra: list[str], home: Path
) -> tuple[float, float]:
    """Wall and CPU seconds (the command and its workers) of one `score --json` run of the CLI
    imported from `tree`: on a machine shared with other jobs the CPU time is what load does
    not stretch."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "XDG_DATA_HOME": str(home)}
    command = [sys.executable, "-m", "kontaktfilter.cli", "score", str(source), "--json"]
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [*command, "-o", str(output), *extra], env=env, check=True, stderr=subprocess.DEVNULL
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - used.ru_utime) + (after.ru_stime - used.ru_stime)


def verdicts(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--unique", action="store_true", help="no sentence repeats")
    parser.add_argument("--before", default="c2be592", help="the earlier git revision")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--before-jobs", type=int, help="--jobs for the earlier tree (default: none, its own)"
    )
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "requests.jsonl"
        write_requests(source, args.requests, args.unique)
        with checked_out(args.before, work) as before_tree:
            jobs = ["--jobs", str(args.before_jobs)] if args.before_jobs else []
            runs = {
                f"before ({args.before}, {' '.join(jobs) or 'its default'})": (before_tree, jobs),
                "now, --jobs 1 (batch path, one core)": (ROOT, ["--jobs", "1"]),
                f"now, default jobs ({cores} cores)": (ROOT, []),
            }
            seconds: dict[str, list[tuple[float, float]]] = {label: [] for label in runs}
            for _ in range(args.rounds):
                for k, (label, (tree, extra)) in enumerate(runs.items()):
                    seconds[label].append(run(tree, source, work / f"out{k}.jsonl", extra, work))
            outputs = [verdicts(work / f"out{k}.jsonl") for k in range(len(runs))]
    kind = "all-unique" if args.unique else "template-heavy"
    print(f"score --json end to end, {args.requests:,} generated {kind} requests, every signal,")
    print(f"corpus model and shipped fingerprints on, {args.rounds} alternating round(s)")
    rates, per_cpu = {}, {}
    print(f"  {'':<52} {'wall':>9} {'req/s':>9} {'CPU':>9} {'req/CPU-s':>10}")
    for label, values in seconds.items():
        wall = statistics.median(wall for wall, _ in values)
        cpu = statistics.median(cpu for _, cpu in values)
        rates[label], per_cpu[label] = args.requests / wall, args.requests / cpu
        print(
            f"  {label:<52} {wall:>7.1f} s {rates[label]:>9,.0f} {cpu:>7.1f} s "
            f"{per_cpu[label]:>10,.0f}"
        )
    before, one, every = rates.values()
    print(f"ratio now/before: one core {one / before:.2f}x, every core {every / before:.2f}x")
    cpu_before, cpu_one, _ = per_cpu.values()
    print(f"requests per CPU second, now --jobs 1/before: {cpu_one / cpu_before:.2f}x")
    print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(f"bar (issue 20): >= 10,000 req/s on one core: {'met' if one >= 10_000 else 'NOT met'}")
    same = outputs[1] == outputs[2]
    actions = sum(a["action"] != b["action"] for a, b in zip(outputs[0], outputs[1], strict=True))
    print(
        f"outputs: --jobs 1 and default identical: {same}; actions that differ from the earlier "
        f"tree (its rules and model, not the batch path): {actions} of {len(outputs[0]):,}"
    )


if __name__ == "__main__":
    main()
