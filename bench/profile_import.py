"""Where an import spends its time: `Importer.run` of bench_import.py's generated export into a
fresh SQLite store, one job on one core, under cProfile, split into the stages of issue 20
(reading and checking, the template index, building the requests, scoring, the verdict rows,
writing the rows, the template listing), for this tree and, with --before REF, for an earlier
commit in the same run on the same export.

    python bench/profile_import.py [--invitations 20000] [--before REF] [--keep FOLDER]

cProfile slows Python code per call far more than SQLite's or NumPy's, so the shares say where
to look, not what the import takes without it (bench_import.py measures that).
"""

from __future__ import annotations

import argparse
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from checkout import checked_out  # noqa: E402
from profile_stats import cumulative_seconds  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DRIVER = """
import cProfile, sys, time
from kontaktfilter.bulk.fingerprints import FingerprintSet, shipped_fingerprints
from kontaktfilter.engine import Engine
from kontaktfilter.imports.runner import Importer, ImportOptions
from kontaktfilter.signals.context import History
from kontaktfilter.store import open_store
export, db, out = sys.argv[1:4]
store = open_store(f"sqlite:///{db}")
engine = Engine(history=History(None, 3, 90.0, FingerprintSet(shipped_fingerprints())))
profiler = cProfile.Profile(time.process_time)
profiler.runcall(Importer(store, engine, ImportOptions(jobs=1)).run, export)
profiler.dump_stats(out)
"""
"""The import as bench_import.py runs it, profiled from `Importer.run` on (the engine and the
store are built before, as a command builds them before it imports), in CPU time, so that other
jobs on the machine do not count."""
STAGES = {
    "imports of modules during the run": ["<frozen importlib._bootstrap>:_find_and_load"],
    "reading and checking (pass 1)": ["runner.py:_check"],
    "template index": ["store_templates.py:template_index"],
    "building the requests of a batch": [
        "runner.py:_prepare",
        "batches.py:prepare",
        "batches.py:build_requests",
    ],
    "scoring (Engine.score_many)": ["engine.py:score_many"],
    "verdict rows (explanations worked out included)": [
        "runner.py:_verdict_fields",
        "batches.py:verdict_rows",
    ],
    "writing the rows": ["runner.py:_write_batch", "batches.py:write"],
    "template listing": ["writes.py:replace_templates"],
}
"""Each stage's time is the cumulative time of its functions (old and new names); modules imported
inside a stage are counted there and in the first line."""
NESTED = {"verdict rows (explanations worked out included)": "engine.py:complete"}
"""A part of a stage printed beside it: the verdicts' explanations, which a verdict works out
when its signals are first read (the engine's work, done while the rows are built)."""


def profile(tree: Path, export: Path, work: Path, label: str) -> pstats.Stats:
    """The import of `tree` under cProfile, pinned to one core."""
    out, db = work / f"{label}.prof", work / f"{label}.db"
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    core = str(min(os.sched_getaffinity(0)))
    command = [sys.executable, "-c", DRIVER, str(export), str(db), str(out)]
    subprocess.run(["taskset", "-c", core, *command], env=env, check=True)
    return pstats.Stats(str(out))


def stage_seconds(stats: pstats.Stats) -> dict[str, float]:
    """Cumulative seconds per stage, the rest and the whole run."""
    cumulative = cumulative_seconds(stats)
    found: dict[str, float] = {}
    for stage, names in STAGES.items():
        found[stage] = sum(cumulative.get(name, 0.0) for name in names)
        if stage in NESTED:
            found[f"  of which explanations ({NESTED[stage]})"] = cumulative.get(NESTED[stage], 0)
    whole = stats.total_tt  # type: ignore[attr-defined]
    counted = [v for k, v in found.items() if not k.startswith((" ", "imports"))]
    found["the rest (imports of modules inside the stages included)"] = whole - sum(counted)
    found["whole run under cProfile"] = whole
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invitations", type=int, default=20_000)
    parser.add_argument("--before", help="also profile this earlier commit")
    parser.add_argument("--keep", type=Path, help="a folder to keep the profiles in (pstats)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from kontaktfilter.services.synthetic import write_export

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        export = write_export(
            work / "export", invitations=args.invitations, connections=2000, messages=3000
        )
        results = {"this tree": stage_seconds(profile(ROOT, export, work, "now"))}
        if args.before:
            with checked_out(args.before, work) as tree:
                before = stage_seconds(profile(tree, export, work, "before"))
            results = {f"before ({args.before})": before, **results}
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for kept in work.glob("*.prof"):
                shutil.copy(kept, args.keep / kept.name)
    print(f"import of {args.invitations:,} invitations, one job on one core, under cProfile")
    print(f"{'stage':58}" + "".join(f"{label:>20}" for label in results))
    for stage in next(iter(results.values())):
        print(f"{stage:58}" + "".join(f"{r[stage]:18.2f} s" for r in results.values()))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
