"""`kontaktfilter eval`: quality on labelled requests (docs/quality.md).

On real requests (four labels, eval/real/) the figures that count are harm, leak and macro-F1,
measured out of fold with `--group-by source`: the combiner is refitted for every fold on the
other sources, so no request is judged by a model that saw its source. Without it, the engine as
shipped scores the files, which for the shipped training files is an in-sample figure.
"""

from __future__ import annotations

import glob
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kontaktfilter.cli.common import Failure, language, pass_engine, reader, reason_of, t
from kontaktfilter.formats.records import Record, RecordError, detect_format, read_records
from kontaktfilter.model import LABEL_OF_CATEGORY

if TYPE_CHECKING:
    from kontaktfilter.engine import Engine


def _read(paths: tuple[str, ...]) -> list[Record]:
    """Every record of the files; a bad or unlabelled record stops with its file and line."""
    records: list[Record] = []
    for path in paths:
        try:
            with open(path, "rb") as stream:
                for item in read_records(stream, path, detect_format(path)):
                    if isinstance(item, RecordError):
                        raise Failure(item)
                    if item.real_label is None:
                        raise Failure(t("cli.eval.no_label", where=item.where))
                    records.append(item)
        except OSError as exc:
            raise Failure(f"{path}: {reason_of(exc)}") from exc
    if not records:
        raise Failure(t("cli.eval.nothing_labelled", files=", ".join(paths)))
    return records


def _expand(patterns: tuple[str, ...]) -> tuple[str, ...]:
    """Files named by each pattern, sorted; a pattern that names nothing is an error."""
    found: list[str] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern))
        if not matches:
            raise click.BadParameter(
                t("cli.eval.no_file", pattern=repr(pattern)), param_hint="--own"
            )
        found += matches
    return tuple(found)


def _in_sample(engine: Engine, paths: tuple[str, ...]) -> list[str]:
    """The files the engine's combiner was fitted on: their figures are not quality figures."""
    if engine.corpus is None:
        return []
    trained = set(engine.corpus.info.sources)
    return [path for path in paths if Path(path).name in trained]


@click.command("eval")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--group-by",
    type=click.Choice(["source"]),
    help="Cross-validate: refit the combiner per fold of sources and score the held-out ones.",
)
@click.option(
    "--own",
    "own_patterns",
    multiple=True,
    metavar="GLOB",
    help="With --group-by: the team's own labelled sets, on every training side at their low "
    "weight (as `make corpus-model` fits the shipped model). A file or a quoted pattern such "
    "as 'tests/fixtures/dev_*.jsonl'; repeatable.",
)
@click.option("--baseline", is_flag=True, help="With --group-by: TF-IDF + LR on the same folds.")
@click.option("--errors", "show_errors", is_flag=True, help="List every wrong label or action.")
@click.option(
    "--learning-curve",
    "curve",
    is_flag=True,
    help="Cross-validate learning from decisions: macro-F1 and genuine harmed after "
    "0/20/50/100/200 decisions, without and with the learner.",
)
@click.option(
    "--folds",
    default=5,
    show_default=True,
    type=click.IntRange(2, 20),
    help="Folds of the cross-validation.",
)
@click.option(
    "--repeats",
    default=3,
    show_default=True,
    type=click.IntRange(1, 20),
    help="With --learning-curve: how often each size is drawn afresh.",
)
@pass_engine
def evaluate_files(
    engine: Engine,
    files: tuple[str, ...],
    group_by: str | None,
    own_patterns: tuple[str, ...],
    baseline: bool,
    show_errors: bool,
    curve: bool,
    folds: int,
    repeats: int,
) -> None:
    """Quality on labelled FILES: harm, leak, per-label precision/recall, macro-F1."""
    from kontaktfilter.learning.evaluation import (
        Evaluation,
        RealEvaluation,
        format_decisions,
        format_real_report,
        format_report,
    )

    own = _expand(own_patterns)
    records = _read(files)
    if curve:
        _learning_curve(engine, records, files, own, folds, repeats, group_by is not None)
        return
    if group_by:
        _out_of_fold(engine, files, own, baseline, show_errors, folds)
        return
    if baseline or own:
        raise click.UsageError(t("cli.eval.needs_group_by"))
    real = RealEvaluation()
    seven = Evaluation() if all(r.label is not None for r in records) else None
    mistakes: list[str] = []
    for record in records:
        verdict = engine.score(record.request)
        predicted = LABEL_OF_CATEGORY[verdict.category]
        real.add(
            str(record.request.id), record.real_label, predicted, verdict.action, verdict.genuine
        )
        if seven is not None and record.label is not None:
            seven.add(str(record.request.id), record.label, verdict.category, verdict.action)
        if show_errors and predicted != record.real_label:
            top = ", ".join(f"{h.name}({reader().signed(h.score)})" for h in verdict.hits[:4])
            mistakes.append(
                f"{record.request.id}: {record.real_label.value} -> {verdict.category.value}/"
                f"{verdict.action.value} [{top}] {record.request.text[:110]!r}"
            )
    for path in _in_sample(engine, files):
        click.echo(t("cli.eval.in_sample", path=path), err=True)
    lang = language()
    click.echo(format_real_report(real, lang=lang))
    click.echo(format_decisions(real, lang))
    if seven is not None:
        click.echo("\n" + t("cli.eval.seven"))
        click.echo(format_report(seven, lang))
    if mistakes:
        click.echo("\n" + t("cli.eval.wrong_label") + "\n" + "\n".join(mistakes))


