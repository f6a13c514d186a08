"""One import of an export into a fresh SQLite store, by the tree on PYTHONPATH, printed as one
JSON line: wall seconds, CPU seconds of this process and of its workers, and with --scoring the
CPU seconds of scoring the stored requests alone (Engine.score_many and the verdict rows on
batches of the import's size, the same template index), as bench_import.py times them.

bench_import.py --before REF runs it for REF's tree and this one in turns. It uses only what
both trees have (Importer, ImportOptions, open_store, the engine with the shipped fingerprints).

    PYTHONPATH=TREE/src python bench/import_once.py EXPORT DB [--jobs N] [--scoring]
"""

from __future__ import annotations

import argparse
import json
import resource
import time

from kontaktfilter.bulk.fingerprints import FingerprintSet, shipped_fingerprints
from kontaktfilter.engine import Engine
from kontaktfilter.imports.runner import DEFAULT_BATCH, Importer, ImportOptions
from kontaktfilter.imports.store_templates import engine_with_index, template_index
from kontaktfilter.signals.context import History
from kontaktfilter.store import Store, open_store
from kontaktfilter.store.repository import verdict_fields


def engine() -> Engine:
    return Engine(history=History(None, 3, 90.0, FingerprintSet(shipped_fingerprints())))


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def scoring_cpu(store: Store) -> float:
    """CPU seconds of scoring every stored request as the import does, timed call by call."""
    scorer = engine_with_index(engine(), template_index(store))
    cpu = 0.0
    for chunk in store.stored_requests(DEFAULT_BATCH):
        started = time.process_time()
        [verdict_fields(v) for v in scorer.score_many(request for _, request in chunk)]
        cpu += time.process_time() - started
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export")
    parser.add_argument("db")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--scoring", action="store_true")
    args = parser.parse_args()
    store = open_store(f"sqlite:///{args.db}")
    scorer = engine()
    started, cpu, workers = time.perf_counter(), time.process_time(), children_cpu()
    Importer(store, scorer, ImportOptions(jobs=args.jobs)).run(args.export)
    result = {
        "wall": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "workers_cpu": children_cpu() - workers,
        "stats": store.stats(),
    }
    if args.scoring:
        result["scoring_cpu"] = scoring_cpu(store)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
