"""An invitation check of this tree beside an earlier commit's, interleaved so that both meet the
same load: gate_check_tail.py's network and 2,000 checks, each tree in a process of its own on a
database of its own (ingested by that tree, so its own statistics step runs or not), the checks
sent to the two processes in alternating chunks of 25. Prints per sender size the mean time of
the whole check (`Gate.check_invitation`) and of the database read alone, each tree's, and the
ratio now/before; then each tree's p50 and p99 of the whole check.

    scripts/with-postgres .venv/bin/python bench/gate_check_ab.py REF [--rounds 3]

On a shared machine the times include the waits for a core, but both trees wait alike.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench_gate_serve import checks, fresh_database
from checkout import checked_out
from gate_check_tail import SIZES, size_label
from kontaktfilter.gate.simulator import Network

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 25
USERS, DAYS, SEED = 2000, 20, 3
"""gate_check_tail.py's (and bench_gate_serve.py's) network."""


def serve_checks(db: str) -> None:
    """The child: ingest the network, say so, then time the checks of each chunk asked for."""
    from kontaktfilter.gate.queries import invitation_facts
    from kontaktfilter.gate.runtime import Gate

    network = Network(USERS, DAYS, seed=SEED)
    events = list(network.events())
    gate = Gate(db)
    for start in range(0, len(events), 1000):
        gate.store.ingest(events[start : start + 1000], "bench")
    todo = checks(sorted(m.key for m in network.members), 2000)
    at = events[-1].at
    print("ready", flush=True)
    for line in sys.stdin:
        start, end = map(int, line.split())
        times = []
        for sender, recipient, note in todo[start:end]:
            begin = time.perf_counter()
            gate.check_invitation(sender, recipient, note, at)
            whole = time.perf_counter() - begin
            begin = time.perf_counter()
            with gate.reader.connection() as conn:
                invitation_facts(conn, sender, recipient, at, gate.policy)
            times.append((whole * 1000, (time.perf_counter() - begin) * 1000))
        print(json.dumps(times), flush=True)
    gate.close()


def start_child(src: Path, db: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(ROOT / "bench")])}
    command = [sys.executable, str(Path(__file__).resolve()), "--serve-checks", db]
    return subprocess.Popen(
        command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def ask(child: subprocess.Popen, start: int, end: int) -> list[list[float]]:
    assert child.stdin and child.stdout
    child.stdin.write(f"{start} {end}\n")
    child.stdin.flush()
    return json.loads(child.stdout.readline())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", nargs="?", help="the earlier git revision")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve-checks", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_checks:
        serve_checks(args.serve_checks)
        return
    if not args.ref:
        parser.error("REF is required")
    network = Network(USERS, DAYS, seed=SEED)
    sent = Counter(e.sender for e in network.events() if e.kind == "invitation_sent")
    todo = checks(sorted(m.key for m in network.members), 2000)
    trees = ("before", "now")
    times: dict[str, list[list[float]]] = {tree: [[] for _ in todo] for tree in trees}
    with (
        tempfile.TemporaryDirectory() as folder,
        checked_out(args.ref, Path(folder)) as before,
        fresh_database(None) as db_before,
        fresh_database(None) as db_now,
    ):
        children = {
            "before": start_child(before / "src", db_before),
            "now": start_child(ROOT / "src", db_now),
        }
        try:
            for tree in trees:  # one after the other: ingestion is not what is measured
                assert children[tree].stdout
                if children[tree].stdout.readline().strip() != "ready":
                    sys.exit(f"the {tree} tree's checks did not start")
            for round_ in range(args.rounds):
                for index, start in enumerate(range(0, len(todo), CHUNK)):
                    order = trees if (index + round_) % 2 == 0 else trees[::-1]
                    for tree in order:
                        for offset, pair in enumerate(ask(children[tree], start, start + CHUNK)):
                            times[tree][start + offset].append(pair)
        finally:
            for child in children.values():
                if child.stdin:
                    child.stdin.close()
                child.wait()
    print(
        f"gate_check_ab.py {args.ref}: {len(todo)} checks, {args.rounds} rounds, chunks of {CHUNK}"
    )
    print(f"{'mean per check':<52}{'before':>10}{'now':>10}{'now/before':>12}")
    for low, high in SIZES:
        rows = [i for i, (sender, _, _) in enumerate(todo) if low <= sent[sender] < high]
        for part, label in ((0, "whole check"), (1, "read alone")):
            means = {
                tree: sum(t[part] for i in rows for t in times[tree][i]) / (len(rows) * args.rounds)
                for tree in trees
            }
            name = f"{size_label(low, high)} ({len(rows)}), {label}"
            ratio = means["now"] / means["before"]
            print(f"{name:<52}{means['before']:>8.2f}ms{means['now']:>8.2f}ms{ratio:>11.2f}x")
    for tree in trees:
        whole = sorted(t[0] for per_check in times[tree] for t in per_check)
        p50, p99 = whole[len(whole) // 2], whole[int(0.99 * len(whole))]
        print(f"{tree}: whole check p50 {p50:.2f} ms, p99 {p99:.2f} ms")


if __name__ == "__main__":
    main()
