"""`kontaktfilter import PATH`: detect the format, check every file, then write and score.

Two passes per file keep the store consistent:
1. Check: read the whole file (every source of an export) and stop at the first bad row with its
   file, line and field. Nothing has been written yet, so a bad file changes nothing. This pass
   also feeds the notes to the template index, so copies of one template inside a single export
   recognise each other.
2. Write: read again and commit batches, each in one transaction with the run's checkpoint. A
   run killed half-way resumes after its last committed batch; natural keys make any overlap a
   no-op. An error in this pass (a lost database connection) removes the run's rows again.
"""

from __future__ import annotations

import gc
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kontaktfilter.bilingual import message_of
from kontaktfilter.engine import Engine
from kontaktfilter.imports.batches import (
    Prepared,
    RequestRows,
    build_requests,
    prepare,
    verdict_rows,
    write,
)
from kontaktfilter.imports.csvtable import AUTO
from kontaktfilter.imports.detect import PlannedSource, plan_sources
from kontaktfilter.imports.formats import FORMATS, Reading
from kontaktfilter.imports.items import Item, OwnProfileItem, RequestItem
from kontaktfilter.imports.linkedin import OwnIdentity, own_key
from kontaktfilter.imports.mail import MailCounts
from kontaktfilter.imports.sources import ImportFailure
from kontaktfilter.imports.store_templates import engine_with_index, template_index, template_rows
from kontaktfilter.store.privacy import UserDataError, import_user_data, is_user_export
from kontaktfilter.store.repository import Store

DEFAULT_BATCH = 1000
ITEM_CACHE_LIMIT = 250_000
"""Pass 1 keeps up to this many parsed rows in memory so that pass 2 need not parse again."""
Progress = Callable[[str, int, int], None]
"""Called as (source name, rows done, rows in all) after each committed batch."""


@dataclass
class SourceReport:
    """What importing one file did."""

    source: str
    kind: str
    rows: int = 0
    added: int = 0
    resumed_from: int = 0
    already_imported: bool = False
    skipped_mails: int = 0
    unreadable_mails: tuple[str, ...] = ()
    """Mails that look like invitations but name no inviter (their places)."""
    seconds: float = 0.0
    failed: ImportFailure | None = None
    """Why the file was skipped (nothing from it stored); the export's other files import."""


@dataclass
class Checked:
    """A source after pass 1: its row count and, unless there were too many, its items."""

    source: PlannedSource
    rows: int = 0
    items: list[Item] | None = None
    skipped_mails: int = 0
    unreadable_mails: tuple[str, ...] = ()


@dataclass
class ImportOptions:
    encoding: str = AUTO
    """A codec name, or `auto`: UTF-8, else cp1252 (imports.csvtable.file_encoding)."""
    columns: Mapping[str, str] = field(default_factory=dict)
    """Field name -> column name, for generic CSV files."""
    batch: int = DEFAULT_BATCH
    jobs: int = 1
    """Processes that score ahead while this one writes (services.batch); the command line
    uses every core, a server thread keeps to one (a fork there would copy its threads)."""


