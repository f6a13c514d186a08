"""Two other ways to learn from a user's decisions, measured beside the rules and the corpus
model (docs/learning.md, "Variants that did not help"). Not a speed test.

Same folds and draws as `kontaktfilter eval FILE --learning-curve`: a simulated user decides N
requests of the other folds by the default strategy, and the held-out fold is scored by
- **offsets**: the shipped corpus model with one offset per category added to its scores,
  fitted on the decisions (log loss of the decided outcome, L2 penalty `--penalty`);
- **refit**: the corpus model fitted again on the development sets plus the decisions, each
  decision weighing `--weight` requests (a reply counts as the rules' personal or honest pitch).
It prints the macro-F1 gain over the rules and the corpus model, and the genuine requests
declined or reported (the worst draw).

    .venv/bin/python bench/learning_alternatives.py tests/fixtures/check_twelfth.jsonl
"""

from __future__ import annotations

import argparse
import random
import statistics
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression

from kontaktfilter.engine import Engine
from kontaktfilter.evaluation import Evaluation
from kontaktfilter.learning.corpus import CATEGORIES, CorpusModel
from kontaktfilter.learning.corpus_training import REGULARISATION_C, corpus_examples
from kontaktfilter.learning.curve import SIMULATED_OUTCOME, rule_signals, split_folds
from kontaktfilter.learning.features import N_FEATURES, request_columns
from kontaktfilter.learning.model import ACCEPT, ASK, DECLINE, LINK, REPLY, REPORT
from kontaktfilter.learning.training import feature_matrix
from kontaktfilter.model import Category
from kontaktfilter.note import analyse
from kontaktfilter.records import Record, read_records

FOLDS = 5
CATEGORY_OF_OUTCOME = {
    ACCEPT: Category.KNOWN,
    ASK: Category.VAGUE,
    LINK: Category.GENERIC,
    DECLINE: Category.COLLECTOR,
    REPORT: Category.SPAM,
}


