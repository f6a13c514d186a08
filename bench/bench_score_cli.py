"""`kontaktfilter score FILE --json` end to end, this tree beside an earlier one, in one run.

What the user waits for: the command's wall time from start to the last line written, imports,
reading, every signal, the corpus model, the shipped fingerprints and the JSON output included.
The earlier tree (default: c2be592, the last commit that scored one request at a time) runs the
same command on the same file, alternating with this tree, so both meet the same machine load.
This tree runs with `--jobs 1` (one core, the batch path alone) and with its default (every core).

    python bench/bench_score_cli.py [--requests 100000] [--unique] [--before c2be592] [--rounds 1]

Prints requests/s per run (median over rounds), the ratios, and whether the outputs agree.
"""

from __future__ import annotations

import argparse
import json
import os
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


def run(tree: Path, source: Path, output: Path, extra: list[str], home: Path) -> float:
    """Wall seconds of one `score --json` run of the CLI imported from `tree`."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "XDG_DATA_HOME": str(home)}
    command = [sys.executable, "-m", "kontaktfilter.cli", "score", str(source), "--json"]
    start = time.perf_counter()
    subprocess.run(
        [*command, "-o", str(output), *extra], env=env, check=True, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - start


def verdicts(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--unique", action="store_true", help="no sentence repeats")
    parser.add_argument("--before", default="c2be592", help="the earlier git revision")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "requests.jsonl"
        write_requests(source, args.requests, args.unique)
        with checked_out(args.before, work) as before_tree:
            runs = {
                f"before ({args.before}, one request at a time)": (before_tree, []),
                "now, --jobs 1 (batch path, one core)": (ROOT, ["--jobs", "1"]),
                f"now, default jobs ({cores} cores)": (ROOT, []),
            }
            seconds: dict[str, list[float]] = {label: [] for label in runs}
            for _ in range(args.rounds):
                for k, (label, (tree, extra)) in enumerate(runs.items()):
                    seconds[label].append(run(tree, source, work / f"out{k}.jsonl", extra, work))
            outputs = [verdicts(work / f"out{k}.jsonl") for k in range(len(runs))]
    kind = "all-unique" if args.unique else "template-heavy"
    print(f"score --json end to end, {args.requests:,} generated {kind} requests, every signal,")
    print(f"corpus model and shipped fingerprints on, {args.rounds} alternating round(s)")
    rates = {}
    for label, values in seconds.items():
        wall = statistics.median(values)
        rates[label] = args.requests / wall
        print(f"  {label:<52} {wall:>7.1f} s {rates[label]:>9,.0f} req/s")
    before, one, every = rates.values()
    print(f"ratio now/before: one core {one / before:.2f}x, every core {every / before:.2f}x")
    print(f"bar (issue 20): >= 10,000 req/s on one core: {'met' if one >= 10_000 else 'NOT met'}")
    same = outputs[1] == outputs[2]
    actions = sum(a["action"] != b["action"] for a, b in zip(outputs[0], outputs[1], strict=True))
    print(
        f"outputs: --jobs 1 and default identical: {same}; actions that differ from the earlier "
        f"tree (its rules and model, not the batch path): {actions} of {len(outputs[0]):,}"
    )


if __name__ == "__main__":
    main()
