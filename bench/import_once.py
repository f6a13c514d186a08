"""One import of an export into a fresh SQLite store, by the tree on PYTHONPATH, printed as one
JSON line: wall seconds, CPU seconds of this process and of its workers, and with --scoring the
CPU seconds the import spent scoring: in Engine.score_many and in working out the verdicts'
explanations (which a verdict does when its hits are first read, here right after scoring),
timed call by call inside the import itself, so that the split between scoring and the rest
meets the same load.

bench_import.py --before REF runs it for REF's tree and this one in turns. It uses only what
both trees have (Importer, ImportOptions, open_store, the engine with the shipped fingerprints).

    PYTHONPATH=TREE/src python bench/import_once.py EXPORT DB [--jobs N] [--scoring]
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import time
from typing import Any

from kontaktfilter.bulk.fingerprints import FingerprintSet, shipped_fingerprints
from kontaktfilter.engine import Engine
from kontaktfilter.imports.runner import Importer, ImportOptions
from kontaktfilter.signals.context import History
from kontaktfilter.store import open_store


def engine() -> Engine:
    return Engine(history=History(None, 3, 90.0, FingerprintSet(shipped_fingerprints())))


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_scoring() -> list[float]:
    """Engine.score_many wrapped so that its CPU seconds, and those of the explanations of the
    verdicts it returns, add up in the list's one entry (the same in both trees)."""
    spent = [0.0]
    score_many = Engine.score_many

    def timed(self: Engine, requests: Any, now: Any = None) -> list:
        started = time.process_time()
        verdicts = score_many(self, requests, now)
        for verdict in verdicts:
            verdict.hits  # noqa: B018 - worked out when first read: part of scoring
        spent[0] += time.process_time() - started
        return verdicts

    Engine.score_many = timed  # type: ignore[method-assign]
    return spent


def timed_collections() -> dict[str, float]:
    """CPU seconds and count of the garbage collector's full collections while the import runs:
    they cost in proportion to every object alive (the parsed rows of the export), and land in
    whichever code allocates when they trigger, scoring included."""
    spent = {"seconds": 0.0, "full": 0, "started": 0.0}

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            spent["started"] = time.process_time()
            return
        spent["seconds"] += time.process_time() - spent["started"]
        spent["full"] += info["generation"] == 2

    gc.callbacks.append(callback)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export")
    parser.add_argument("db")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--scoring", action="store_true")
    args = parser.parse_args()
    store = open_store(f"sqlite:///{args.db}")
    scorer = engine()
    scoring = timed_scoring() if args.scoring else None
    collections = timed_collections()
    started, cpu, workers = time.perf_counter(), time.process_time(), children_cpu()
    Importer(store, scorer, ImportOptions(jobs=args.jobs)).run(args.export)
    result = {
        "wall": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "workers_cpu": children_cpu() - workers,
        "stats": store.stats(),
        "gc_cpu": collections["seconds"],
        "gc_full": collections["full"],
    }
    if scoring is not None:
        result["scoring_cpu"] = scoring[0]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
