"""Not a speed test: whether this tree's importer writes exactly the store of an earlier commit
(for a change meant to make importing faster). The same generated LinkedIn export is imported
into a fresh SQLite store by each tree (one job, then `--jobs 2`, then the same export again),
and every table is compared row by row as SQLite stores it (the text of dates and JSON
included), but for the columns that hold the clock of the run. Exits 1 when any row differs.

    python bench/import_before_after.py REF [--invitations 5000]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from checkout import checked_out  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DRIVER = """
import sys
from kontaktfilter.bulk.fingerprints import FingerprintSet, shipped_fingerprints
from kontaktfilter.engine import Engine
from kontaktfilter.imports.runner import Importer, ImportOptions
from kontaktfilter.signals.context import History
from kontaktfilter.store import open_store
export, db, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = open_store(f"sqlite:///{db}")
engine = Engine(history=History(None, 3, 90.0, FingerprintSet(shipped_fingerprints())))
for _ in range(2):  # the second run must add nothing
    Importer(store, engine, ImportOptions(jobs=jobs, batch=700)).run(export)
"""
CLOCK_COLUMNS = {"created_at", "scored_at", "started_at", "finished_at"}
"""When the run happened, not what it stored."""
SKIPPED_TABLES = {"alembic_version"}


def import_with(tree: Path, export: Path, db: Path, jobs: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    subprocess.run([sys.executable, "-c", DRIVER, str(export), str(db), str(jobs)], env=env)


def contents(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows in rowid order, without the clock columns."""
    tables: dict[str, list[tuple]] = {}
    with sqlite3.connect(db) as conn:
        names = [
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        for name in sorted(set(names) - SKIPPED_TABLES):
            columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')]
            kept = ", ".join(f'"{c}"' for c in columns if c not in CLOCK_COLUMNS)
            tables[name] = conn.execute(f'SELECT {kept} FROM "{name}" ORDER BY rowid').fetchall()
    return tables


def compare(before: dict[str, list[tuple]], now: dict[str, list[tuple]]) -> list[str]:
    """What differs, table by table (the first differing row of each)."""
    differences = []
    for name in sorted(set(before) | set(now)):
        old, new = before.get(name, []), now.get(name, [])
        if old == new:
            continue
        first = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), None)
        where = f"first at row {first}" if first is not None else "row counts"
        differences.append(f"{name}: {len(old)} rows before, {len(new)} now, differs ({where})")
    return differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref")
    parser.add_argument("--invitations", type=int, default=5000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from kontaktfilter.services.synthetic import write_export

    failed = False
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        export = write_export(
            work / "export", invitations=args.invitations, connections=800, messages=600
        )
        with checked_out(args.ref, work) as tree:
            for jobs in (1, 2):
                import_with(tree, export, work / f"before-{jobs}.db", jobs)
                import_with(ROOT, export, work / f"now-{jobs}.db", jobs)
                before, now = (
                    contents(work / f"before-{jobs}.db"),
                    contents(work / f"now-{jobs}.db"),
                )
                rows = sum(len(rows) for rows in now.values())
                differences = compare(before, now)
                failed = failed or bool(differences) or not rows
                state = "identical" if not differences else "DIFFERENT"
                print(f"--jobs {jobs}: {rows:,} rows in {len(now)} tables, {state} to {args.ref}")
                for line in differences:
                    print(f"  {line}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
