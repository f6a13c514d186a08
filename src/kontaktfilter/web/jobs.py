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

from kontaktfilter.bilingual import Detail, in_language, message_of, say, say_with
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
    error: Detail | None = None
    """What went wrong, in both languages: the job runs apart from any request, and whoever
    polls it reads it in their own language (`as_dict`)."""

    def progress(self, name: str, done: int, total: int) -> None:
        self.sources[name] = {"done": done, "total": total}

    def as_dict(self, lang: str) -> dict[str, Any]:
        """The job as the API and the page show it, its errors in the reader's language."""
        reports = [
            report | {"failed": report["failed"] and in_language(report["failed"], lang)}
            for report in self.reports
        ]
        return {
            "id": self.id,
            "filename": self.filename,
            "state": self.state,
            "sources": [{"name": n, **counts} for n, counts in self.sources.items()],
            "reports": reports,
            "error": self.error and in_language(self.error, lang),
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
                "failed": message_of(r.failed) if r.failed else None,
            }
            for r in reports
        ]
        failed = [r for r in reports if r.failed]
        if failed:  # each file imports whole or not at all; the others are in
            job.error = _not_stored([r.failed for r in failed if r.failed])
        job.state = "failed" if len(failed) == len(reports) else "done"
    except ImportFailure as exc:
        job.error, job.state = _not_stored([exc]), "failed"
    except Exception as exc:  # the thread must report, not vanish silently
        job.error = say_with("import failed: {exc}", "Import fehlgeschlagen: {exc}", exc=exc)
        job.state = "failed"
        raise
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


NOT_STORED = {
    "en": "Nothing from this file was stored.",
    "de": "Aus dieser Datei wurde nichts gespeichert.",
}


def _not_stored(failures: list[ImportFailure]) -> Detail:
    """Each failed file's error, and that nothing of it was stored, in both languages."""
    en, de = (
        " ".join(f"{in_language(failure, lang)} {NOT_STORED[lang]}" for failure in failures)
        for lang in ("en", "de")
    )
    return say(en, de)
