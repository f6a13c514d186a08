"""`kontaktfilter gate ...`: the platform gate for a network operator (docs/gate.md): serve its
API, hand out client keys, simulate a network, feed a stream into the store, replay a stream
against the gate and fixed caps."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kontaktfilter.cli.common import Failure, language, reader, t

if TYPE_CHECKING:
    from kontaktfilter.gate.events import Event

DB_OPTION = click.option(
    "--db",
    envvar="KONTAKTFILTER_GATE_DB",
    required=True,
    metavar="URL",
    help="The gate's database: postgresql://... (or sqlite:///gate.db for a trial); "
    "default KONTAKTFILTER_GATE_DB.",
)
POLICY_OPTION = click.option(
    "--policy",
    "policy_path",
    type=click.Path(exists=True, dir_okay=False),
    help="YAML file of policy overrides (name: value), see docs/gate.md.",
)


def _policy(path: str | None):
    from kontaktfilter.gate.service import load_policy

    try:
        return load_policy(path)
    except (OSError, ValueError) as exc:
        raise Failure(exc) from exc


def _read(path: Path) -> Iterator[Event]:
    """Events from a JSON-lines file; a bad line stops with its number and the field."""
    from pydantic import ValidationError

    from kontaktfilter.gate.events import EVENT

    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield EVENT.validate_json(line)
            except ValidationError as exc:
                error = exc.errors()[0]
                field = ".".join(str(part) for part in error["loc"])
                where = f"{path}:{number}"
                if error["type"] == "missing":
                    raise Failure(t("cli.gate.missing", where=where, field=field)) from exc
                raise Failure(
                    t("cli.gate.invalid", where=where, field=field, reason=error["msg"])
                ) from exc


@click.group("gate")
def gate_group() -> None:
    """The platform gate: limits, privacy that holds, behaviour and reputation."""


@gate_group.command("serve")
@DB_OPTION
@POLICY_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port", default=8100, show_default=True, type=click.IntRange(1, 65535), help="Port to bind."
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes.",
)
def serve(db: str, policy_path: str | None, host: str, port: int, workers: int) -> None:
    """Serve the gate's JSON API (every route needs a client key: `gate client NAME`)."""
    import uvicorn

    from kontaktfilter.gate.service import DB_ENV, POLICY_ENV

    _policy(policy_path)  # a bad file stops here, not in each worker
    os.environ[DB_ENV] = db
    if policy_path:
        os.environ[POLICY_ENV] = str(Path(policy_path).resolve())
    click.echo(t("cli.gate.serving", url=f"http://{host}:{port}/"))
    uvicorn.run(
        "kontaktfilter.gate.service:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
    )


@gate_group.command("client")
@DB_OPTION
@click.argument("name")
def add_client(db: str, name: str) -> None:
    """Create an API key for client NAME; it is shown once, only its hash is kept."""
    from sqlalchemy.exc import IntegrityError

    from kontaktfilter.gate.runtime import Gate

    gate = Gate(db)
    try:
        click.echo(gate.store.clients.add(name))
    except IntegrityError as exc:
        raise Failure(t("cli.gate.client_exists", name=repr(name))) from exc
    finally:
        gate.close()


@gate_group.command("clients")
@DB_OPTION
def list_clients(db: str) -> None:
    """List the clients that hold an API key, with the time each key was made."""
    from kontaktfilter.gate.runtime import Gate

    gate = Gate(db)
    try:
        listed = gate.store.clients.listed()
    finally:
        gate.close()
    for name, created in listed:
        click.echo(t("cli.gate.client_line", name=name, created=f"{created:%Y-%m-%d %H:%M} UTC"))
    if not listed:
        click.echo(t("cli.gate.no_clients"))


@gate_group.command("revoke")
@DB_OPTION
@click.argument("name")
def revoke_client(db: str, name: str) -> None:
    """Delete client NAME's API key; its events stay. Workers refuse the key within a minute."""
    from kontaktfilter.gate.clients import KEY_MEMORY_SECONDS
    from kontaktfilter.gate.runtime import Gate

    gate = Gate(db)
    try:
        if not gate.store.clients.revoke(name):
            raise Failure(t("cli.gate.no_client", name=repr(name)))
    finally:
        gate.close()
    click.echo(t("cli.gate.revoked", name=repr(name), seconds=round(KEY_MEMORY_SECONDS)))


@gate_group.command("simulate")
@click.option(
    "--users",
    default=10_000,
    show_default=True,
    type=click.IntRange(10),
    help="Members of the network.",
)
@click.option(
    "--days", default=30, show_default=True, type=click.IntRange(1), help="Days of events."
)
@click.option("--seed", default=1, show_default=True, type=int, help="Same seed, same network.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the events (JSON lines).",
)
@click.option(
    "--truth",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write each member's kind (JSON).",
)
def simulate(users: int, days: int, seed: int, output: Path, truth: Path) -> None:
    """Write a simulated network's events (JSON lines) and each member's kind (JSON)."""
    from kontaktfilter.gate.simulator import Network

    network = Network(users, days, seed)
    count = 0
    with output.open("w", encoding="utf-8") as handle:
        for event in network.events():
            handle.write(event.model_dump_json() + "\n")
            count += 1
    truth.write_text(json.dumps(network.truth), "utf-8")
    said = t(
        "cli.gate.simulated",
        events=t("cli.gate.events", n=count),
        members=t("cli.gate.members", n=users),
        days=t("cli.gate.days", n=days),
    )
    click.echo(f"{said} -> {output}, {truth}")


@gate_group.command("ingest")
@DB_OPTION
@click.argument("stream", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--batch",
    default=1000,
    show_default=True,
    type=click.IntRange(1, 5000),
    help="Events per transaction.",
)
def ingest(db: str, stream: Path, batch: int) -> None:
    """Feed a stream into the gate's store, as the service does with each POST."""
    from kontaktfilter.gate.runtime import Gate

    gate = Gate(db)
    started, totals, pending = time.perf_counter(), [0, 0], []
    for event in _read(stream):
        pending.append(event)
        if len(pending) == batch:
            result = gate.store.ingest(pending, "cli")
            totals = [totals[0] + result.new, totals[1] + result.duplicates]
            pending = []
    if pending:
        result = gate.store.ingest(pending, "cli")
        totals = [totals[0] + result.new, totals[1] + result.duplicates]
    seconds = time.perf_counter() - started
    gate.close()
    click.echo(
        t(
            "cli.gate.ingested",
            new=totals[0],
            duplicates=totals[1],
            seconds=reader().number(seconds, 1),
        )
    )


@gate_group.command("replay")
@click.argument("stream", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--truth",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="Each member's kind (JSON, from `gate simulate --truth`).",
)
@POLICY_OPTION
@click.option("--json", "as_json", is_flag=True, help="The figures as JSON.")
def replay(stream: Path, truth: Path, policy_path: str | None, as_json: bool) -> None:
    """Check every invitation of a stream with the gate and with fixed caps; print what each
    did to collectors, tools, parties, honest and busy honest senders and brigaded members."""
    from kontaktfilter.gate.replay import Replay

    result = Replay(json.loads(truth.read_text("utf-8")), _policy(policy_path)).run(_read(stream))
    figures = result.figures()
    if as_json:
        click.echo(json.dumps(figures | {"events": result.events, "checks": result.checks}))
        return
    events = t("cli.gate.events", n=result.events)
    click.echo(t("cli.gate.replayed", events=events, checks=t("cli.gate.checks", n=result.checks)))
    for line in result.table(language()):
        click.echo(line)
