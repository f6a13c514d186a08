"""`kontaktfilter learn`: the learned model, built from the user's decisions (docs/learning.md)."""

from __future__ import annotations

from pathlib import Path

import click

from kontaktfilter.cli.common import Failure, reader, reason_of, said, store_from, t


@click.group("learn", invoke_without_command=True)
@click.pass_context
def learn_group(ctx: click.Context) -> None:
    """Rebuild your learned model from your decisions (subcommands: show, export, delete).

    The model is retrained by itself after every 10 decisions in `screen` or the web screener;
    run this after importing decisions or to see what it learned."""
    from kontaktfilter.learning.user_model import learn
    from kontaktfilter.store.repository import utcnow

    if ctx.invoked_subcommand is not None:
        return
    store = store_from(ctx)
    outcome = learn(store, utcnow())
    click.echo(f"{said(outcome.message)} ({reader().number(outcome.seconds, 2)} s)")
    if outcome.model is not None:
        click.echo(t("cli.learn.rescore"))


@learn_group.command("show")
@click.pass_context
def show(ctx: click.Context) -> None:
    """Say what the stored model was learned from and how far it is trusted."""
    from kontaktfilter.learning.user_model import describe, load

    store = store_from(ctx)
    row = store.learned_model()
    model, warning = load(store)
    if warning:
        raise Failure(warning)
    if model is None or row is None:
        decided = store.decision_count()
        click.echo(t("cli.learn.none", n=decided))
        return
    click.echo(t("cli.learn.trained", at=f"{row.trained_at:%Y-%m-%d %H:%M}", model=describe(model)))


@learn_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def export(ctx: click.Context, file: Path) -> None:
    """Write the model to FILE (a NumPy .npz archive with a JSON header, no pickles)."""
    from kontaktfilter.learning.user_model import NO_MODEL
    from kontaktfilter.scoring.learned_model import LearnedModel, ModelFormatError

    row = store_from(ctx).learned_model()
    if row is None or row.model == NO_MODEL:
        raise Failure(t("cli.learn.nothing_to_export"))
    try:
        LearnedModel.from_bytes(row.model)
        file.write_bytes(row.model)
    except ModelFormatError as exc:
        raise Failure(exc) from exc
    except OSError as exc:
        raise Failure(t("cli.cannot_write", path=str(file), reason=reason_of(exc))) from exc
    click.echo(t("cli.learn.wrote", path=str(file), n=len(row.model)))


@learn_group.command("delete")
@click.pass_context
def delete(ctx: click.Context) -> None:
    """Delete the learned model; the rules decide alone until you learn again."""
    removed = store_from(ctx).delete_learned_model()
    click.echo(t("cli.learn.deleted" if removed else "cli.learn.no_model"))


COMMANDS = (learn_group,)
