"""The learning curve: how much a user's decisions improve the verdicts, measured by
cross-validation on a labelled file.

The file is split into folds. For each fold, a simulated user decides N requests drawn from the
other folds, exactly as the default strategy would (known accepted, personal and honest pitches
accepted with a reply, vague ones asked about, generic declined with the policy link, collectors
declined silently, spam reported),
a model is trained on those decisions, and the held-out fold is scored with rules only and with
rules plus the learned signal. Every request is therefore judged by a model that never saw it.
Each size is repeated with different draws, and the spread is reported.

Beside it runs a ceiling: the macro-F1 that any gate on the same model could at best reach, if
each held-out request took the category of the model's likeliest outcome exactly where that
outcome is what the user would have done, and kept the rules' category everywhere else. When the
ceiling itself lies close to the rules, no threshold can make those decisions add more.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from kontaktfilter.engine import Engine
from kontaktfilter.formats.records import Record, source_group
from kontaktfilter.i18n import translator
from kontaktfilter.i18n.tables import aligned
from kontaktfilter.learning.evaluation import RealEvaluation
from kontaktfilter.learning.training import NotEnoughDecisions, TrainingExample, train
from kontaktfilter.model import LABEL_OF_CATEGORY, Category, Label, Request, Verdict
from kontaktfilter.scoring.features import request_columns
from kontaktfilter.scoring.learned_model import (
    ACCEPT,
    ASK,
    DECLINE,
    DECLINE_SIDE,
    LINK,
    REPLY,
    REPORT,
    LearnedModel,
)
from kontaktfilter.signals.registry import is_late
from kontaktfilter.text.note import analyse

DEFAULT_SIZES = (0, 20, 50, 100, 200)
CALIBRATION_BINS = 10
SIMULATED_OUTCOME = {
    Category.KNOWN: ACCEPT,
    Category.PERSONAL: REPLY,
    Category.HONEST_PITCH: REPLY,
    Category.VAGUE: ASK,
    Category.GENERIC: LINK,
    Category.COLLECTOR: DECLINE,
    Category.SPAM: REPORT,
}
"""What a user following the default strategy (seed 002) does with a request of each category."""
OUTCOME_OF_LABEL = {
    Label.PERSONAL: REPLY,
    Label.GENERIC: LINK,
    Label.COLLECTOR: DECLINE,
    Label.PITCH: REPORT,
}
"""... and of each of the four labels of real requests, where no category is given."""


def simulated_outcome(record: Record) -> int:
    if record.label is not None:
        return SIMULATED_OUTCOME[record.label]
    assert record.real_label is not None
    return OUTCOME_OF_LABEL[record.real_label]


def rule_signals(verdict: Verdict) -> tuple[tuple[str, float], ...]:
    return tuple((hit.name, hit.strength) for hit in verdict.hits if not is_late(hit.name))


def _outcome_probabilities(model: LearnedModel, request: Request, verdict: Verdict) -> np.ndarray:
    found = request_columns(analyse(request.text), rule_signals(verdict))
    return model.probabilities(found.columns, found.values)


@dataclass
class CurvePoint:
    """One size of the curve, over all folds and repeats."""

    decisions: int
    macro_f1: list[float] = field(default_factory=list)
    ceiling_f1: list[float] = field(default_factory=list)
    """Macro-F1 per draw had the model's likeliest outcome been taken exactly where it is right
    (see the module's docstring): the most any gate on this model could add."""
    harmed: list[int] = field(default_factory=list)
    untrained: int = 0
    improved: int = 0
    """Held-out verdicts whose category learning turned from wrong to right (all draws)."""
    worsened: int = 0
    """... and from right to wrong."""
    """Fold runs in which the decisions were too few or one-sided to train (the rules decide)."""
    probabilities: list[tuple[float, bool]] = field(default_factory=list)
    """(calibrated p of a decline, truly declined) for every held-out request."""

    @property
    def mean_f1(self) -> float:
        return statistics.fmean(self.macro_f1)

    @property
    def mean_ceiling(self) -> float:
        return statistics.fmean(self.ceiling_f1)

    @property
    def spread(self) -> float:
        return statistics.pstdev(self.macro_f1) if len(self.macro_f1) > 1 else 0.0

    def brier(self) -> float | None:
        if not self.probabilities:
            return None
        return statistics.fmean((p - truth) ** 2 for p, truth in self.probabilities)

    def calibration_error(self) -> float | None:
        """Expected calibration error over ten equal-width probability bins."""
        if not self.probabilities:
            return None
        bins: list[list[tuple[float, bool]]] = [[] for _ in range(CALIBRATION_BINS)]
        for p, truth in self.probabilities:
            bins[min(int(p * CALIBRATION_BINS), CALIBRATION_BINS - 1)].append((p, truth))
        total = len(self.probabilities)
        return sum(
            len(b)
            / total
            * abs(statistics.fmean(p for p, _ in b) - statistics.fmean(t for _, t in b))
            for b in bins
            if b
        )


@dataclass
class Curve:
    rules: RealEvaluation
    points: list[CurvePoint]
    folds: int
    repeats: int


def split_folds(count: int, folds: int, seed: int) -> list[list[int]]:
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return [order[k::folds] for k in range(folds)]


def split_grouped(groups: Sequence[str], folds: int) -> list[list[int]]:
    """Folds that keep each group whole: groups by size, largest first, each into the fold that
    is smallest so far (as scikit-learn's GroupKFold)."""
    members: dict[str, list[int]] = {}
    for index, group in enumerate(groups):
        members.setdefault(group, []).append(index)
    split: list[list[int]] = [[] for _ in range(min(folds, len(members)))]
    for group in sorted(members, key=lambda g: (-len(members[g]), g)):
        min(split, key=len).extend(members[group])
    return split


def learning_curve(
    records: Sequence[Record],
    engine: Engine,
    sizes: Sequence[int] = DEFAULT_SIZES,
    folds: int = 5,
    repeats: int = 3,
    seed: int = 0,
    grouped: bool = False,
    fold_engine: Callable[[list[int]], Engine] | None = None,
    progress: Callable[[], None] | None = None,
) -> Curve:
    """Cross-validated curve of macro-F1 (on the four labels) and genuine requests harmed
    against decisions made; `grouped` keeps each source in one fold (real requests), and
    `fold_engine` gives the engine for a fold from the indices of the other folds' records (a
    combiner fitted without the held-out fold), else `engine` scores every fold."""
    labelled = [r for r in records if r.real_label is not None]
    if grouped:
        split = split_grouped([source_group(r.source or r.where) for r in labelled], folds)
    else:
        split = split_folds(len(labelled), folds, seed)
    engines = [
        fold_engine([i for j, fold in enumerate(split) if j != k for i in fold])
        if fold_engine
        else engine
        for k in range(len(split))
    ]
    fold_of = {i: k for k, fold in enumerate(split) for i in fold}
    rules_verdicts = [
        engines[fold_of[i]].with_learner(None).score(r.request) for i, r in enumerate(labelled)
    ]
    rules = RealEvaluation()
    for record, verdict in zip(labelled, rules_verdicts, strict=True):
        rules.add(str(record.request.id), record.real_label, _label(verdict), verdict.action)
    points = [CurvePoint(size) for size in sizes]
    for point in points:
        for repeat in range(repeats):
            evaluation, ceiling = RealEvaluation(), RealEvaluation()
            for k, held_out in enumerate(split):
                pool = [i for j, fold in enumerate(split) if j != k for i in fold]
                rng = random.Random(f"{seed}/{point.decisions}/{repeat}/{k}")
                chosen = rng.sample(pool, min(point.decisions, len(pool)))
                model = _train(labelled, rules_verdicts, chosen)
                if model is None:
                    point.untrained += 1
                scorer = engines[k].with_learner(model)
                for i in held_out:
                    record = labelled[i]
                    label, request = record.real_label, record.request
                    verdict = scorer.score(request) if model else rules_verdicts[i]
                    evaluation.add(str(request.id), label, _label(verdict), verdict.action)
                    before = _label(rules_verdicts[i])
                    best = before
                    if model is not None:
                        outcomes = _outcome_probabilities(model, request, rules_verdicts[i])
                        if int(outcomes.argmax()) == simulated_outcome(record):
                            best = label
                        if repeat == 0:
                            decline = float(outcomes[list(DECLINE_SIDE)].sum())
                            truth = simulated_outcome(record) in DECLINE_SIDE
                            point.probabilities.append((decline, truth))
                    ceiling.add(str(request.id), label, best, rules_verdicts[i].action)
                    if _label(verdict) != before:
                        point.improved += _label(verdict) == label
                        point.worsened += before == label
                if progress is not None:
                    progress()
            point.macro_f1.append(evaluation.macro_f1())
            point.ceiling_f1.append(ceiling.macro_f1())
            point.harmed.append(len(evaluation.harmed))
    return Curve(rules, points, folds, repeats)


def _label(verdict: Verdict) -> Label:
    return LABEL_OF_CATEGORY[verdict.category]


def _train(
    labelled: Sequence[Record], verdicts: Sequence[Verdict], chosen: Sequence[int]
) -> LearnedModel | None:
    examples = [
        TrainingExample(
            labelled[i].request.text, rule_signals(verdicts[i]), simulated_outcome(labelled[i])
        )
        for i in chosen
    ]
    try:
        return train(examples, datetime.now(UTC))
    except NotEnoughDecisions:
        return None


def _gain(value: float) -> float:
    """Rounded to the printed precision, so that a difference of 1e-17 prints +0.000."""
    return round(value, 3) + 0.0


CURVE_COLUMNS = (
    ("decisions", 9),
    ("rules_f1", 10),
    ("learning_f1", 16),
    ("gain", 8),
    ("harmed_rules", 14),
    ("harmed_learning", 18),
    ("ceiling", 9),
    ("brier", 7),
    ("ece", 7),
    ("righted", 9),
    ("spoilt", 8),
    ("untrained", 11),
)
"""The learning curve's columns (keys of report.curve.*) and their least widths."""


def format_curve(curve: Curve, lang: str = "en") -> str:
    """The curve as a table with its legend, in the reader's language."""
    t = translator(lang)
    rules_f1 = curve.rules.macro_f1()
    rules_harmed = len(curve.rules.harmed)
    rows = [[t(f"report.curve.{column}") for column, _ in CURVE_COLUMNS]]
    for point in curve.points:
        brier, ece = point.brier(), point.calibration_error()
        rows.append(
            [
                str(point.decisions),
                t.number(rules_f1, 3),
                f"{t.number(point.mean_f1, 3)} ±{t.number(point.spread, 3)}",
                t.signed(_gain(point.mean_f1 - rules_f1), 3),
                str(rules_harmed),
                str(max(point.harmed)),
                t.signed(_gain(point.mean_ceiling - rules_f1), 3),
                "-" if brier is None else t.number(brier, 3),
                "-" if ece is None else t.number(ece, 3),
                t.number(point.improved / curve.repeats, 1),
                t.number(point.worsened / curve.repeats, 1),
                f"{point.untrained}/{curve.folds * curve.repeats}",
            ]
        )
    head = t("report.curve.title", folds=str(curve.folds), n=curve.repeats)
    widths = [width for _, width in CURVE_COLUMNS]
    return "\n".join([head, "", *aligned(rows, widths), "", t("report.curve.legend")])
