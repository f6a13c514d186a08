"""`kontaktfilter sweep-network`: the network sweep (kontaktfilter.network) from the command line,
in local mode by default or on any Spark master. PySpark is imported only when the command
runs, so the rest of the command line starts without it."""

from __future__ import annotations

import json

import click

from kontaktfilter.cli.common import Failure, said, t
from kontaktfilter.network import STAGES


@click.command("sweep-network")
@click.argument("requests")
@click.option("--events", help="Events (JSONL or Parquet): per-sender behaviour features.")
@click.option("--output", "-o", required=True, help="Folder for the Parquet results.")
@click.option(
    "--format",
    "input_format",
    type=click.Choice(["jsonl", "parquet"]),
    help="Format of REQUESTS (default: from its name).",
)
@click.option(
    "--events-format",
    type=click.Choice(["jsonl", "parquet"]),
    help="Format of --events (default: from its name).",
)
@click.option(
    "--stages",
    default=",".join(STAGES),
    show_default=True,
    help="Comma-separated stages to run (requests are always read and checked).",
)
@click.option("--master", help="Spark master (default local[*]; spark-submit sets its own).")
@click.option("--shuffle-partitions", type=int, help="spark.sql.shuffle.partitions.")
@click.option("--conf", "confs", multiple=True, metavar="KEY=VALUE", help="Spark setting.")
@click.option("--min-senders", type=int, help="Senders a template needs to be exported.")
@click.option("--fingerprints", "fingerprints_path", help="Fingerprint file (driver's disk).")
@click.option(
    "--fingerprint-label",
    default="unknown",
    show_default=True,
    help="Label of the exported fingerprints.",
)
@click.pass_context
def sweep_network(
    ctx: click.Context,
    requests: str,
    events: str | None,
    output: str,
    input_format: str | None,
    events_format: str | None,
    stages: str,
    master: str | None,
    shuffle_partitions: int | None,
    confs: tuple[str, ...],
    min_senders: int | None,
    fingerprints_path: str | None,
    fingerprint_label: str,
) -> None:
    """Sweep a whole network's REQUESTS (JSONL or Parquet, docs/sweep-network.md) with Spark:
    verdicts, template clusters, per-sender features and fingerprints, as Parquet in OUTPUT."""
    from kontaktfilter.network.inputs import SweepInputError
    from kontaktfilter.network.job import Sweep, SweepOptions
    from kontaktfilter.network.session import spark_session

    chosen = tuple(s.strip() for s in stages.split(",") if s.strip())
    unknown = sorted(set(chosen) - set(STAGES))
    if unknown:
        raise click.BadParameter(
            t("cli.sweep.unknown_stages", n=len(unknown), stages=", ".join(unknown)),
            param_hint="--stages",
        )
    config = {}
    for item in confs:
        key, equals, value = item.partition("=")
        if not equals:
            raise click.BadParameter(
                t("cli.sweep.not_setting", item=repr(item)), param_hint="--conf"
            )
        config[key] = value
    settings = ctx.meta["settings"]
    options = SweepOptions(
        requests=requests,
        output=output,
        events=events,
        input_format=input_format,
        events_format=events_format,
        stages=chosen,
        min_senders=min_senders or settings["template_min_senders"],
        fingerprint_label=fingerprint_label,
        fingerprints_path=fingerprints_path,
    )
    spark = spark_session(master, shuffle_partitions=shuffle_partitions, config=config)
    try:
        summary = Sweep(spark, options, settings, progress=_progress).run()
    except (SweepInputError, ValueError) as exc:
        raise Failure(exc) from exc
    finally:
        spark.stop()
    for error in summary.errors:  # as the job wrote it into errors/: data, in English
        click.echo(t("cli.record_error", error=error), err=True)
    click.echo(json.dumps({"output": output, **summary.__dict__}, default=str))


def _progress(message: str) -> None:
    """The job's progress (a text in both languages) on stderr, in the reader's language."""
    click.echo(said(message), err=True)


COMMANDS = (sweep_network,)