class Bench:
    """The labelled file, scored once by the rules and the shipped corpus model."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as stream:
            records = [r for r in read_records(stream, path.name, "jsonl") if isinstance(r, Record)]
        self.labelled = [(r.request, r.label) for r in records if r.label is not None]
        self.engine = Engine()
        self.shipped = self.engine.corpus
        rules = Engine(corpus=None)
        self.verdicts = [self.engine.score(request) for request, _ in self.labelled]
        self.rows = [
            request_columns(analyse(request.text), rule_signals(rules.score(request)))[:2]
            for request, _ in self.labelled
        ]
        self.log_p = np.log(
            [self.shipped.probabilities(*row) for row in self.rows]  # type: ignore[union-attr]
        )
        self.base = Evaluation()
        for (request, label), verdict in zip(self.labelled, self.verdicts, strict=True):
            self.base.add(str(request.id), label, verdict.category, verdict.action)
        self.split = split_folds(len(self.labelled), FOLDS, 0)

    def outcome(self, i: int) -> int:
        return SIMULATED_OUTCOME[self.labelled[i][1]]

    def run(self, size: int, repeats: int, adapt: Callable[[list[int]], CorpusModel]) -> str:
        gains, harmed = [], []
        for repeat in range(repeats):
            evaluation = Evaluation()
            for k, held_out in enumerate(self.split):
                pool = [i for j, fold in enumerate(self.split) if j != k for i in fold]
                chosen = random.Random(f"0/{size}/{repeat}/{k}").sample(pool, min(size, len(pool)))
                engine = self.engine.with_corpus(adapt(chosen))
                for i in held_out:
                    request, label = self.labelled[i]
                    verdict = engine.score(request)
                    evaluation.add(str(request.id), label, verdict.category, verdict.action)
            gains.append(evaluation.macro_f1() - self.base.macro_f1())
            harmed.append(len(evaluation.genuine_harmed))
        gain = round(statistics.fmean(gains), 3) + 0.0  # no "-0.000"
        return f"gain {gain:+.3f}  harmed {max(harmed)}"

    def offsets(self, penalty: float) -> Callable[[list[int]], CorpusModel]:
        """Per-category offsets on the shipped model's scores, fitted on the decisions."""
        outcome_of = np.array([SIMULATED_OUTCOME[c] for c in CATEGORIES])
        to_outcomes = np.zeros((len(CATEGORIES), int(outcome_of.max()) + 1))
        to_outcomes[np.arange(len(CATEGORIES)), outcome_of] = 1

        def adapt(chosen: list[int]) -> CorpusModel:
            log_p, decided = self.log_p[chosen], np.array([self.outcome(i) for i in chosen])

            def loss(offset: np.ndarray) -> float:
                scores = log_p + offset
                p = np.exp(scores - scores.max(axis=1, keepdims=True))
                p = (p / p.sum(axis=1, keepdims=True)) @ to_outcomes
                return -np.log(p[np.arange(len(decided)), decided] + 1e-12).sum() + penalty * (
                    offset @ offset
                )

            offset = minimize(loss, np.zeros(len(CATEGORIES)), method="L-BFGS-B").x
            model = self.shipped
            return CorpusModel(model.weights, model.intercepts + offset, model.info)

        return adapt

    def refit(self, weight: float) -> Callable[[list[int]], CorpusModel]:
        """The corpus model fitted again with the decisions among its training requests."""
        examples, _ = corpus_examples(sorted(Path("tests/fixtures").glob("dev_*.jsonl")))
        dev_rows = [
            request_columns(analyse(e.record.request.text), e.signals)[:2] for e in examples
        ]
        dev_labels = [CATEGORIES.index(e.record.label) for e in examples]

        def category(i: int) -> Category:
            if self.outcome(i) != REPLY:
                return CATEGORY_OF_OUTCOME[self.outcome(i)]
            ruled = self.verdicts[i].category
            answered = (Category.PERSONAL, Category.HONEST_PITCH)
            return ruled if ruled in answered else Category.PERSONAL

        def adapt(chosen: list[int]) -> CorpusModel:
            matrix = feature_matrix(dev_rows + [self.rows[i] for i in chosen])
            labels = dev_labels + [CATEGORIES.index(category(i)) for i in chosen]
            sample_weight = [1.0] * len(dev_rows) + [weight] * len(chosen)
            used = np.unique(matrix.indices)
            classifier = LogisticRegression(
                C=REGULARISATION_C, class_weight="balanced", max_iter=2000
            )
            classifier.fit(matrix[:, used], labels, sample_weight=sample_weight)
            weights = np.zeros((N_FEATURES, len(CATEGORIES)), dtype=np.float32)
            weights[np.ix_(used, classifier.classes_)] = classifier.coef_.T
            intercepts = np.full(len(CATEGORIES), -1e9)
            intercepts[classifier.classes_] = classifier.intercept_
            return CorpusModel(weights, intercepts, self.shipped.info)  # type: ignore[union-attr]

        return adapt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="labelled JSONL, outside the corpus model's data")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--penalties", type=float, nargs="+", default=[0.3, 1.0, 3.0])
    parser.add_argument("--weights", type=float, nargs="+", default=[3.0, 10.0, 30.0])
    args = parser.parse_args()
    bench = Bench(args.file)
    print(f"{args.file.name}: rules and corpus model at macro-F1 {bench.base.macro_f1():.3f}")
    for size in args.sizes:
        for penalty in args.penalties:
            result = bench.run(size, args.repeats, bench.offsets(penalty))
            print(f"{size:>4} decisions  offsets, penalty {penalty:<4}  {result}", flush=True)
        for weight in args.weights:
            result = bench.run(size, args.repeats, bench.refit(weight))
            print(f"{size:>4} decisions  refit, weight {weight:<4}     {result}", flush=True)


if __name__ == "__main__":
    main()
