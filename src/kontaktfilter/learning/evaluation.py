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
from kontaktfilter.i18n import Translator, translator
from kontaktfilter.i18n.tables import aligned
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
SCORE_COLUMNS = ("precision", "recall", "f1", "support")
"""The columns of the quality tables after the label or category (keys of report.eval.*)."""


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


def _shares(t: Translator, values: Iterable[float]) -> list[str]:
    """Precision, recall and F1 as the table shows them (0.667, 0,667 in German)."""
    return [t.number(value, 3) for value in values]


def format_report(evaluation: Evaluation, lang: str = "en") -> str:
    """Plain-text report: table, confusion matrix (rows = label, columns = predicted), summary."""
    t = translator(lang)
    rows = [[t(f"report.eval.{column}") for column in ("category", *SCORE_COLUMNS)]]
    for category, (precision, recall, f1, support) in evaluation.per_category().items():
        rows.append([category.value, *_shares(t, (precision, recall, f1)), str(support)])
    lines = aligned(rows, (14, 10, 8, 8, 9), left=1)
    lines += ["", t("report.eval.confusion")]
    matrix = [["", *(category.value for category in CATEGORIES)]]
    for label in CATEGORIES:
        row = [evaluation.pairs[(label, p)] for p in CATEGORIES]
        if any(row):
            matrix.append([label.value, *map(str, row)])
    lines += aligned(matrix, (14, *[9] * len(CATEGORIES)), left=1)
    lines += [
        "",
        t("report.eval.requests", n=evaluation.total),
        t("report.eval.accuracy", value=t.number(evaluation.accuracy(), 3)),
        t("report.eval.macro_f1", value=t.number(evaluation.macro_f1(), 3)),
        t("report.eval.harmed", n=len(evaluation.genuine_harmed)),
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

    def summary(self, lang: str = "en") -> str:
        """Macro-F1, harm and leak on one line, in the reader's language."""
        t, genuine = translator(lang), self.support(Label.PERSONAL)
        return t(
            "report.eval.summary",
            f1=t.number(self.macro_f1(), 3),
            harmed=str(len(self.harmed)),
            genuine=str(genuine),
            harm=t.number(100 * self.harm_rate(), 1),
            leaked=str(len(self.leaked)),
            others=str(self.total - genuine),
            leak=t.number(100 * self.leak_rate(), 1),
        )


CALIBRATION_BANDS = (0.0, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0001)
"""Bands of the probability of a genuine person; the first ends at the default decline bar."""


def format_decisions(evaluation: RealEvaluation, lang: str = "en") -> str:
    """What the actions were, and how well the probability of a genuine person was calibrated:
    what the user still decides, and why the bars of strategy/costs.py hold."""
    t, counts = translator(lang), evaluation.actions()
    done = ", ".join(f"{action.value} {counts[action]}" for action in Action if counts[action])
    lines = [t("report.eval.actions", actions=done)]
    bar = Costs().decline_max
    above = [i for i in evaluation.items if i[3] in HARMFUL_ACTIONS and (i[4] or 0.0) > bar]
    lines.append(
        t(
            "report.eval.declined_above",
            bar=t.number(100 * bar),
            declined=str(len(above)),
            genuine=str(sum(1 for i in above if i[1] is Label.PERSONAL)),
        )
    )
    rows = [[t(f"report.eval.{column}") for column in ("band", "count", "genuine", "rate")]]
    for low, high, count, genuine in evaluation.calibration():
        band = f"{t.number(low, 2):>6}-{t.number(min(high, 1.0), 2)}"
        rate = t.number(genuine / count, 3) if count else "-"
        rows.append([band, str(count), str(genuine), rate])
    lines += aligned(rows, (17, 10, 9, 7), left=1)
    return "\n".join(lines)


def format_real_report(evaluation: RealEvaluation, title: str = "", lang: str = "en") -> str:
    """Per-label table, confusion (rows: label, columns: predicted) and the summary line."""
    t = translator(lang)
    lines = [title] if title else []
    rows = [[t(f"report.eval.{column}") for column in ("label", *SCORE_COLUMNS)]]
    for label, (precision, recall, f1, support) in evaluation.per_label().items():
        rows.append([label.value, *_shares(t, (precision, recall, f1)), str(support)])
    lines += aligned(rows, (12, 10, 8, 8, 9), left=1)
    matrix = [["", *(label.value for label in Label)]]
    matrix += [[g.value, *(str(evaluation.pairs[(g, p)]) for p in Label)] for g in Label]
    lines += aligned(matrix, (12, *[10] * len(Label)), left=1)
    lines.append(evaluation.summary(lang))
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
