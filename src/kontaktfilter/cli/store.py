"""Commands that work on the store: `import`, `stats`, `rescore`, `export-my-data`,
`delete-my-data`.

The store is chosen by `--db URL`, `KONTAKTFILTER_DB` or the `db` setting; by default it is a
SQLite file in the data folder. It is opened only by the commands that need it.
"""

from __future__ import annotations

import codecs
import json
import sys
import time
from pathlib import Path

import click

from kontaktfilter.cli.common import (
    Failure,
    ProgressBars,
    confirm,
    engine_of,
    reader,
    reason_of,
    said,
    store_from,
    t,
    with_user_model,
)
from kontaktfilter.config import AUTO_ENCODING as AUTO


def _encoding(value: str) -> str:
    """The codec's canonical name; an unknown one is a usage error, not a crash mid-import."""
    from kontaktfilter.config import AUTO_ENCODING as AUTO

    if value == AUTO:
        return value
    try:
        return codecs.lookup(value).name
    except LookupError:
        raise click.BadParameter(
            t("cli.import.unknown_encoding", value=repr(value)), param_hint="--encoding"
        ) from None


def _mapping(values: tuple[str, ...]) -> dict[str, str]:
    columns = {}
    for value in values:
        field, sep, column = value.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise click.BadParameter(t("cli.import.bad_map", value=repr(value)), param_hint="--map")
        columns[field.strip()] = column.strip()
    return columns


@click.command("import")
@click.argument("path", type=click.Path(exists=True))
@click.option(
    "--encoding",
    default=AUTO,
    show_default=True,
    callback=lambda _ctx, _param, value: _encoding(value),
    help="Text encoding of CSV files, e.g. cp1252; auto: UTF-8, else cp1252.",
)
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="For a generic CSV: which column holds a field, e.g. --map text=Nachricht.",
)
@click.option(
    "--recipient",
    type=click.Path(exists=True, dir_okay=False),
    help="Your own profile (JSON); kept in the store and used for scoring.",
)
@click.option(
    "--batch",
    default=1000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows per committed batch.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Processes that score in parallel (default: every core this process may use).",
)
@click.pass_context
def import_path(
    ctx: click.Context,
    path: str,
    encoding: str,
    mappings: tuple[str, ...],
    recipient: str | None,
    batch: int,
    jobs: int | None,
) -> None:
    """Import a LinkedIn export (ZIP or folder), CSV/JSON/JSONL requests or .eml/mbox mails.

    Every file is checked completely before anything is written; a bad file is skipped whole,
    the error names its line and field, and the other files of an export are imported (the
    exit status is then 1). Importing again adds nothing new; an import that was interrupted
    continues where it stopped."""
    from kontaktfilter.imports.runner import Importer, ImportFailure, ImportOptions
    from kontaktfilter.services.parallel import available_cores

    store = store_from(ctx)
    engine = with_user_model(engine_of(ctx), store)
    if recipient:
        try:  # bad JSON, encoding or profile field: a ValueError that names what is wrong
            store.set_user_profile(json.loads(Path(recipient).read_text("utf-8")))
        except ValueError as exc:
            raise Failure(f"{recipient}: {said(exc)}") from exc
    bars = ProgressBars()
    importer = Importer(
        store,
        engine,
        ImportOptions(encoding, _mapping(mappings), batch, jobs or available_cores()),
        bars,
    )
    started = time.perf_counter()
    try:
        reports = importer.run(path)
    except ImportFailure as exc:
        raise Failure(f"{said(exc)}\n{t('cli.import.nothing_stored')}") from exc
    finally:
        bars.close()
    failed = [report for report in reports if report.failed]
    say = reader()
    for report in reports:
        if report.failed:
            continue
        if report.already_imported:
            click.echo(f"{report.source}: {t('import.already', n=report.rows)}")
            continue
        rate = report.rows / report.seconds if report.seconds else 0.0
        parts = [t("cli.import.rows", n=report.rows), t("cli.import.new", n=report.added)]
        if report.resumed_from:
            parts.append(t("cli.import.resumed", row=report.resumed_from))
        if report.skipped_mails:
            parts.append(t("cli.import.skipped_mails", n=report.skipped_mails))
        if report.unreadable_mails:
            places = ", ".join(report.unreadable_mails[:5])
            count = len(report.unreadable_mails)
            parts.append(t("cli.import.unreadable_mails", n=count, places=places))
        speed = t("cli.import.speed", seconds=say.number(report.seconds, 1), rate=round(rate))
        click.echo(f"{report.source}: {', '.join(parts)} ({speed})")
    click.echo(t("cli.import.done", seconds=say.number(time.perf_counter() - started, 1)))
    if failed:
        stored = t("cli.import.nothing_stored")
        raise Failure(
            "\n".join(f"{said(r.failed)}\n{stored}" for r in failed)
            + (
                "\n" + t("cli.import.others_imported", n=len(reports) - len(failed))
                if len(reports) > len(failed)
                else ""
            )
        )


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts per table, per category and per request status."""
    counts = store_from(ctx).stats()
    if as_json:
        click.echo(json.dumps(counts, indent=2))
        return
    say = reader()
    names = {
        "tables": "cli.stats.table.",
        "categories": "category.",
        "statuses": "cli.stats.status.",
    }
    for section, prefix in names.items():
        click.echo(t(f"cli.stats.{section}"))
        for name, value in counts[section].items():
            click.echo(f"  {t(prefix + name):<16} {say.number(value):>8}")
    click.echo(t("cli.stats.known", n=counts["known_contacts"]))
    people = counts["people"]
    click.echo(
        t(
            "cli.stats.people",
            by_url=people["by_url"],
            by_name=people["by_name"],
            apart=people["apart"],
        )
    )


@click.command()
@click.option(
    "--batch",
    default=2000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Requests per transaction.",
)
@click.pass_context
def rescore(ctx: click.Context, batch: int) -> None:
    """Recompute every verdict with today's weights, lexicons and contacts; decisions stay."""
    from kontaktfilter.imports.store_templates import (
        engine_with_index,
        template_index,
        template_rows,
    )
    from kontaktfilter.store.repository import utcnow, verdict_row

    store = store_from(ctx)
    engine = engine_with_index(with_user_model(engine_of(ctx), store), template_index(store))
    total = store.stats()["tables"]["requests"]
    changed = done = 0
    before = store.categories_by_request()
    now = utcnow()
    with click.progressbar(
        length=max(total, 1), label=t("cli.rescore.progress"), file=sys.stderr
    ) as bar:
        for chunk in store.stored_requests(batch):
            verdicts = engine.score_many(req for _, req in chunk)
            rows = [
                verdict_row(request_id, verdict, now)
                for (request_id, _), verdict in zip(chunk, verdicts, strict=True)
            ]
            changed += sum(1 for row in rows if before.get(row["request_id"]) != row["category"])
            with store.engine.begin() as conn:
                store.write_verdicts(conn, rows)
            done += len(rows)
            bar.update(len(rows))
    store.replace_templates(template_rows(engine.history.templates, engine.history.min_senders))
    click.echo(t("cli.rescore.done", rescored=t("cli.rescore.requests", n=done), changed=changed))


