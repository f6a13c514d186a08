"""An import that scores in several processes stores exactly what one process stores: the same
requests with the same ids, verdicts and checkpoints; and resuming works the same way."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kontaktfilter.services.synthetic import write_export
from kontaktfilter.store import Store, open_store
from kontaktfilter.store.schema import ContactRequest, ImportRun, StoredVerdict
from store_helpers import counts, run_import

SIZES = {"invitations": 2500, "connections": 200, "messages": 150}
BATCH = 300
"""Small batches, so that several are in flight in the workers at once."""


def _stored(store: Store) -> list[tuple[Any, ...]]:
    """Every request with its verdict, in id order (ids follow the order of writing)."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                ContactRequest.id,
                ContactRequest.key,
                ContactRequest.status,
                ContactRequest.template_key,
                StoredVerdict.category,
                StoredVerdict.action,
                StoredVerdict.score,
                StoredVerdict.rule,
                StoredVerdict.signals,
                StoredVerdict.reply,
            )
            .join(StoredVerdict, StoredVerdict.request_id == ContactRequest.id)
            .order_by(ContactRequest.id)
        ).all()
    return [tuple(row) for row in rows]


def _checkpoints(store: Store) -> list[tuple[str, int, str]]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(ImportRun.source, ImportRun.rows_done, ImportRun.state).order_by(ImportRun.id)
        ).all()
    return [tuple(row) for row in rows]


def test_two_jobs_store_what_one_stores(store_url, tmp_path):
    export = write_export(tmp_path, **SIZES)
    one = open_store(f"sqlite:///{tmp_path / 'one.db'}")
    run_import(one, export, batch=BATCH, jobs=1)
    two = open_store(store_url)
    reports = run_import(two, export, batch=BATCH, jobs=2)
    assert sum(r.added for r in reports) > SIZES["invitations"]
    assert _stored(two) == _stored(one)
    assert len(_stored(two)) == SIZES["invitations"]
    assert counts(two) == counts(one)
    assert _checkpoints(two) == _checkpoints(one)
    again = run_import(two, export, batch=BATCH, jobs=2)
    assert all(r.already_imported for r in again)
    assert counts(two) == counts(one)


def test_resumed_run_with_two_jobs_scores_only_the_rest(tmp_path):
    """A run cut after its first batches continues from its checkpoint; requests stored before
    keep their verdicts and the result equals one clean import."""
    export = write_export(tmp_path, **SIZES)
    clean = open_store(f"sqlite:///{tmp_path / 'clean.db'}")
    run_import(clean, export, batch=BATCH, jobs=1)
    store = open_store(f"sqlite:///{tmp_path / 'cut.db'}")
    run_import(store, export, batch=BATCH, jobs=2)
    with store.engine.begin() as conn:
        invitations = ImportRun.source.like("%Invitations.csv")
        conn.execute(
            ImportRun.__table__.update()
            .where(invitations)
            .values(state="running", rows_done=2 * BATCH)
        )
        kept = conn.execute(select(ContactRequest.id).order_by(ContactRequest.id)).scalars()
        cut = list(kept)[-1000:]
        conn.execute(StoredVerdict.__table__.delete().where(StoredVerdict.request_id.in_(cut)))
        conn.execute(ContactRequest.__table__.delete().where(ContactRequest.id.in_(cut)))
    reports = run_import(store, export, batch=BATCH, jobs=2)
    resumed = next(r for r in reports if r.kind == "linkedin-invitations")
    assert resumed.resumed_from == 2 * BATCH
    assert resumed.added == 1000
    assert counts(store) == counts(clean)