class Importer:
    """Imports files into one user's store and scores every new request on the way."""

    def __init__(
        self,
        store: Store,
        engine: Engine,
        options: ImportOptions | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.store, self.engine = store, engine
        self.options = options or ImportOptions()
        self.progress = progress
        self.own = OwnIdentity()

    # reading ----------------------------------------------------------------------------------

    def items(self, planned: PlannedSource, tally: list[Any] | None = None) -> Iterator[Item]:
        """The items of one source, in file order (the same order in both passes)."""
        options = self.options
        reading = Reading(
            options.encoding, options.columns, self.own, [] if tally is None else tally
        )
        return FORMATS[planned.kind].read(planned.source, reading)

    def _check(self, planned: PlannedSource, notes: list[tuple]) -> Checked:
        """Pass 1: read everything and collect notes for the template index. The items are
        kept for pass 2 unless there are too many to hold."""
        checked = Checked(planned, items=[])
        mail_counts: list[MailCounts] = []  # the mail reader's tally
        for item in self.items(planned, mail_counts):
            checked.rows += 1
            if checked.items is not None:
                checked.items.append(item)
                if checked.rows > ITEM_CACHE_LIMIT:
                    checked.items = None  # pass 2 reads the file again
            if isinstance(item, OwnProfileItem):
                self.own.add_name(str(item.profile.get("name", "")))
            elif isinstance(item, RequestItem):
                if planned.kind == "linkedin-invitations":
                    self.own.add(own_key(item))
                if item.direction == "incoming" and item.text:
                    names = (item.sender_name, item.recipient_name)
                    notes.append((item.key, item.sender_key, item.text, item.sent_at, names))
        checked.skipped_mails = sum(count.skipped for count in mail_counts)
        checked.unreadable_mails = tuple(w for count in mail_counts for w in count.unreadable)
        return checked

    # writing ----------------------------------------------------------------------------------

    def _prepared(
        self, items: Iterable[Item], resume: int, run_id: int, connected: set[str]
    ) -> Iterator[Prepared]:
        """The write batches after the checkpoint `resume`, each with its requests as the
        engine reads them. A batch's requests are built when the batch is cut, with the user's
        profile as it stands at that row, so scoring ahead in other processes sees what
        scoring in turn would. The last batch may be empty: it carries the final checkpoint."""
        batch: list[Item] = []
        done = 0
        for item in items:
            done += 1
            if done <= resume:
                continue
            if isinstance(item, OwnProfileItem):
                self._adopt_profile(item.profile)
                continue
            batch.append(item)
            if len(batch) >= self.options.batch:
                yield prepare(self.store, done, batch, run_id, connected, self._user)
                batch = []
        yield prepare(self.store, done, batch, run_id, connected, self._user)

    def _write(self, checked: Checked, engine: Engine) -> SourceReport:
        """Pass 2. Batches are scored ahead in `options.jobs` processes while this one writes
        them in file order, each in its transaction with its checkpoint."""
        from kontaktfilter.services.batch import score_batches

        planned, rows = checked.source, checked.rows
        report = SourceReport(planned.source.name, planned.kind, rows)
        report.skipped_mails = checked.skipped_mails
        report.unreadable_mails = checked.unreadable_mails
        run_id, resume = self.store.start_run(
            planned.source.name, planned.digest, planned.kind, rows
        )
        report.resumed_from = resume
        connected = self.store.connected_keys()
        started = time.perf_counter()
        items = checked.items if checked.items is not None else self.items(planned)
        waiting: deque[Prepared] = deque()

        def requests() -> Iterator[RequestRows]:
            for prepared in self._prepared(items, resume, run_id, connected):
                waiting.append(prepared)
                yield prepared.scored

        try:
            scored = score_batches(
                engine, requests(), verdict_rows, self.options.jobs, build_requests
            )
            with closing(scored):
                for verdicts in scored:
                    prepared = waiting.popleft()
                    report.added += write(self.store, run_id, prepared, verdicts)
                    if self.progress:
                        self.progress(planned.source.name, prepared.done, rows)
        except Exception as exc:
            self.store.fail_run(run_id, str(exc))
            raise
        self.store.finish_run(run_id)
        report.seconds = time.perf_counter() - started
        return report

    def _restore(self, path: Path) -> SourceReport:
        """A ZIP of `export-my-data`, restored whole into this (empty) user."""
        started = time.perf_counter()
        try:
            restored = import_user_data(self.store.engine, self.store.user, path)
        except UserDataError as exc:
            raise ImportFailure(path.name, message_of(exc)) from None
        rows = sum(restored.values())
        report = SourceReport(path.name, "kontaktfilter-user-data", rows, rows)
        report.seconds = time.perf_counter() - started
        return report

    def _adopt_profile(self, profile: Mapping[str, Any]) -> None:
        """Fill the user's own profile from the export where the user has not set it."""
        current = self.store.user_profile_data()
        merged = {**profile, **{k: v for k, v in current.items() if v}}
        if merged != current:
            self.store.set_user_profile(merged)
            self._user = self.store.user_profile()

    # the whole run ----------------------------------------------------------------------------

    def run(self, path: str | Path) -> list[SourceReport]:
        """Import a file, folder or archive. Each file imports whole or not at all: a bad file
        is skipped with its report's `failed` naming file, line and field, and the others
        import. Raises ImportFailure only when `path` itself cannot be read."""
        if is_user_export(Path(path)):
            return [self._restore(Path(path))]
        planned = plan_sources(Path(path))
        self.own = OwnIdentity(self.store.own_keys())
        self.own.add_name(str(self.store.user_profile_data().get("name", "")))
        reports: list[SourceReport] = []
        pending: list[Checked] = []
        notes: list[tuple] = []
        for source in planned:
            previous = self.store.find_run(source.source.name, source.digest)
            if previous is not None and previous.state == "done":
                reports.append(
                    SourceReport(
                        source.source.name,
                        source.kind,
                        previous.rows_total,
                        already_imported=True,
                    )
                )
                continue
            own_before, its_notes = set(self.own.keys), []
            try:
                pending.append(self._check(source, its_notes))
            except ImportFailure as exc:
                self.own.keys = own_before  # nothing of a skipped file counts
                reports.append(SourceReport(source.source.name, source.kind, failed=exc))
                continue
            notes += its_notes
        if not pending:
            return reports
        index = template_index(self.store, notes)
        engine = engine_with_index(self.engine, index)
        self._user = self.store.user_profile()
        # What is alive now (the parsed rows of the export, the index, the engine) lives until
        # the writing is done: frozen, the garbage collector's full collections no longer walk
        # it each time (they took a fifth of a 100k import's CPU), and the scoring processes
        # forked from here inherit that. Unfrozen after, so nothing is kept longer.
        gc.freeze()
        try:
            for checked in pending:
                reports.append(self._write(checked, engine))
        finally:
            gc.unfreeze()
        self.store.replace_templates(template_rows(index, engine.history.min_senders))
        return reports


__all__ = [
    "ImportFailure",
    "ImportOptions",
    "Importer",
    "SourceReport",
]
