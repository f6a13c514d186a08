"""Not a speed bar: where the p99 of `invitations/check` comes from. In process, without HTTP,
on a fresh PostgreSQL database holding bench_gate_serve.py's network (same seed and size), it
times `Gate.check_invitation` for bench_gate_serve.py's 2,000 checks, three rounds, and the
database read alone (`invitation_facts`: the sender's figures, the pair's and the complainers'
standing) for the same pairs; prints p50/p90/p99 of both, the mean per sender size (invitations
the sender sent in the stream), which senders the slowest 1 % belong to, and how many full
garbage collections ran. Then, per sender size, the CPU a check costs, the read alone and the
whole check, this process's and its PostgreSQL backend's (from /proc): unlike the times, which
on a shared machine include the waits for a core, it hardly depends on the others' load.

    scripts/with-postgres .venv/bin/python bench/gate_check_tail.py [--users 2000 --days 20]
"""

from __future__ import annotations

import argparse
import gc
import time
from collections import Counter

from bench_gate_serve import checks, cpu_seconds, fresh_database
from kontaktfilter.gate.queries import invitation_facts
from kontaktfilter.gate.runtime import Gate
from kontaktfilter.gate.simulator import Network

SIZES = ((0, 50), (50, 200), (200, 10**9))
"""Sender sizes reported apart: invitations sent in the whole stream."""
CPU_PASSES = 5
"""Passes over each size's checks for the CPU figures: /proc counts in ticks of 10 ms."""


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    at = [ordered[min(len(ordered) - 1, int(share * len(ordered)))] for share in (0.5, 0.9, 0.99)]
    return f"p50 {at[0]:.2f} ms, p90 {at[1]:.2f} ms, p99 {at[2]:.2f} ms, max {ordered[-1]:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    network = Network(args.users, args.days, seed=3)
    events = list(network.events())
    sent = Counter(e.sender for e in events if e.kind == "invitation_sent")
    at = events[-1].at
    with fresh_database(None) as db:
        gate = Gate(db)
        for start in range(0, len(events), 1000):
            gate.store.ingest(events[start : start + 1000], "bench")
        todo = checks(sorted(m.key for m in network.members), 2000)
        for round_ in range(args.rounds):
            full_runs = gc.get_stats()[2]["collections"]
            whole, read = [], []
            for sender, recipient, note in todo:
                begin = time.perf_counter()
                gate.check_invitation(sender, recipient, note, at)
                whole.append((time.perf_counter() - begin) * 1000)
                begin = time.perf_counter()
                with gate.reader.connection() as conn:
                    invitation_facts(conn, sender, recipient, at, gate.policy)
                read.append((time.perf_counter() - begin) * 1000)
            collections = gc.get_stats()[2]["collections"] - full_runs
            print(f"round {round_ + 1}: full garbage collections {collections}")
            print(f"  whole check: {percentiles(whole)}")
            print(f"  database read alone: {percentiles(read)}")
            for low, high in SIZES:
                rows = [i for i, (s, _, _) in enumerate(todo) if low <= sent[s] < high]
                if rows:
                    mean_whole = sum(whole[i] for i in rows) / len(rows)
                    mean_read = sum(read[i] for i in rows) / len(rows)
                    print(
                        f"  {size_label(low, high)}: {len(rows)} checks, "
                        f"mean {mean_whole:.2f} ms, of it the read {mean_read:.2f} ms"
                    )
            slowest = sorted(range(len(todo)), key=whole.__getitem__)[-len(todo) // 100 :]
            heavy = sum(sent[todo[i][0]] >= SIZES[-1][0] for i in slowest)
            print(
                f"  slowest 1 % ({len(slowest)} checks): {heavy} by senders with "
                f"{SIZES[-1][0]}+ invitations"
            )
        print_cpu(gate, todo, sent, at)
        gate.close()


def size_label(low: int, high: int) -> str:
    return f"senders with {low}-{min(high, 10**4) - 1} invitations"


def print_cpu(gate: Gate, todo: list[tuple[str, str, str]], sent: Counter, at) -> None:
    """CPU per check by sender size, this process's and its PostgreSQL backend's: the checks
    run on one thread, so on one connection of the gate's reader, whose backend is known."""
    with gate.reader.connection() as conn:
        backend = conn.info.backend_pid
    print(f"CPU per check ({CPU_PASSES} passes; this process + its PostgreSQL backend):")
    for low, high in SIZES:
        mine = [(s, r, n) for s, r, n in todo if low <= sent[s] < high]
        if not mine:  # a small network may have no sender of this size
            print(f"  {size_label(low, high)}: no checks")
            continue
        for part in ("read alone", "whole check"):
            client, server = time.process_time(), cpu_seconds(backend)
            for _ in range(CPU_PASSES):
                for sender, recipient, note in mine:
                    if part == "whole check":
                        gate.check_invitation(sender, recipient, note, at)
                        continue
                    with gate.reader.connection() as conn:
                        invitation_facts(conn, sender, recipient, at, gate.policy)
            count = CPU_PASSES * len(mine)
            client = (time.process_time() - client) / count * 1000
            server = (cpu_seconds(backend) - server) / count * 1000
            print(
                f"  {size_label(low, high)}, {part}: {client + server:.2f} ms "
                f"({client:.2f} + {server:.2f})"
            )


if __name__ == "__main__":
    main()