def _out_of_fold(
    engine: Engine,
    files: tuple[str, ...],
    own: tuple[str, ...],
    baseline: bool,
    show_errors: bool,
    folds: int,
) -> None:
    from kontaktfilter.learning.corpus_training import CorpusFileError, corpus_examples
    from kontaktfilter.learning.evaluation import (
        evaluate_out_of_fold,
        format_decisions,
        format_real_report,
    )

    try:
        examples, _ = corpus_examples([Path(f) for f in files], [Path(f) for f in own])
    except CorpusFileError as exc:
        raise Failure(exc) from exc
    with click.progressbar(length=folds, label=t("cli.eval.folds"), file=sys.stderr) as bar:
        result = evaluate_out_of_fold(engine, examples, folds, progress=lambda: bar.update(1))
    groups = len({e.group for e in examples if not e.own})
    said_in = language()
    title = t("cli.eval.out_of_fold", folds=str(folds), n=groups)
    click.echo(format_real_report(result, title, said_in))
    for lang in ("de", "en"):
        ids = {str(e.record.request.id) for e in examples if e.record.request.lang == lang}
        part = result.subset(ids)
        if part.total:
            click.echo(t("cli.eval.part", part=lang, n=part.total, figures=part.summary(said_in)))
    for path in files:
        name = Path(path).name
        ids = {str(e.record.request.id) for e in examples if e.record.where.startswith(name)}
        part = result.subset(ids)
        if part.total:
            click.echo(t("cli.eval.part", part=name, n=part.total, figures=part.summary(said_in)))
    click.echo("\n" + format_decisions(result, said_in))
    if baseline:
        from kontaktfilter.learning.baseline import baseline_out_of_fold

        peer = baseline_out_of_fold(examples, folds)
        click.echo("\n" + format_real_report(peer, t("cli.eval.peer"), said_in))
    if show_errors:
        texts = {str(e.record.request.id): e.record.request.text for e in examples}
        for kind, ids in (("harm", result.harmed), ("leak", result.leaked)):
            for request_id in ids:
                text = repr(texts[request_id][:140])
                click.echo(t(f"cli.eval.{kind}", request=request_id, text=text))


def _learning_curve(
    engine: Engine,
    records: list[Record],
    files: tuple[str, ...],
    own: tuple[str, ...],
    folds: int,
    repeats: int,
    grouped: bool,
) -> None:
    """With `grouped`, each fold is scored by a combiner fitted without it (and with `own`),
    so neither the combiner nor the learner has seen a held-out request."""
    from kontaktfilter.learning.curve import DEFAULT_SIZES, format_curve, learning_curve

    if len(records) < 2 * folds:
        raise Failure(t("cli.eval.too_few", n=len(records), folds=str(folds), least=str(2 * folds)))
    with click.progressbar(
        length=len(DEFAULT_SIZES) * folds * repeats,
        label=t("cli.eval.curve"),
        file=sys.stderr,
    ) as bar:
        result = learning_curve(
            records,
            engine,
            folds=folds,
            repeats=repeats,
            grouped=grouped,
            fold_engine=_fold_engines(engine, files, own) if grouped else None,
            progress=lambda: bar.update(1),
        )
    click.echo(format_curve(result, language()))


def _fold_engines(engine: Engine, files: tuple[str, ...], own: tuple[str, ...]):  # noqa: ANN202
    """A function from a fold's training indices (into the files' records) to the engine with
    a combiner fitted on those records and the own sets."""
    from kontaktfilter.learning.corpus_training import corpus_examples, fit_examples

    examples, _ = corpus_examples([Path(f) for f in files], [Path(f) for f in own])
    real = [e for e in examples if not e.own]
    extra = [e for e in examples if e.own]

    def fold_engine(train: list[int]) -> Engine:
        return engine.with_corpus(fit_examples([real[i] for i in train] + extra, {}))

    return fold_engine


COMMANDS = (evaluate_files,)
