"""What every command shares: the root command's settings, the engine built lazily on first use
(`kontaktfilter stats` never loads lexicons or models), the store, shared options (`--now`), the
progress bars and the texts in the reader's language (`t`)."""

from __future__ import annotations

import errno
import functools
import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO

import click

from kontaktfilter.bilingual import in_language
from kontaktfilter.config import DEFAULT_STORE_NAME, data_dir
from kontaktfilter.formats.records import Record, RecordError, detect_format, read_records
from kontaktfilter.i18n import Translator, translator
from kontaktfilter.i18n.choice import from_environment
from kontaktfilter.model import Profile

if TYPE_CHECKING:
    from kontaktfilter.engine import Engine
    from kontaktfilter.formats.template_notes import Lines, NoteBatch
    from kontaktfilter.scoring.learned_model import LearnedModel
    from kontaktfilter.store import Store


LANGUAGE_KEY = "kontaktfilter.lang"
"""Where the root command leaves the chosen language in click's context (shared by all)."""
DEFAULT_LANGUAGE = "en"


def language() -> str:
    """The language the root command chose (`--lang`, else the locale, else English); outside
    a command (a test calling a helper), the locale's."""
    ctx = click.get_current_context(silent=True)
    chosen = ctx.meta.get(LANGUAGE_KEY) if ctx is not None else None
    return chosen or from_environment(os.environ) or DEFAULT_LANGUAGE


def reader() -> Translator:
    """The translator in the reader's language, for the plural and number helpers."""
    return translator(language())


def said(message: str | BaseException) -> str:
    """An error or message of a lower layer (a file's bad line, a strategy, the store) in the
    reader's language: they are raised in both (kontaktfilter.bilingual)."""
    return in_language(message, language())


class Failure(click.ClickException):
    """A command's error, with click's "Error:" in the reader's language ("Fehler:"); a lower
    layer's error may be passed as it is and is said in that language too. The language is
    taken when the error is raised: click shows it after the command's context has closed."""

    def __init__(self, message: str | BaseException) -> None:
        super().__init__(said(message))
        self.lang = language()

    def show(self, file: IO[Any] | None = None) -> None:
        text = translator(self.lang)("cli.error", message=self.format_message())
        click.echo(text, file=file, err=file is None)


def confirm(question: str) -> None:
    """Asks before data is destroyed and stops (click.Abort) unless the answer is yes. click's
    own confirm shows [y/N] and knows only y and yes; a German reader is shown [j/N] and may
    answer j or ja (y and yes count in both languages). Any other answer is a no."""
    answer = click.prompt(
        f"{question} [{t('cli.confirm.choices')}]",
        default="",
        show_default=False,
        prompt_suffix=": ",
    )
    if answer.strip().lower() not in {"y", "yes", *t("cli.confirm.yes").split()}:
        raise click.Abort


SYSTEM_REASONS = {
    errno.ENOENT: "cli.os.not_found",
    errno.EACCES: "cli.os.denied",
    errno.EISDIR: "cli.os.is_directory",
    errno.ENOSPC: "cli.os.no_space",
}
"""The operating system's reasons a user meets most, in the reader's language: `strerror`
comes in the C library's language, English on most machines."""


def reason_of(exc: OSError) -> str:
    """Why a file could not be read or written, in the reader's language where it is one of
    the common reasons, else as the system says it."""
    key = SYSTEM_REASONS.get(exc.errno or 0)
    return t(key) if key else str(exc.strerror or exc)


def t(key: str, **values: object) -> str:
    """A text of the command line (i18n cli.yaml, or a shared key such as `action.accept`) in
    the reader's language, with numbers and plurals their way."""
    return reader()(key, **values)


