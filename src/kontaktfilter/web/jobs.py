"""Imports started from the browser run in a thread; the page polls their progress.

A job belongs to the user who started it: asking for someone else's job is a 404 like any
other foreign id. Jobs live in memory; the import itself is resumable in the store, so a
restart loses only the progress display, not data."""

from __future__ import annotations

import shutil
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kontaktfilter.engine import Engine
from kontaktfilter.imports.runner import Importer, ImportFailure
from kontaktfilter.store import Store


@dataclass
class ImportJob:
    id: str
    user: str
    filename: str
    state: str = "running"  # running, done, failed
    sources: dict[str, dict[str, int]] = field(default_factory=dict)
    reports: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    def progress(self, name: str, done: int, total: int) -> None:
        self.sources[name] = {"done": done, "total": total}

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "filename": self.filename,
            "state": self.state,
            "sources": [{"name": n, **counts} for n, counts in self.sources.items()],
            "reports": self.reports,
            "error": self.error,
        }


class ImportJobs:
    def __init__(self) -> None:
        self._jobs: dict[str, ImportJob] = {}
        self._lock = threading.Lock()

    def get(self, user: str, job_id: str) -> ImportJob | None:
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.user == user else None

    def start(self, user: str, store: Store, engine: Engine, path: Path) -> ImportJob:
        """Import `path` (in a folder of its own, removed afterwards) in a background thread."""
        job = ImportJob(uuid.uuid4().hex, user, path.name)
        with self._lock:
            self._jobs[job.id] = job
        thread = threading.Thread(target=_run, args=(job, store, engine, path), daemon=True)
        thread.start()
        return job


def _run(job: ImportJob, store: Store, engine: Engine, path: Path) -> None:
    try:
        reports = Importer(store, engine, progress=job.progress).run(path)
        job.reports = [
            {
                "source": r.source,
                "kind": r.kind,
                "rows": r.rows,
                "added": r.added,
                "already_imported": r.already_imported,
                "skipped_mails": r.skipped_mails,
                "unreadable_mails": list(r.unreadable_mails),
                "failed": str(r.failed) if r.failed else None,
            }
            for r in reports
        ]
        failed = [r for r in reports if r.failed]
        if failed:  # each file imports whole or not at all; the others are in
            job.error = " ".join(f"{r.failed} Nothing from this file was stored." for r in failed)
        job.state = "failed" if len(failed) == len(reports) else "done"
    except ImportFailure as exc:
        job.error, job.state = f"{exc} Nothing from this file was stored.", "failed"
    except Exception as exc:  # the thread must report, not vanish silently
        job.error, job.state = f"import failed: {exc}", "failed"
        raise
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
