"""Import throughput: a LinkedIn-format export into a fresh SQLite store, scoring on, beside a
naive peer in the same run.

kontaktfilter's importer checks the whole export first, indexes the notes once, then commits
batches with their checkpoint, scoring them ahead in `--jobs` forked processes. It runs twice:
with one job pinned to one core, and with `--jobs` (default: every core). On the first run's
store the bench then times the scoring alone (Engine.score_many and the verdict rows, one core,
the same template index), so that the share of the import's CPU time that is scoring is printed.
The peer is what one would write first: csv.DictReader, strptime, one ORM object per row with a
flush to get its id, the engine scoring each request against the same template index, one commit
at the end; it runs on one core on a subsample (it is slow); the rates compare.

    python bench/bench_import.py [--invitations 100000] [--peer-invitations 10000] [--jobs N]
                                 [--before REF] [--rounds 1]

With --before REF the same measures are taken instead for this tree and an earlier commit, in
turns on the same export (bench/import_once.py in a new process for each tree, REF checked out
beside this one), so both meet the same load: invitations/s and CPU seconds per 100k
invitations on one core, scoring's share of them (timed inside the import, call by call:
Engine.score_many and the explanations of its verdicts), the same with --jobs (the workers' CPU
counted), the ratios now/before, and whether both trees' stores agree.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from kontaktfilter.bulk import TemplateIndex
from kontaktfilter.bulk.fingerprints import FingerprintSet, shipped_fingerprints
from kontaktfilter.engine import Engine
from kontaktfilter.imports.runner import DEFAULT_BATCH, Importer, ImportOptions
from kontaktfilter.imports.store_templates import engine_with_index, template_index
from kontaktfilter.model import Profile, Request
from kontaktfilter.services.parallel import available_cores
from kontaktfilter.services.synthetic import write_export
from kontaktfilter.signals.context import History
from kontaktfilter.store import Store, open_store
from kontaktfilter.store.repository import utcnow, verdict_fields, verdict_row
from kontaktfilter.store.schema import ContactRequest, StoredVerdict

sys.path.insert(0, str(Path(__file__).resolve().parent))
from checkout import checked_out  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

BAR = 15_000
"""Invitations/s the import must reach end to end (issue 20)."""


def pin(cores: set[int] | None) -> None:
    """Run on these cores (None: leave as is); forked workers inherit it."""
    if cores is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, cores)


def all_cores() -> set[int] | None:
    return os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None


def one_core() -> set[int] | None:
    cores = all_cores()
    return None if cores is None else {min(cores)}


def engine() -> Engine:
    return Engine(history=History(None, 3, 90.0, FingerprintSet(shipped_fingerprints())))


def ours(export: Path, db: Path, jobs: int) -> tuple[float, float, float, Store]:
    """(seconds, CPU seconds of this process, seconds of Invitations.csv's write pass, store)."""
    store = open_store(f"sqlite:///{db}")
    started, cpu = time.perf_counter(), time.process_time()
    reports = Importer(store, engine(), ImportOptions(jobs=jobs)).run(export)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    invitations = next(r for r in reports if r.kind == "linkedin-invitations")
    return total, cpu, invitations.seconds, store


def scoring_alone(store: Store) -> tuple[float, int]:
    """CPU seconds of scoring every stored request as the import does (score_many on batches of
    its size, the verdict rows built), with the same template index, timed call by call."""
    scorer = engine_with_index(engine(), template_index(store))
    cpu, count = 0.0, 0
    for chunk in store.stored_requests(DEFAULT_BATCH):
        started = time.process_time()
        rows = [verdict_fields(v) for v in scorer.score_many(request for _, request in chunk)]
        cpu += time.process_time() - started
        count += len(rows)
    return cpu, count


def naive(export: Path, folder: Path) -> tuple[float, int]:
    """The straightforward importer: row by row through the ORM."""
    store = open_store(f"sqlite:///{folder / 'naive.db'}")
    scorer = engine()
    started = time.perf_counter()
    with zipfile.ZipFile(export) as archive:
        text = archive.read("Invitations.csv").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    index = TemplateIndex()
    for number, row in enumerate(rows):
        if row["Message"] and row["Direction"] == "INCOMING":
            moment = datetime.strptime(row["Sent At"], "%m/%d/%y, %I:%M %p")
            index.add(str(number), row["inviterProfileUrl"], row["Message"], moment)
    scorer.history = History(index, 3, 90.0, scorer.history.fingerprints)
    user = store.user_profile()
    with Session(store.engine) as session:
        for number, row in enumerate(rows):
            incoming = row["Direction"] == "INCOMING"
            moment = datetime.strptime(row["Sent At"], "%m/%d/%y, %I:%M %p")
            request = ContactRequest(
                user_id=store.user_id,
                key=str(number),
                direction="incoming" if incoming else "outgoing",
                platform="linkedin",
                kind="contact_request",
                sender_key=row["inviterProfileUrl"],
                sender_name=row["From"],
                recipient_key=row["inviteeProfileUrl"],
                recipient_name=row["To"],
                text=row["Message"],
                sent_at=moment,
                status="pending",
                extra={},
                created_at=utcnow(),
            )
            session.add(request)
            session.flush()
            sender = Profile(id=row["inviterProfileUrl"], name=row["From"])
            verdict = scorer.score(
                Request(
                    text=row["Message"],
                    id=str(number),
                    platform="linkedin",
                    sent_at=moment,
                    sender=sender,
                    recipient=user,
                )
            )
            session.add(StoredVerdict(**verdict_row(request.id, verdict, utcnow())))
        session.commit()
    return time.perf_counter() - started, len(rows)


def import_once(tree: Path, export: Path, db: Path, jobs: int, cores: set[int] | None) -> dict:
    """bench/import_once.py with `tree`'s code, on `cores`, into the fresh store `db`."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    command = [sys.executable, str(ROOT / "bench" / "import_once.py"), str(export), str(db)]
    command += ["--jobs", str(jobs)] + (["--scoring"] if jobs == 1 else [])
    if cores is not None:
        command = ["taskset", "-c", ",".join(map(str, sorted(cores))), *command]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    db.unlink()
    return json.loads(done.stdout)


def before_after(args: argparse.Namespace) -> None:
    """This tree and `args.before`, one core then --jobs, in turns, `args.rounds` times."""
    runs: dict[tuple[str, int], list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        export = write_export(
            folder / "big", invitations=args.invitations, connections=2000, messages=3000
        )
        with checked_out(args.before, folder) as before:
            trees = {f"before ({args.before})": before, "now": ROOT}
            for round_ in range(args.rounds):
                for jobs, cores in ((1, one_core()), (args.jobs, all_cores())):
                    for label, tree in trees.items():
                        db = folder / f"{round_}-{jobs}.db"
                        runs.setdefault((label, jobs), []).append(
                            import_once(tree, export, db, jobs, cores)
                        )
    per_100k = 100_000 / args.invitations
    rates: dict[tuple[str, int], float] = {}
    for (label, jobs), results in runs.items():
        wall = statistics.median(r["wall"] for r in results)
        cpu = statistics.median(r["cpu"] + r["workers_cpu"] for r in results)
        rates[label, jobs] = args.invitations / wall
        line = f"{label:>16}, {'1 job on one core' if jobs == 1 else f'--jobs {jobs}':>17}: "
        line += f"{rates[label, jobs]:7,.0f} invitations/s, {cpu * per_100k:5.1f} s CPU per 100k"
        if jobs == 1:
            scoring = statistics.median(r["scoring_cpu"] for r in results)
            line += f" (scoring in it {scoring * per_100k:.1f} s = {scoring / cpu:.0%}; "
            line += f"the rest {(cpu - scoring) * per_100k:.1f} s; "
            collected = statistics.median(r["gc_cpu"] for r in results)
            full = statistics.median(r["gc_full"] for r in results)
            line += f"garbage collection {collected * per_100k:.1f} s, {full:.0f} full)"
        print(line)
    label = f"before ({args.before})"
    for jobs in (1, args.jobs):
        now, then = runs["now", jobs], runs[label, jobs]
        cpu_ratio = statistics.median(
            r["cpu"] + r["workers_cpu"] for r in then
        ) / statistics.median(r["cpu"] + r["workers_cpu"] for r in now)
        print(
            f"now/before with {jobs} job(s): {rates['now', jobs] / rates[label, jobs]:.2f}x "
            f"invitations/s; CPU before/now {cpu_ratio:.2f}x"
        )
    if args.jobs == 1:
        print("(one core: --jobs 1 twice)")
    stats = [r["stats"] for results in runs.values() for r in results]
    same = all(s == stats[0] for s in stats)
    print(f"same counts and categories in every run of both trees: {same}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invitations", type=int, default=100_000)
    parser.add_argument("--peer-invitations", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=available_cores())
    parser.add_argument("--before", help="an earlier commit to measure beside this tree")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    if args.before:
        print(f"export: {args.invitations:,} invitations, 2,000 connections, 3,000 messages (ZIP)")
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        before_after(args)
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        return
    cores, single = all_cores(), one_core()
    print(f"export: {args.invitations:,} invitations, 2,000 connections, 3,000 messages (ZIP)")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        export = write_export(
            folder / "big", invitations=args.invitations, connections=2000, messages=3000
        )
        small = write_export(
            folder / "small", invitations=args.peer_invitations, connections=2000, messages=3000
        )
        pin(single)
        total_1, cpu_1, writing_1, store_1 = ours(export, folder / "one.db", 1)
        scoring_cpu, scored = scoring_alone(store_1)
        peer_seconds, peer_rows = naive(small, folder)
        pin(cores)
        total, _, writing, store = ours(export, folder / "jobs.db", args.jobs)
        stats, same = store.stats(), store.stats() == store_1.stats()
    rate_1, rate = args.invitations / total_1, args.invitations / total
    peer_rate = peer_rows / peer_seconds
    print(
        f"kontaktfilter import, 1 job on one core: {total_1:.1f} s = {rate_1:,.0f} invitations/s "
        f"({cpu_1:.1f} s CPU; Invitations.csv's write pass {writing_1:.1f} s)"
    )
    print(
        f"  scoring alone ({scored:,} requests, score_many + verdict rows, one core): "
        f"{scoring_cpu:.1f} s CPU = {scoring_cpu / cpu_1:.0%} of the import's CPU; "
        f"the rest (reading, checking, index, writing) {cpu_1 - scoring_cpu:.1f} s"
    )
    print(
        f"kontaktfilter import, --jobs {args.jobs} on {len(cores or ()) or '?'} cores: "
        f"{total:.1f} s = {rate:,.0f} invitations/s ({rate / rate_1:.2f}x one job; "
        f"Invitations.csv's write pass {writing:.1f} s)"
    )
    tables = stats["tables"]
    print(f"  stored: {tables['requests']:,} requests, {tables['verdicts']:,} verdicts")
    print(f"  categories: {stats['categories']}")
    print(f"  same counts and categories as with 1 job: {same}")
    print(
        f"naive peer (ORM row by row, one core, {peer_rows:,} invitations): {peer_seconds:.1f} s "
        f"= {peer_rate:,.0f} invitations/s"
    )
    print(f"ratio: {rate_1 / peer_rate:.1f}x the peer's rate on one core")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    verdict = "met" if rate >= BAR else "NOT met"
    print(f"bar (>= {BAR:,} invitations/s into SQLite, scoring on): {verdict}")


if __name__ == "__main__":
    main()
