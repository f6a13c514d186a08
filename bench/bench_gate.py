"""The gate on a simulated network (issue 22): recall on collectors and automation tools
(limited or blocked), the share of honest senders limited, busy honest senders (recruiters,
event organisers, a new salesperson) apart, brigaded honest members blocked; beside the fixed
caps of the platforms (100 invitations a week, 200 open) on the same stream, in the same run.

The network comes from `kontaktfilter.gate.simulator` (seeded); every invitation is checked
before it is applied (gate/replay.py says what that leaves out). "Limited" counts a sender once
a check refused them for a reason about the sender (caps, budget, behaviour, reputation), not
for one recipient (a cooldown, an open invitation). Exits 1 unless recall >= 90 %, honest
limited <= 1 % and no brigaded member blocked.

    python bench/bench_gate.py [--users 20000] [--days 30] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Iterable, Iterator

from kontaktfilter.gate.events import Event
from kontaktfilter.gate.replay import Replay
from kontaktfilter.gate.simulator import Network

PROGRESS_EVERY = 250_000
"""Events between two progress lines on stderr: a run at the issue's size takes long enough
on a shared machine that one wants to see how far it got."""


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _reporting(events: Iterable[Event], started: float) -> Iterator[Event]:
    """The stream as it is, with a line on stderr every PROGRESS_EVERY events."""
    for count, event in enumerate(events, 1):
        if count % PROGRESS_EVERY == 0:
            print(
                f"{count} events, simulated {event.at:%Y-%m-%d}, "
                f"{time.perf_counter() - started:.0f} s, {_cpu_seconds():.0f} s CPU, "
                f"peak memory {_peak_mb():.0f} MB",
                file=sys.stderr,
                flush=True,
            )
        yield event


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    started = time.perf_counter()
    network = Network(args.users, args.days, args.seed)
    replay = Replay(network.truth).run(_reporting(network.events(), started))
    seconds, cpu = time.perf_counter() - started, _cpu_seconds()
    print(
        f"network: {args.users} members, {args.days} days, seed {args.seed}: "
        f"{replay.events} events, {replay.checks} invitations checked "
        f"({replay.templated} notes in a bulk template), "
        f"{seconds:.0f} s ({replay.events / seconds:.0f} events/s simulated and replayed), "
        f"{cpu:.0f} s CPU ({replay.events / cpu:.0f} events per CPU second), "
        f"peak memory {_peak_mb():.0f} MB"
    )
    for line in replay.table():
        print(line)
    figures = replay.figures()
    if args.json:
        print(json.dumps(figures | {"events": replay.events, "users": args.users}))
    bars = {
        "recall on collectors and tools >= 90 %": figures["gate_recall_collectors_tools"] >= 0.9,
        "honest senders limited <= 1 %": figures["gate_honest_limited"] <= 0.01,
        "no brigaded honest member blocked": figures["gate_brigaded_blocked"] == 0.0,
    }
    for bar, met in bars.items():
        print(f"{'met' if met else 'NOT MET'}: {bar}")
    return 0 if all(bars.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