@dataclass
class Invocation:
    """The root command's reading of the settings; the engine is built when a command first
    asks for it, with the same errors as a clear message."""

    settings: dict[str, Any]
    templates_path: str | None = None
    _engine: Engine | None = field(default=None, repr=False)

    def engine(self) -> Engine:
        from kontaktfilter.bulk import IndexFileError
        from kontaktfilter.bulk.fingerprints import FingerprintError
        from kontaktfilter.engine import ConfigurationError
        from kontaktfilter.services.runtime import build_engine
        from kontaktfilter.strategy import StrategyError

        if self._engine is None:
            try:
                self._engine, warning = build_engine(self.settings, self.templates_path)
            except (ConfigurationError, IndexFileError, FingerprintError, StrategyError) as exc:
                raise Failure(exc) from exc
            if warning:
                click.echo(t("cli.warning", text=warning), err=True)
        return self._engine


def invocation(ctx: click.Context) -> Invocation:
    return ctx.find_root().obj


def engine_of(ctx: click.Context) -> Engine:
    """The settings' engine, built now if no command asked for it before."""
    return invocation(ctx).engine()


def pass_engine(command: Callable[..., Any]) -> Callable[..., Any]:
    """Passes the engine as the command's first argument (built lazily, see Invocation)."""

    @click.pass_context
    @functools.wraps(command)
    def with_engine(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return ctx.invoke(command, engine_of(ctx), *args, **kwargs)

    return with_engine


def store_from(ctx: click.Context) -> Store:
    """The store the command line or settings name, opened and migrated."""
    from kontaktfilter.store import StoreError, open_store

    try:
        return open_store(invocation(ctx).settings["db"] or None)
    except StoreError as exc:
        raise Failure(exc) from exc


def with_user_model(engine: Engine, store: Store) -> Engine:
    """The engine with the user's learned model, when they have one that can be read."""
    from kontaktfilter.learning.user_model import load as load_user_model

    return _with_learned(engine, *load_user_model(store))


def _with_learned(engine: Engine, model: LearnedModel | None, warning: str | None) -> Engine:
    if warning:
        click.echo(t("cli.warning", text=warning), err=True)
    return engine.with_learner(model)


def engine_with_stored_model(ctx: click.Context) -> Engine:
    """For commands that need no store (`check`): the user's learned model when their store
    already exists, so the verdict explains what the model learned; never creates a store,
    and a store that cannot be opened (a server down) only costs the learned signal. A SQLite
    store at the newest schema is only read, without loading SQLAlchemy (store.readonly)."""
    settings = invocation(ctx).settings
    if not settings["db"] and not (data_dir() / DEFAULT_STORE_NAME).exists():
        return engine_of(ctx)  # and the store's modules are never loaded
    from kontaktfilter.learning.user_model import model_of
    from kontaktfilter.services.runtime import LOCAL_USER
    from kontaktfilter.store.readonly import NotReadable, learned_model_blob, sqlite_file

    database = sqlite_file(settings["db"]) if settings["db"] else data_dir() / DEFAULT_STORE_NAME
    if database is not None:
        try:
            blob = learned_model_blob(database, LOCAL_USER)
        except NotReadable:
            pass  # opened the full way below, and migrated if it is older
        else:
            return _with_learned(engine_of(ctx), *model_of(blob, LOCAL_USER))
    from kontaktfilter.store import StoreError, open_store

    try:
        store = open_store(settings["db"] or None)
    except StoreError as exc:  # checking a text must not depend on a database server
        click.echo(t("cli.warning_no_store", text=exc), err=True)
        return engine_of(ctx)
    return with_user_model(engine_of(ctx), store)


def clock(value: str | None) -> datetime:
    """A fixed clock from --now (ISO), else the wall clock; naive UTC as the store keeps time."""
    from kontaktfilter.store.repository import as_utc_naive, utcnow

    if value is None:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(t("cli.not_iso", value=repr(value)), param_hint="--now") from exc
    return as_utc_naive(moment)


now_option = click.option("--now", "now_text", help="Act as if it were this ISO date-time.")


class ProgressBars:
    """One progress bar per imported file, on stderr so that stdout stays clean."""

    def __init__(self) -> None:
        self.bars: dict[str, Any] = {}
        self.shown: dict[str, int] = {}

    def __call__(self, name: str, done: int, total: int) -> None:
        bar = self.bars.get(name)
        if bar is None:
            bar = click.progressbar(length=max(total, 1), label=name, file=sys.stderr)
            bar.__enter__()
            self.bars[name], self.shown[name] = bar, 0
        bar.update(done - self.shown[name])
        self.shown[name] = done
        if done >= total:
            bar.__exit__(None, None, None)

    def close(self) -> None:
        for name, bar in self.bars.items():
            if self.shown[name] < bar.length:
                bar.__exit__(None, None, None)


class CountingReader:
    """Wraps a binary stream and counts the bytes consumed, to drive a progress bar."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.consumed = stream, 0

    def __iter__(self) -> Iterator[bytes]:
        for line in self.stream:
            self.consumed += len(line)
            yield line

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.consumed += len(data)
        return data

    def readlines(self, hint: int = -1) -> list[bytes]:
        lines = self.stream.readlines(hint)
        self.consumed += sum(map(len, lines))
        return lines


def _read_with_progress(path: str, read: Callable[[BinaryIO], Iterator[Any]]) -> Iterator[Any]:
    """What `read` takes from the file at `path`, with a progress bar on stderr by the bytes
    read so far. A file that cannot be opened is the command's error, in the reader's words."""
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed below, streamed lazily
    except OSError as exc:
        raise Failure(f"{path}: {reason_of(exc)}") from exc
    with stream:
        counter = CountingReader(stream)
        with click.progressbar(
            length=Path(path).stat().st_size, label=Path(path).name, file=sys.stderr
        ) as bar:
            seen = 0
            for item in read(counter):  # type: ignore[arg-type]
                bar.update(counter.consumed - seen)
                seen = counter.consumed
                yield item
            bar.update(counter.consumed - seen)


def read_request_records(path: str, recipient: Profile | None) -> Iterator[Record | RecordError]:
    """Records of a file with a progress bar on stderr; '-' reads JSONL from stdin."""
    if path == "-":
        yield from read_records(sys.stdin.buffer, "stdin", "jsonl", recipient)
        return
    kind = detect_format(path)
    yield from _read_with_progress(path, lambda stream: read_records(stream, path, kind, recipient))


@contextmanager
def paused_cycle_collector() -> Iterator[None]:
    """Python's cycle collector off while a bulk command builds millions of objects: it would
    walk all of them again and again (a third of the time spent decoding a million JSON lines)
    and find nothing, since those objects hold no cycles. Back on afterwards."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def read_template_file(path: str) -> Iterator[Lines | NoteBatch | RecordError]:
    """The notes `templates` clusters, in parts, with a progress bar on stderr; '-' reads JSONL
    from stdin. JSONL comes as chunks of lines still to read (template_signing reads them,
    in parallel when asked), CSV and JSON as batches of notes read by the full reader."""
    from kontaktfilter.formats.template_notes import batch_of, line_chunks, note_of

    if path == "-":
        yield from line_chunks(sys.stdin.buffer, "stdin")
        return
    if detect_format(path) == "jsonl":
        yield from _read_with_progress(path, lambda stream: line_chunks(stream, path))
        return
    notes = []
    for item in read_request_records(path, None):
        if isinstance(item, RecordError):
            yield item
            continue
        notes.append(note_of(item))
        if len(notes) == NOTES_PER_BATCH:
            yield batch_of(notes)
            notes = []
    yield batch_of(notes)


NOTES_PER_BATCH = 20_000
"""Notes of a CSV or JSON file handed on at once (JSONL's are cut by size as they are read)."""


def report_bad(errors: list[RecordError], scored: int) -> None:
    scored_text = t("cli.scored", n=scored)
    click.echo(
        t("cli.scored_skipped", scored=scored_text, skipped=t("cli.skipped", n=len(errors))),
        err=True,
    )
    if errors:
        sys.exit(1)
