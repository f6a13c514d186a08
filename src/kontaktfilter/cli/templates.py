"""Commands about templates and signals: `templates` (the same note from many senders in a
file), `fingerprints` (exchange hashes of known templates) and `signals` (every signal)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import chain, repeat
from pathlib import Path
from typing import TYPE_CHECKING

import click
import orjson

from kontaktfilter.cli.common import (
    Failure,
    language,
    paused_cycle_collector,
    read_request_records,
    read_template_file,
    reader,
    report_bad,
    t,
)
from kontaktfilter.cli.render import terminal_safe
from kontaktfilter.formats.records import (
    RecordError,
)
from kontaktfilter.model import FINGERPRINT_LABELS as LABELS

if TYPE_CHECKING:
    import numpy as np

    from kontaktfilter.bulk import TemplateIndex
    from kontaktfilter.formats.template_notes import Lines, NoteBatch
    from kontaktfilter.services.template_signing import SignedBatch

OUTPUT_CHUNK = 65_536


@click.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="One line per message: id and cluster.")
@click.option("--min-senders", type=int, help="Clusters need this many distinct senders.")
@click.option("--top", type=int, default=10, show_default=True, help="Clusters to print.")
@click.option("--save", type=click.Path(dir_okay=False), help="Save the index for --templates.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Processes that read and sign in parallel (default: every core this process may use).",
)
def templates(
    file: str,
    as_json: bool,
    min_senders: int | None,
    top: int,
    save: str | None,
    jobs: int | None,
) -> None:
    """Find the same note from many senders in FILE (JSONL/CSV/JSON with id, sender, text)."""
    from kontaktfilter.bulk import TemplateIndex, save_index
    from kontaktfilter.services.parallel import available_cores

    index = TemplateIndex()
    errors: list[RecordError] = []
    keep_notes = not as_json or save is not None
    with paused_cycle_collector():
        batches = _signed(file, index, keep_notes, jobs or available_cores(), errors)
        if not keep_notes:  # --json alone: ids and clusters, nothing else is kept
            ids, signatures = _gathered(batches)
            write_clusters(ids, index.labels_of(signatures))
            count = len(ids)
        else:
            _add_all(index, batches)
            count = len(index)
            if as_json:  # every message with its cluster; null when it has no near-duplicate
                write_clusters(index.ids, index.labels())
            else:
                settings = click.get_current_context().meta["settings"]
                _print_clusters(index, min_senders or settings["template_min_senders"], top)
    if save:
        save_index(index, save)
        click.echo(t("cli.templates.saved", path=save), err=True)
    report_bad(errors, count)


def _signed(
    file: str, index: TemplateIndex, keep_notes: bool, jobs: int, errors: list[RecordError]
) -> Iterator[SignedBatch]:
    """The signed batches of FILE in order; its bad records are said on stderr as they come
    and collected in `errors`."""
    from kontaktfilter.services.template_signing import signed_batches

    def said(error: RecordError) -> None:
        click.echo(t("cli.record_error", error=error), err=True)
        errors.append(error)

    def parts() -> Iterator[Lines | NoteBatch]:
        for item in read_template_file(file):
            if isinstance(item, RecordError):
                said(item)
            else:
                yield item

    for batch in signed_batches(parts(), index, keep_notes, jobs):
        for error in batch.errors:
            said(error)
        yield batch


def _gathered(batches: Iterable[SignedBatch]) -> tuple[list[str], np.ndarray]:
    """The ids and signature rows of all batches. The rows are copied into one array batch by
    batch, each batch let go once copied: the peak is the array and one batch, not twice the
    array as with a concatenation."""
    import numpy as np

    ids: list[str] = []
    rows: list[np.ndarray] = []
    for batch in batches:
        ids.extend(batch.ids)
        rows.append(batch.signatures)
    width = rows[0].shape[1] if rows else 0
    signatures = np.empty((len(ids), width), dtype=np.uint32)
    rows.reverse()
    start = 0
    while rows:
        part = rows.pop()
        signatures[start : start + len(part)] = part
        start += len(part)
    return ids, signatures


def _add_all(index: TemplateIndex, batches: Iterable[SignedBatch]) -> None:
    """Every note of the batches into the index; a note without a time is taken as sent now."""
    import numpy as np

    from kontaktfilter.bulk.index import epoch_seconds

    now = epoch_seconds(datetime.now(UTC).replace(tzinfo=None))
    for batch in batches:
        notes = batch.notes
        assert notes is not None, "the notes were not kept"
        seconds = np.where(notes.timed, notes.seconds, now)
        index.add_columns(notes.ids, notes.senders, notes.texts, seconds, batch.signatures)


def _print_clusters(index: TemplateIndex, needed: int, top: int) -> None:
    """The `top` biggest clusters with at least `needed` senders, for a reader."""
    clusters = [c for c in index.clusters(min_senders=1) if c.senders >= needed]
    found = t("cli.templates.found", n=len(clusters), senders=needed)
    click.echo(f"{t('cli.templates.messages', n=len(index))}, {found}")
    for cluster in clusters[:top]:
        senders = t("templates.senders", n=cluster.senders)
        messages = t("cli.templates.messages", n=len(cluster.members))
        click.echo(
            f"\n#{cluster.cluster_id}: {senders}, {messages}, "
            f"{cluster.first_seen:%Y-%m-%d} .. {cluster.last_seen:%Y-%m-%d}"
        )
        click.echo(terminal_safe(f"  {' '.join(cluster.example.split())[:160]}"))


def write_clusters(ids: Sequence[str], labels: np.ndarray) -> None:
    """One JSON line per message, in chunks: the label is the cluster's id (-1: none).
    click.echo writes bytes to the binary stdout as they are (get_binary_stream is deprecated
    since click 8.5)."""
    for start in range(0, len(ids), OUTPUT_CHUNK):
        stop = start + OUTPUT_CHUNK
        click.echo(json_lines(ids[start:stop], labels[start:stop].tolist()), nl=False)


def json_lines(ids: Sequence[str], labels: list[int]) -> bytes:
    """The lines of `write_clusters`, byte for byte what orjson gives each. When no id needs an
    escape (none holds a quote, a backslash or a control character: orjson's encoding of the
    list has no backslash), the lines are spliced as text in one join, else encoded one by one."""
    if b"\\" in orjson.dumps(ids):
        return b"".join(
            orjson.dumps({"id": msg_id, "cluster": None if label < 0 else label}) + b"\n"
            for msg_id, label in zip(ids, labels, strict=True)
        )
    pieces = zip(repeat('{"id":"'), ids, repeat('","cluster":'), map(str, labels), repeat("}\n"))
    # no id holds a line break here, so ':-1}\n' can only be an unclustered message's label
    return "".join(chain.from_iterable(pieces)).replace(":-1}\n", ":null}\n").encode()


@click.group()
def fingerprints() -> None:
    """Exchange fingerprints of known templates (hashes only, never message text)."""


@fingerprints.command("export")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--output", "-o", required=True, type=click.Path(dir_okay=False), help="Fingerprint file."
)
@click.option(
    "--min-senders",
    type=int,
    default=3,
    show_default=True,
    help="Distinct senders a cluster needs.",
)
@click.option(
    "--label",
    type=click.Choice(LABELS),
    default="unknown",
    show_default=True,
    help="Label for clusters (a message's own 'label' field wins with --each).",
)
@click.option("--each", is_flag=True, help="One fingerprint per message instead of per cluster.")
def export_fingerprints(file: str, output: str, min_senders: int, label: str, each: bool) -> None:
    """Write the fingerprints of the templates found in FILE."""
    from kontaktfilter.bulk import TemplateIndex
    from kontaktfilter.bulk.fingerprints import (
        LABELS,
        Fingerprint,
        fingerprint_of,
        write_fingerprints,
    )

    found: dict[tuple[int, ...], Fingerprint] = {}
    if each:
        for item in read_request_records(file, None):
            if isinstance(item, RecordError):
                raise Failure(item)
            own = item.label.value if item.label and item.label.value in LABELS else label
            day = (item.request.sent_at or datetime(1970, 1, 1)).date().isoformat()
            fingerprint = fingerprint_of(item.request.text, own, 1, day, day)
            if fingerprint.signature[0] != 0xFFFFFFFF:
                found.setdefault(fingerprint.signature, fingerprint)
    else:
        index = TemplateIndex()
        index.add_many(
            [
                (
                    str(r.request.id),
                    r.request.sender.id or r.request.sender.name or str(r.request.id),
                    r.request.text,
                    r.request.sent_at or datetime(1970, 1, 1),
                    (),
                )
                for r in read_request_records(file, None)
                if not isinstance(r, RecordError)
            ]
        )
        for cluster in index.clusters(min_senders=min_senders):
            fingerprint = fingerprint_of(
                cluster.example,
                label,
                cluster.senders,
                cluster.first_seen.date().isoformat(),
                cluster.last_seen.date().isoformat(),
            )
            found.setdefault(fingerprint.signature, fingerprint)
    write_fingerprints(output, found.values())
    click.echo(t("cli.fingerprints.wrote", n=len(found), path=output))


@fingerprints.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_fingerprints(file: str) -> None:
    """Add the fingerprints of FILE to your store; a bad file changes nothing."""
    from kontaktfilter.bulk.fingerprints import (
        FingerprintError,
        merge,
        read_fingerprints,
        write_fingerprints,
    )

    store = click.get_current_context().meta["settings"]["fingerprint_store"]
    try:
        incoming = read_fingerprints(file)
        stored = read_fingerprints(store) if Path(store).exists() else []
    except FingerprintError as exc:
        raise Failure(exc) from exc
    Path(store).parent.mkdir(parents=True, exist_ok=True)
    merged = merge(stored, incoming)
    write_fingerprints(store, merged)
    stored = t("cli.fingerprints.stored", n=len(merged), path=store)
    click.echo(f"{t('cli.fingerprints.imported', n=len(incoming))}; {stored}")


@click.command("signals")
@click.option(
    "--lang",
    type=click.Choice(["de", "en"]),
    help="Language of the explanations (default: the output's, see kontaktfilter --help).",
)
def list_signals(lang: str | None) -> None:
    """List every signal with its weight and group."""
    from kontaktfilter.signals import REGISTRY

    shown, say = lang or language(), reader()
    for name, signal in sorted(REGISTRY.items()):
        group = t(f"group.{signal.group}")
        weight = say.signed(signal.weight)
        click.echo(f"{weight:>5}  {group:<14} {name:<34} {signal.explain(shown)}")


COMMANDS = (templates, fingerprints, list_signals)
