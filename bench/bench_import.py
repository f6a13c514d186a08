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
"""

from __future__ import annotations

import argparse
import csv
import io
import os
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invitations", type=int, default=100_000)
    parser.add_argument("--peer-invitations", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=available_cores())
    args = parser.parse_args()
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
