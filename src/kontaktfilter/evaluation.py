"""Measures the engine against labelled requests: per-category precision/recall, macro-F1, the
confusion matrix, and the count that matters most: genuine requests that would be declined."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from kontaktfilter.model import GENUINE_CATEGORIES, HARMFUL_ACTIONS, Action, Category

CATEGORIES = tuple(Category)


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
            precision = true_pos / predicted if predicted else 0.0
            recall = true_pos / support if support else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            scores[category] = (precision, recall, f1, support)
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