@click.command("export-my-data")
@click.argument("target", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.pass_context
def export_my_data(ctx: click.Context, target: Path) -> None:
    """Write all of your data in the store to TARGET (a ZIP of JSON Lines, one file a table)."""
    from kontaktfilter.store.privacy import export_user_data
    from kontaktfilter.store.repository import utcnow

    store = store_from(ctx)
    blob = export_user_data(store.engine, store.user, utcnow())
    try:
        target.write_bytes(blob)
    except OSError as exc:
        raise Failure(f"{target}: {reason_of(exc)}") from exc
    click.echo(t("cli.wrote_kib", target=str(target), kib=len(blob) // 1024))


@click.command("delete-my-data")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def delete_my_data(ctx: click.Context, yes: bool) -> None:
    """Delete all of your data: requests, verdicts, decisions, follow-ups, messages, templates,
    imports, your learned model and profile, and your installed strategy."""
    from kontaktfilter.services.runtime import LOCAL_USER, forget_strategy
    from kontaktfilter.store.privacy import delete_user_data

    if not yes:
        confirm(t("cli.delete.confirm"))
    store = store_from(ctx)
    deleted = delete_user_data(store.engine, store.user)
    forget_strategy(LOCAL_USER)
    rows = ", ".join(
        f"{t('cli.stats.table.' + table)} {count}" for table, count in deleted.items() if count
    )
    click.echo(t("cli.delete.done", rows=rows or t("cli.delete.nothing")))


COMMANDS = (import_path, stats, rescore, export_my_data, delete_my_data)
