"""The `kontaktfilter` command: check one note, score files, lint your own request, evaluate."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import IO, Any, BinaryIO

import click

from kontaktfilter.bulk import IndexFileError, TemplateIndex
from kontaktfilter.bulk.fingerprints import (
    LABELS,
    Fingerprint,
    FingerprintError,
    fingerprint_of,
    merge,
    read_fingerprints,
    write_fingerprints,
)
from kontaktfilter.cli.eval import COMMANDS as EVAL_COMMANDS
from kontaktfilter.cli.inbox import COMMANDS as INBOX_COMMANDS
from kontaktfilter.cli.learn import COMMANDS as LEARN_COMMANDS
from kontaktfilter.cli.render import render_verdict, terminal_safe
from kontaktfilter.cli.store import COMMANDS, engine_with_stored_model
from kontaktfilter.cli.strategy import strategy_group
from kontaktfilter.cli.web import COMMANDS as WEB_COMMANDS
from kontaktfilter.config import SettingsError, load_settings
from kontaktfilter.engine import ConfigurationError, Engine
from kontaktfilter.formats.records import (
    Record,
    RecordError,
    detect_format,
    read_profile_file,
    read_records,
)
from kontaktfilter.formats.verdicts import verdict_to_dict
from kontaktfilter.model import ACTION_PRIORITY, PLATFORMS, Action, Profile, Request
from kontaktfilter.services.lint import lint_request
from kontaktfilter.services.runtime import build_engine
from kontaktfilter.signals import REGISTRY
from kontaktfilter.strategy import StrategyError

TEMPLATE_BATCH = 20_000


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


@click.group()
@click.option("--config", type=click.Path(dir_okay=False), help="YAML settings file.")
@click.option("--policy-url", help="Link used in decline_with_link drafts.")
@click.option(
    "--templates",
    "templates_path",
    type=click.Path(dir_okay=False),
    help="Template index (from `templates --save`) used by TPL_BULK_TEMPLATE.",
)
@click.option(
    "--db",
    metavar="URL",
    help="Store: sqlite:///file.db or postgresql://user@host/db (default: KONTAKTFILTER_DB, "
    "else SQLite in ~/.local/share/kontaktfilter).",
)
@click.pass_context
def main(
    ctx: click.Context,
    config: str | None,
    policy_url: str | None,
    templates_path: str | None,
    db: str | None,
) -> None:
    """kontaktfilter screens contact requests: collectors and sales spam out, real contacts in."""
    try:
        settings = load_settings(config, overrides={"policy_url": policy_url, "db": db})
        engine, warning = build_engine(settings, templates_path)
        if warning:
            click.echo(f"warning: {warning}", err=True)
        ctx.meta["settings"] = settings
        ctx.obj = engine
    except (
        SettingsError,
        ConfigurationError,
        IndexFileError,
        FingerprintError,
        StrategyError,
    ) as exc:
        raise click.ClickException(str(exc)) from exc


def _profile(path: str | None) -> Profile:
    if path is None:
        return Profile()
    try:
        return read_profile_file(path)
    except RecordError as exc:
        raise click.ClickException(str(exc)) from exc


def _read_text(text: str) -> str:
    if text != "-":
        return text
    raw = sys.stdin.buffer.read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"stdin: invalid UTF-8 at byte {exc.start}") from exc


@main.command()
@click.argument("text")
@click.option(
    "--recipient", type=click.Path(exists=True, dir_okay=False), help="Your profile (JSON)."
)
@click.option(
    "--sender", type=click.Path(exists=True, dir_okay=False), help="Sender profile (JSON)."
)
@click.option("--platform", type=click.Choice(PLATFORMS), default="other", show_default=True)
@click.option("--lang", type=click.Choice(["de", "en"]), help="Language (detected when absent).")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@click.pass_context
def check(
    ctx: click.Context,
    text: str,
    recipient: str | None,
    sender: str | None,
    platform: str,
    lang: str | None,
    as_json: bool,
) -> None:
    """Score one note (TEXT, or - to read it from stdin) and explain the verdict."""
    note = _read_text(text)
    request = Request(
        text=note,
        lang=lang,
        platform=platform,
        sender=_profile(sender),
        recipient=_profile(recipient),
    )
    verdict = engine_with_stored_model(ctx).score(request)
    if as_json:
        click.echo(json.dumps(verdict_to_dict(verdict), ensure_ascii=False))
    else:
        click.echo(render_verdict(note, verdict, colour=sys.stdout.isatty()))


def _records(path: str, recipient: Profile | None) -> Iterator[Record | RecordError]:
    """Records of a file with a progress bar on stderr; '-' reads JSONL from stdin."""
    if path == "-":
        yield from read_records(sys.stdin.buffer, "stdin", "jsonl", recipient)
        return
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed below, streamed lazily
    except OSError as exc:
        raise click.ClickException(f"{path}: {exc.strerror}") from exc
    with stream:
        size = Path(path).stat().st_size
        counter = CountingReader(stream)
        with click.progressbar(length=size, label=Path(path).name, file=sys.stderr) as bar:
            seen = 0
            for item in read_records(counter, path, detect_format(path), recipient):  # type: ignore[arg-type]
                bar.update(counter.consumed - seen)
                seen = counter.consumed
                yield item


def _report_bad(errors: list[RecordError], scored: int) -> None:
    click.echo(f"scored {scored} request(s); skipped {len(errors)} bad record(s)", err=True)
    if errors:
        sys.exit(1)


@main.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option(
    "--recipient", type=click.Path(exists=True, dir_okay=False), help="Default recipient profile."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON verdict per line.")
@click.option(
    "--output", "-o", type=click.File("w", encoding="utf-8"), default="-", help="Write here."
)
@click.pass_obj
def score(engine: Engine, file: str, recipient: str | None, as_json: bool, output: IO[str]) -> None:
    """Score every request of a CSV, JSON or JSONL FILE, streaming."""
    errors: list[RecordError] = []
    scored = 0
    for item in _records(file, _profile(recipient) if recipient else None):
        if isinstance(item, RecordError):
            click.echo(f"error: {item}", err=True)
            errors.append(item)
            continue
        verdict = engine.score(item.request)
        scored += 1
        if as_json:
            output.write(json.dumps(verdict_to_dict(verdict), ensure_ascii=False) + "\n")
        else:
            names = ",".join(verdict.signal_names[:3])
            output.write(
                f"{verdict.request_id}\t{verdict.category.value}\t{verdict.action.value}\t"
                f"{verdict.score:+.1f}\t{names}\n"
            )
    output.flush()
    _report_bad(errors, scored)


@main.command()
@click.argument("text")
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Profile (JSON) of the person you write to.",
)
@click.option("--platform", type=click.Choice(PLATFORMS), default="other", show_default=True)
@click.pass_obj
def lint(engine: Engine, text: str, to: str, platform: str) -> None:
    """Check your own outgoing request TEXT before you send it."""
    note = _read_text(text)
    verdict, findings = lint_request(engine, note, _profile(to), platform)
    click.echo(
        f"the recipient's filter would say: {verdict.category.value} ({verdict.action.value})"
    )
    for finding in findings:
        click.echo(terminal_safe(f"  {finding.severity:<4} {finding.message}"))
    if not findings:
        click.echo("  ok: personal, concrete and free of stock phrases")
    if any(f.severity == "fix" for f in findings):
        sys.exit(1)


def _sample_paths() -> tuple[Any, Any]:
    data = resources.files("kontaktfilter") / "data"
    return data / "sample_inbox.jsonl", data / "sample_recipient.json"


@main.command()
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--recipient", type=click.Path(exists=True, dir_okay=False), help="Your profile (JSON)."
)
@click.pass_obj
def triage(engine: Engine, file: str | None, recipient: str | None) -> None:
    """Print an inbox triaged by action; without FILE, the shipped sample inbox."""
    inbox, sample_recipient = _sample_paths()
    path = file or str(inbox)
    profile = _profile(recipient or (None if file else str(sample_recipient)))
    verdicts: dict[Action, list[tuple[Request, Any]]] = {action: [] for action in ACTION_PRIORITY}
    errors: list[RecordError] = []
    for item in _records(path, profile):
        if isinstance(item, RecordError):
            click.echo(f"error: {item}", err=True)
            errors.append(item)
            continue
        verdict = engine.score(item.request)
        verdicts[verdict.action].append((item.request, verdict))
    colour = sys.stdout.isatty()
    for action in ACTION_PRIORITY:
        if not verdicts[action]:
            continue
        click.echo(
            click.style(f"\n{action.value} ({len(verdicts[action])})", bold=True)
            if colour
            else f"\n{action.value} ({len(verdicts[action])})"
        )
        for request, verdict in verdicts[action]:
            who = request.sender.name or "?"
            evidence = next((f"“{s.text}”" for h in verdict.hits for s in h.spans), "")
            reason = verdict.hits[0].name if verdict.hits else "no signal"
            line = f"  {request.id:<8} {verdict.category.value:<12} {who[:22]:<22} {reason:<28}"
            click.echo(terminal_safe(f"{line} {evidence[:60]}"))
    _report_bad(errors, sum(len(v) for v in verdicts.values()))


@main.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="One line per message: id and cluster.")
@click.option("--min-senders", type=int, help="Clusters need this many distinct senders.")
@click.option("--top", type=int, default=10, show_default=True, help="Clusters to print.")
@click.option("--save", type=click.Path(dir_okay=False), help="Save the index for --templates.")
def templates(
    file: str, as_json: bool, min_senders: int | None, top: int, save: str | None
) -> None:
    """Find the same note from many senders in FILE (JSONL/CSV/JSON with id, sender, text)."""
    settings = click.get_current_context().meta["settings"]
    needed = min_senders or settings["template_min_senders"]
    index = TemplateIndex()
    errors: list[RecordError] = []
    batch: list[tuple] = []
    now = datetime.now(UTC).replace(tzinfo=None)
    for item in _records(file, None):
        if isinstance(item, RecordError):
            click.echo(f"error: {item}", err=True)
            errors.append(item)
            continue
        request = item.request
        sender = request.sender.id or request.sender.name or f"unknown:{request.id}"
        names = [n for n in (request.sender.name, request.recipient.name) if n]
        batch.append((str(request.id), sender, request.text, request.sent_at or now, names))
        if len(batch) >= TEMPLATE_BATCH:
            index.add_many(batch)
            batch = []
    index.add_many(batch)
    every = index.clusters(min_senders=1)
    clusters = [c for c in every if c.senders >= needed]
    if as_json:  # every message with its cluster; null only when it has no near-duplicate
        cluster_of = {m: c.cluster_id for c in every for m in c.members}
        for msg_id in index.ids:
            click.echo(json.dumps({"id": msg_id, "cluster": cluster_of.get(msg_id)}))
    else:
        click.echo(f"{len(index)} messages, {len(clusters)} template(s) from >= {needed} senders")
        for cluster in clusters[:top]:
            click.echo(
                f"\n#{cluster.cluster_id}: {cluster.senders} senders, {len(cluster.members)} "
                f"messages, {cluster.first_seen:%Y-%m-%d} .. {cluster.last_seen:%Y-%m-%d}"
            )
            click.echo(terminal_safe(f"  {' '.join(cluster.example.split())[:160]}"))
    if save:
        index.save(save)
        click.echo(f"saved the index to {save}", err=True)
    _report_bad(errors, len(index))


@main.group()
def fingerprints() -> None:
    """Exchange fingerprints of known templates (hashes only, never message text)."""


@fingerprints.command("export")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False))
@click.option("--min-senders", type=int, default=3, show_default=True)
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
    found: dict[tuple[int, ...], Fingerprint] = {}
    if each:
        for item in _records(file, None):
            if isinstance(item, RecordError):
                raise click.ClickException(str(item))
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
                for r in _records(file, None)
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
    click.echo(f"wrote {len(found)} fingerprint(s) to {output}")


@fingerprints.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_fingerprints(file: str) -> None:
    """Add the fingerprints of FILE to your store; a bad file changes nothing."""
    store = click.get_current_context().meta["settings"]["fingerprint_store"]
    try:
        incoming = read_fingerprints(file)
        stored = read_fingerprints(store) if Path(store).exists() else []
    except FingerprintError as exc:
        raise click.ClickException(str(exc)) from exc
    Path(store).parent.mkdir(parents=True, exist_ok=True)
    merged = merge(stored, incoming)
    write_fingerprints(store, merged)
    click.echo(f"imported {len(incoming)} fingerprint(s); {len(merged)} in {store}")


@main.command("signals")
@click.option("--lang", type=click.Choice(["de", "en"]), default="en", show_default=True)
def list_signals(lang: str) -> None:
    """List every signal with its weight and group."""
    for name, signal in sorted(REGISTRY.items()):
        click.echo(f"{signal.weight:+5.1f}  {signal.group:<10} {name:<34} {signal.explain(lang)}")


for _command in (
    *COMMANDS,
    *EVAL_COMMANDS,
    *INBOX_COMMANDS,
    *WEB_COMMANDS,
    *LEARN_COMMANDS,
    strategy_group,
):
    main.add_command(_command)


if __name__ == "__main__":
    main()
