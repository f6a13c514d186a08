"""Scoring speed of this tree beside an earlier commit on a busy machine: both trees score the
same requests in turns of one batch, so a burst of load from other jobs falls on both alike.

    python bench/bench_interleaved.py REF [REF ...] [--requests 5120] [--chunk 512]

bench_before_after.py runs each tree's whole bench_scoring.py in turn, minutes apart; on a machine
shared with other jobs the load changes in between and a measure that did not change can read
anywhere from 0.5x to 1.5x. Here one process per tree, workload and measure is set up as
bench_scoring.py sets up its engines (a new engine, warmed on 2,000 other requests, one core),
then the processes score the same chunks in turn, each timing its own CPU time per chunk. Prints
requests/s per tree from the summed times and the ratio now/REF for each REF given (several
earlier commits are measured in the same turns). A tree without the batch path
(Engine.score_many) scores its batches one by one, as in bench_scoring.py.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

from checkout import checked_out

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = {"template-heavy": False, "all-unique": True}
MEASURES = (
    "full verdict (Engine.score)",
    "explanation read",
    "batch path (Engine.score_many)",
    "rules alone",
)
NOW = datetime(2026, 11, 20)


def work(tree: Path, measure: str, unique: bool, count: int, chunk: int) -> None:
    """One worker: the tree's code (on PYTHONPATH) and its bench_scoring.py's requests; answers
    each chunk number read from stdin with the CPU seconds it took."""
    sys.path.insert(0, str(tree / "bench"))
    from bench_scoring import generate
    from kontaktfilter.engine import Engine

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    requests = generate(count, 7, unique)
    engine = Engine() if measure != "rules alone" else Engine(corpus=None)
    for request in generate(2000, 8, unique):  # warm, on other requests
        engine.score(request, NOW)
    score_many = getattr(engine, "score_many", None)
    print("ready", flush=True)
    for line in sys.stdin:
        part = requests[int(line) * chunk : (int(line) + 1) * chunk]
        start = time.process_time()
        if measure == "explanation read":
            for request in part:
                len(engine.score(request, NOW).hits)
        elif measure.startswith("batch") and score_many is not None:
            score_many(part, NOW)
        else:
            for request in part:
                engine.score(request, NOW)
        print(time.process_time() - start, flush=True)


def _worker(tree: Path, measure: str, unique: bool, args: argparse.Namespace) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    command = [sys.executable, __file__, "--worker", measure, "--tree", str(tree)]
    command += ["--requests", str(args.requests)]
    command += ["--chunk", str(args.chunk)] + (["--unique"] if unique else [])
    process = subprocess.Popen(
        command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdin is not None and process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        raise SystemExit(f"a worker of {tree} did not start")
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("refs", nargs="*", metavar="REF", help="earlier git revisions")
    parser.add_argument("--requests", type=int, default=5120)
    parser.add_argument("--chunk", type=int, default=512)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--unique", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        work(args.tree, args.worker, args.unique, args.requests, args.chunk)
        return
    if not args.refs:
        parser.error("at least one REF is required")
    chunks = args.requests // args.chunk
    print(f"{chunks * args.chunk:,} requests per measure in turns of {args.chunk}, CPU time")
    print("load average at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    header = "".join(f"{ref[:10]:>12}" for ref in args.refs) + f"{'now':>10}"
    header += "".join(f"{'now/' + ref[:8]:>14}" for ref in args.refs)
    print(f"{'workload / measure':<50}{header}")
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        trees = {
            ref: stack.enter_context(checked_out(ref, Path(folder) / str(k)))
            for k, ref in enumerate(args.refs)
        }
        trees["now"] = ROOT
        for workload, unique in WORKLOADS.items():
            workers = {
                (measure, name): _worker(tree, measure, unique, args)
                for measure in MEASURES
                for name, tree in trees.items()
            }
            seconds = dict.fromkeys(workers, 0.0)
            for index in range(chunks):
                for key, process in workers.items():
                    assert process.stdin is not None and process.stdout is not None
                    process.stdin.write(f"{index}\n")
                    process.stdin.flush()
                    seconds[key] += float(process.stdout.readline())
            for process in workers.values():
                assert process.stdin is not None
                process.stdin.close()
                process.wait()
            for measure in MEASURES:
                rates = {name: chunks * args.chunk / seconds[(measure, name)] for name in trees}
                row = "".join(f"{rates[ref]:>12,.0f}" for ref in args.refs)
                row += f"{rates['now']:>10,.0f}"
                row += "".join(f"{rates['now'] / rates[ref]:>13.2f}x" for ref in args.refs)
                print(f"{workload + ' / ' + measure:<50}{row}")
    print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
