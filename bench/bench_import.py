"""Import throughput: a LinkedIn-format export into a fresh SQLite store, scoring on, beside a
naive peer in the same run.

kontaktfilter's importer checks the whole export first, indexes the notes once, then commits
batches with their checkpoint. The peer is what one would write first: csv.DictReader, strptime,
one ORM object per row with a flush to get its id, the engine scoring each request against the
same template index through the plain `query`, one commit at the end. The peer runs on a
subsample (it is slow); the rates compare.

    python bench/bench_import.py [--invitations 100000] [--peer-invitations 10000]
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
from kontaktfilter.imports.runner import Importer, ImportOptions
from kontaktfilter.model import Profile, Request
from kontaktfilter.services.synthetic import write_export
from kontaktfilter.signals.context import History
from kontaktfilter.store import open_store
from kontaktfilter.store.repository import utcnow, verdict_row
from kontaktfilter.store.schema import ContactRequest, StoredVerdict


def pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def engine() -> Engine:
    return Engine(history=History(None, 3, 90.0, FingerprintSet(shipped_fingerprints())))


def ours(export: Path, folder: Path) -> tuple[float, float, dict]:
    store = open_store(f"sqlite:///{folder / 'ours.db'}")
    started = time.perf_counter()
    reports = Importer(store, engine(), ImportOptions()).run(export)
    total = time.perf_counter() - started
    invitations = next(r for r in reports if r.kind == "linkedin-invitations")
    return total, invitations.seconds, store.stats()


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
    args = parser.parse_args()
    pin_to_one_core()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        export = write_export(
            folder / "big", invitations=args.invitations, connections=2000, messages=3000
        )
        small = write_export(
            folder / "small", invitations=args.peer_invitations, connections=2000, messages=3000
        )
        total, writing, stats = ours(export, folder)
        peer_seconds, peer_rows = naive(small, folder)
    rate = args.invitations / total
    peer_rate = peer_rows / peer_seconds
    print(f"export: {args.invitations:,} invitations, 2,000 connections, 3,000 messages (ZIP)")
    print(f"kontaktfilter import: {total:.1f} s in all = {rate:,.0f} invitations/s")
    print(f"  of which writing and scoring Invitations.csv: {writing:.1f} s")
    tables = stats["tables"]
    print(f"  stored: {tables['requests']:,} requests, {tables['verdicts']:,} verdicts")
    print(f"  categories: {stats['categories']}")
    print(
        f"naive peer (ORM row by row, {peer_rows:,} invitations): {peer_seconds:.1f} s "
        f"= {peer_rate:,.0f} invitations/s"
    )
    print(f"ratio: {rate / peer_rate:.1f}x the peer's rate")
    verdict = "met" if rate >= 5000 else "NOT met"
    print(f"bar (>= 5,000 invitations/s into SQLite, scoring on): {verdict}")


if __name__ == "__main__":
    main()
