"""Measures the engine against labelled requests: on real requests the four labels with harm
(genuine people declined or reported) and leak (others accepted), out of fold by source where
the engine learns; on the team's own sets the seven categories (behaviour checks, not quality)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from kontaktfilter.formats.records import Record
from kontaktfilter.model import (
    ACCEPTING_ACTIONS,
    GENUINE_CATEGORIES,
    HARMFUL_ACTIONS,
    LABEL_OF_CATEGORY,
    Action,
    Category,
    Label,
)
from kontaktfilter.strategy.costs import Costs

if TYPE_CHECKING:
    from kontaktfilter.engine import Engine
    from kontaktfilter.learning.corpus_training import CorpusExample

CATEGORIES = tuple(Category)


def _scores(true_pos: int, predicted: int, support: int) -> tuple[float, float, float, int]:
    """precision, recall, F1 and support of one class."""
    precision = true_pos / predicted if predicted else 0.0
    recall = true_pos / support if support else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, support


@dataclass
class Evaluation:
    """Accumulates (label, predicted category, action) triples."""

    pairs: Counter[tuple[Category, Category]] = field(default_factory=Counter)
    genuine_harmed: list[str] = field(default_factory=list)
    total: int = 0

    def add(self, request_id: str, label: Category, category: Category, action: Action) -> None:
        self.pairs[(label, category)] += 1
        self.total += 1
        if label in GENUINE_CATEGORIES and action in HARMFUL_ACTIONS:
            self.genuine_harmed.append(request_id)

    def per_category(self) -> dict[Category, tuple[float, float, float, int]]:
        """precision, recall, F1 and support for every category that occurs."""
        scores = {}
        for category in CATEGORIES:
            true_pos = self.pairs[(category, category)]
            predicted = sum(n for (_, p), n in self.pairs.items() if p == category)
            support = sum(n for (g, _), n in self.pairs.items() if g == category)
            if not predicted and not support:
                continue
            scores[category] = _scores(true_pos, predicted, support)
        return scores

    def macro_f1(self) -> float:
        scores = self.per_category()
        return sum(f1 for _, _, f1, _ in scores.values()) / len(scores) if scores else 0.0

    def accuracy(self) -> float:
        correct = sum(n for (g, p), n in self.pairs.items() if g == p)
        return correct / self.total if self.total else 0.0


def format_report(evaluation: Evaluation) -> str:
    """Plain-text report: table, confusion matrix (rows = label, columns = predicted), summary."""
    lines = [f"{'category':<14}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}"]
    for category, (precision, recall, f1, support) in evaluation.per_category().items():
        lines.append(f"{category.value:<14}{precision:>10.3f}{recall:>8.3f}{f1:>8.3f}{support:>9}")
    lines += ["", "confusion (rows: label, columns: predicted)"]
    short = [c.value[:8] for c in CATEGORIES]
    lines.append(f"{'':<14}" + "".join(f"{s:>9}" for s in short))
    for label in CATEGORIES:
        row = [evaluation.pairs[(label, p)] for p in CATEGORIES]
        if any(row):
            lines.append(f"{label.value:<14}" + "".join(f"{n:>9}" for n in row))
    lines += [
        "",
        f"requests: {evaluation.total}",
        f"accuracy: {evaluation.accuracy():.3f}",
        f"macro-F1: {evaluation.macro_f1():.3f}",
        f"genuine requests declined or reported: {len(evaluation.genuine_harmed)}",
    ]
    if evaluation.genuine_harmed:
        lines.append("  " + ", ".join(evaluation.genuine_harmed))
    return "\n".join(lines)


def evaluate(triples: Iterable[tuple[str, Category, Category, Action]]) -> Evaluation:
    evaluation = Evaluation()
    for request_id, label, category, action in triples:
        evaluation.add(request_id, label, category, action)
    return evaluation


@dataclass
class RealEvaluation:
    """The quality figures on the four labels of real requests (eval/real/README.md): harm (a
    genuine person declined or reported), leak (anyone else accepted), per-label precision and
    recall, macro-F1."""

    pairs: Counter[tuple[Label, Label]] = field(default_factory=Counter)
    harmed: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)
    total: int = 0
    items: list[tuple[str, Label, Label, Action, float | None]] = field(default_factory=list)

    def add(
        self,
        request_id: str,
        label: Label,
        predicted: Label,
        action: Action,
        genuine: float | None = None,
    ) -> None:
        """One request: its label, the predicted label, the action and, where the combiner
        spoke, its probability of a genuine person."""
        self.items.append((request_id, label, predicted, action, genuine))
        self.pairs[(label, predicted)] += 1
        self.total += 1
        if label is Label.PERSONAL and action in HARMFUL_ACTIONS:
            self.harmed.append(request_id)
        if label is not Label.PERSONAL and action in ACCEPTING_ACTIONS:
            self.leaked.append(request_id)

    def subset(self, request_ids: set[str]) -> RealEvaluation:
        """The same figures over some of the requests (one language, one source)."""
        part = RealEvaluation()
        for item in self.items:
            if item[0] in request_ids:
                part.add(*item)
        return part

    def actions(self) -> Counter[Action]:
        return Counter(item[3] for item in self.items)

    def calibration(self) -> list[tuple[float, float, int, int]]:
        """Per band of the combiner's probability of a genuine person (CALIBRATION_BANDS): the
        band, how many requests fell in it, and how many of them were genuine."""
        rows = []
        for low, high in pairwise(CALIBRATION_BANDS):
            inside = [i for i in self.items if i[4] is not None and low <= i[4] < high]
            genuine = sum(1 for i in inside if i[1] is Label.PERSONAL)
            rows.append((low, high, len(inside), genuine))
        return rows

    def support(self, label: Label) -> int:
        return sum(n for (g, _), n in self.pairs.items() if g == label)

    def per_label(self) -> dict[Label, tuple[float, float, float, int]]:
        """precision, recall, F1 and support of every label."""
        scores = {}
        for label in Label:
            true_pos = self.pairs[(label, label)]
            predicted = sum(n for (_, p), n in self.pairs.items() if p == label)
            scores[label] = _scores(true_pos, predicted, self.support(label))
        return scores

    def macro_f1(self) -> float:
        return sum(f1 for _, _, f1, _ in self.per_label().values()) / len(Label)

    def harm_rate(self) -> float:
        genuine = self.support(Label.PERSONAL)
        return len(self.harmed) / genuine if genuine else 0.0

    def leak_rate(self) -> float:
        others = self.total - self.support(Label.PERSONAL)
        return len(self.leaked) / others if others else 0.0

    def summary(self) -> str:
        genuine = self.support(Label.PERSONAL)
        return (
            f"macro-F1 {self.macro_f1():.3f}  harm {len(self.harmed)}/{genuine} "
            f"({100 * self.harm_rate():.1f} %)  leak {len(self.leaked)}/{self.total - genuine} "
            f"({100 * self.leak_rate():.1f} %)"
        )


CALIBRATION_BANDS = (0.0, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0001)
"""Bands of the probability of a genuine person; the first ends at the default decline bar."""


def format_decisions(evaluation: RealEvaluation) -> str:
    """What the actions were, and how well the probability of a genuine person was calibrated:
    what the user still decides, and why the bars of strategy/costs.py hold."""
    counts = evaluation.actions()
    lines = [
        "actions: "
        + ", ".join(f"{action.value} {counts[action]}" for action in Action if counts[action])
    ]
    bar = Costs().decline_max
    above = [i for i in evaluation.items if i[3] in HARMFUL_ACTIONS and (i[4] or 0.0) > bar]
    lines.append(
        f"declined above the default {100 * bar:.0f} % bar, corroborated by the rules: "
        f"{len(above)} (genuine: {sum(1 for i in above if i[1] is Label.PERSONAL)})"
    )
    lines.append("P(genuine) band  requests  genuine  rate")
    for low, high, count, genuine in evaluation.calibration():
        rate = f"{genuine / count:.3f}" if count else "  -  "
        lines.append(f"{low:>6.2f}-{min(high, 1.0):.2f}  {count:>9}  {genuine:>7}  {rate}")
    return "\n".join(lines)


def format_real_report(evaluation: RealEvaluation, title: str = "") -> str:
    """Per-label table, confusion (rows: label, columns: predicted) and the summary line."""
    lines = [title] if title else []
    lines.append(f"{'label':<12}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}")
    for label, (precision, recall, f1, support) in evaluation.per_label().items():
        lines.append(f"{label.value:<12}{precision:>10.3f}{recall:>8.3f}{f1:>8.3f}{support:>9}")
    lines.append(f"{'':<12}" + "".join(f"{label.value[:9]:>10}" for label in Label))
    for label in Label:
        row = [evaluation.pairs[(label, p)] for p in Label]
        lines.append(f"{label.value:<12}" + "".join(f"{n:>10}" for n in row))
    lines.append(evaluation.summary())
    return "\n".join(lines)


def score_real(
    engine: Engine, records: Iterable[Record], evaluation: RealEvaluation | None = None
) -> RealEvaluation:
    """Score labelled records with `engine` into a RealEvaluation."""
    evaluation = evaluation or RealEvaluation()
    for record in records:
        if record.real_label is None:
            continue
        verdict = engine.score(record.request)
        evaluation.add(
            str(record.request.id),
            record.real_label,
            LABEL_OF_CATEGORY[verdict.category],
            verdict.action,
            verdict.genuine,
        )
    return evaluation


def evaluate_out_of_fold(
    engine: Engine,
    examples: Sequence[CorpusExample],
    folds: int | None = None,
    progress: Callable[[], None] | None = None,
    **settings: float,
) -> RealEvaluation:
    """The whole engine measured on real examples it was not fitted on: per fold of sources,
    a corpus model fitted on the other sources (and the own sets) scores the held-out ones."""
    from kontaktfilter.learning.corpus_training import FOLDS, out_of_fold

    evaluation = RealEvaluation()
    for held_out, model in out_of_fold(examples, folds or FOLDS, **settings):
        score_real(engine.with_corpus(model), [e.record for e in held_out], evaluation)
        if progress:
            progress()
    return evaluation
