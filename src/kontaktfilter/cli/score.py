"""Commands that score notes without a store: `check` (one note, explained), `score` (a file of
requests), `lint` (your own request before you send it) and `triage` (an inbox by action)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from importlib import resources
from typing import IO, TYPE_CHECKING, Any

import click

from kontaktfilter.cli.common import (
    Failure,
    engine_with_stored_model,
    pass_engine,
    read_request_records,
    report_bad,
    said,
    t,
)
from kontaktfilter.cli.render import render_verdict, terminal_safe
from kontaktfilter.formats.records import (
    RecordError,
    read_profile_file,
)
from kontaktfilter.formats.verdicts import verdict_json_line, verdict_to_dict
from kontaktfilter.model import ACTION_PRIORITY, PLATFORMS, Action, Profile, Request, Verdict

if TYPE_CHECKING:
    from kontaktfilter.engine import Engine


PLATFORM_OPTION = click.option(
    "--platform",
    type=click.Choice(PLATFORMS),
    default="other",
    show_default=True,
    help="The network of the request (LinkedIn and XING do not always let a sender write a note).",
)


def _profile(path: str | None) -> Profile:
    if path is None:
        return Profile()
    try:
        return read_profile_file(path)
    except RecordError as exc:
        raise Failure(exc) from exc


def _read_text(text: str) -> str:
    if text != "-":
        return text
    raw = sys.stdin.buffer.read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Failure(t("cli.stdin_utf8", byte=str(exc.start))) from exc


@click.command()
@click.argument("text")
@click.option(
    "--recipient", type=click.Path(exists=True, dir_okay=False), help="Your profile (JSON)."
)
@click.option(
    "--sender", type=click.Path(exists=True, dir_okay=False), help="Sender profile (JSON)."
)
@PLATFORM_OPTION
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


def _json_lines(_: list[Request], verdicts: list[Verdict]) -> bytes:
    return b"".join(map(verdict_json_line, verdicts))


def _table_lines(_: list[Request], verdicts: list[Verdict]) -> bytes:
    return "".join(
        f"{v.request_id}\t{v.category.value}\t{v.action.value}\t{v.score:+.1f}\t"
        f"{','.join(v.signal_names[:3])}\n"
        for v in verdicts
    ).encode("utf-8")


@click.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option(
    "--recipient", type=click.Path(exists=True, dir_okay=False), help="Default recipient profile."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON verdict per line.")
@click.option("--output", "-o", type=click.File("wb"), default="-", help="Write here.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Processes that score in parallel (default: every core this process may use).",
)
@pass_engine
def score(
    engine: Engine,
    file: str,
    recipient: str | None,
    as_json: bool,
    output: IO[bytes],
    jobs: int | None,
) -> None:
    """Score every request of a CSV, JSON or JSONL FILE, streaming, in input order."""
    from kontaktfilter.services.batch import batches, score_batches
    from kontaktfilter.services.parallel import available_cores

    errors: list[RecordError] = []
    scored = 0

    def requests() -> Iterator[Request]:
        nonlocal scored
        for item in read_request_records(file, _profile(recipient) if recipient else None):
            if isinstance(item, RecordError):
                click.echo(t("cli.record_error", error=item), err=True)
                errors.append(item)
                continue
            scored += 1
            yield item.request

    render = _json_lines if as_json else _table_lines
    for lines in score_batches(engine, batches(requests()), render, jobs or available_cores()):
        output.write(lines)
    output.flush()
    report_bad(errors, scored)


@click.command()
@click.argument("text")
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Profile (JSON) of the person you write to.",
)
@PLATFORM_OPTION
@pass_engine
def lint(engine: Engine, text: str, to: str, platform: str) -> None:
    """Check your own outgoing request TEXT before you send it."""
    from kontaktfilter.services.lint import lint_request

    note = _read_text(text)
    verdict, findings = lint_request(engine, note, _profile(to), platform)
    category, action = t(f"category.{verdict.category.value}"), t(f"action.{verdict.action.value}")
    click.echo(t("cli.lint.verdict", category=category, action=action))
    width = max(len(t("cli.lint.fix")), len(t("cli.lint.hint")))
    for finding in findings:
        severity = t(f"cli.lint.{finding.severity}")
        click.echo(terminal_safe(f"  {severity:<{width}} {said(finding.message)}"))
    if not findings:
        click.echo("  " + t("cli.lint.clean"))
    if any(f.severity == "fix" for f in findings):
        sys.exit(1)


def _sample_paths() -> tuple[Any, Any]:
    data = resources.files("kontaktfilter") / "data"
    return data / "sample_inbox.jsonl", data / "sample_recipient.json"


@click.command()
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--recipient", type=click.Path(exists=True, dir_okay=False), help="Your profile (JSON)."
)
@pass_engine
def triage(engine: Engine, file: str | None, recipient: str | None) -> None:
    """Print an inbox triaged by action; without FILE, the shipped sample inbox."""
    inbox, sample_recipient = _sample_paths()
    path = file or str(inbox)
    profile = _profile(recipient or (None if file else str(sample_recipient)))
    verdicts: dict[Action, list[tuple[Request, Any]]] = {action: [] for action in ACTION_PRIORITY}
    errors: list[RecordError] = []
    for item in read_request_records(path, profile):
        if isinstance(item, RecordError):
            click.echo(t("cli.record_error", error=item), err=True)
            errors.append(item)
            continue
        verdict = engine.score(item.request)
        verdicts[verdict.action].append((item.request, verdict))
    colour = sys.stdout.isatty()
    for action in ACTION_PRIORITY:
        if not verdicts[action]:
            continue
        title = f"\n{t(f'action.{action.value}')} ({len(verdicts[action])})"
        click.echo(click.style(title, bold=True) if colour else title)
        for request, verdict in verdicts[action]:
            who = request.sender.name or "?"
            evidence = next((f"“{s.text}”" for h in verdict.hits for s in h.spans), "")
            reason = verdict.hits[0].name if verdict.hits else t("cli.triage.no_signal")
            category = t(f"category.{verdict.category.value}")
            line = f"  {request.id:<8} {category:<16} {who[:22]:<22} {reason:<28}"
            click.echo(terminal_safe(f"{line} {evidence[:60]}"))
    report_bad(errors, sum(len(v) for v in verdicts.values()))


COMMANDS = (check, score, lint, triage)
