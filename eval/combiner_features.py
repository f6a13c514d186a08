"""Changes to the combiner's features and label weights tried for issue 17's weak labels (generic
and collector), each measured out of fold, grouped by source, on three fold assignments:
GroupKFold's and two shuffled ones. docs/quality.md quotes this script.

    python eval/combiner_features.py [--seeds 1 2] [--only WORD]

A change counts only if it raises macro-F1 by at least 0.015 on all three assignments (less is
within what the assignment alone moves). Each fold's model is fitted as
kontaktfilter.learning.corpus_training.fit_examples fits the shipped one (real rows 1, own sets
0.05, labels balanced, IDF over the real training rows, C = 1, text weight 1), on a matrix built
once, so the first row reproduces eval/combiner_variants.py's shipped figures. The label is the
combiner's alone. About two minutes per variant on two cores.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, diags
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from kontaktfilter.learning.corpus_training import (
    OWN_WEIGHT,
    REGULARISATION_C,
    CorpusExample,
    corpus_examples,
    fold_splits,
    inverse_document_frequency,
)
from kontaktfilter.learning.training import feature_matrix
from kontaktfilter.scoring.corpus_model import LABELS
from kontaktfilter.scoring.features import Columns, column, request_columns
from kontaktfilter.signals.templates import PLACEHOLDER
from kontaktfilter.text.note import analyse

ROOT = Path(__file__).resolve().parent.parent
LENGTH_BOUNDS = (6, 12, 20, 35, 60)
"""Word counts that bound the length buckets: the text block has unit length, so the model
cannot see that a generic note is short unless told."""

Extra = Callable[[CorpusExample], list[tuple[str, float]]]
Wording = Callable[[Columns], np.ndarray]


@dataclass(frozen=True)
class Variant:
    """One change against the shipped fitting; the defaults are the shipped fitting."""

    extra: Extra | None = None
    """Features added beside the rule signals (name, value), not scaled by IDF."""
    wording: Wording | None = None
    """New values for the wording's entries of a request's columns."""
    min_groups: int = 1
    """A wording column is kept only if training rows of this many sources use it (the own
    sets count as one source)."""
    text: Callable[[str], str] | None = None
    """The note as the wording sees it (the rule signals always see the note itself)."""
    own_weight: float = OWN_WEIGHT
    """Sample weight of a row of the team's own sets; at 0 they are left out, as fit_examples
    leaves them out."""
    label_power: float = 1.0
    """1 balances the labels fully (shipped); 0.5 weighs a label by one over the square root
    of its share instead of one over its share."""
    source_power: float = 0.0
    """0 weighs every real row alike (shipped); 0.5 weighs a row by one over the square root
    of its source's row count, 1 gives every source the same total weight."""


def kind_feature(example: CorpusExample) -> list[tuple[str, float]]:
    """A message after connecting, as opposed to an invitation note (README: `kind`)."""
    return [("m|message", 1.0)] if example.record.request.kind == "message" else []


def length_feature(example: CorpusExample) -> list[tuple[str, float]]:
    """The note's length in words, as one of a few buckets."""
    count = len(analyse(example.record.request.text).tokens)
    bound = next((b for b in LENGTH_BOUNDS if count <= b), None)
    return [(f"m|words<={bound}" if bound else f"m|words>{LENGTH_BOUNDS[-1]}", 1.0)]


def kind_and_length(example: CorpusExample) -> list[tuple[str, float]]:
    return kind_feature(example) + length_feature(example)


def phrases_without_evidence(example: CorpusExample) -> list[tuple[str, float]]:
    """Each stock-phrase signal once more, where no genuine evidence (a GOOD_ signal or a
    reference slot) fired beside it: issue 17 reads a stock phrase beside a concrete reason as a
    closing formula, and a linear model cannot learn that interaction from the two apart."""
    names = [name for name, _ in example.signals]
    if any(n.startswith("GOOD_") or n == "TPL_REFERENCE_SLOT" for n in names):
        return []
    return [
        (f"x|{name} alone", strength)
        for name, strength in example.signals
        if name.startswith("PHRASE_")
    ]


def character_share(share: float) -> Wording:
    """Words and word pairs to one unit-length block and character 3-grams to another, the two
    weighted so that the 3-grams carry `share` of the squared length (in the shipped features
    one block holds all, and a word of n letters brings n 3-grams, so the 3-grams dominate)."""

    def values(found: Columns) -> np.ndarray:
        wording = found.owners < found.signal_base
        owners = found.owners[wording]
        signs = np.sign(found.values[wording])
        words = found.signal_base // 2
        first = np.ones(len(owners), dtype=bool)
        first[1:] = owners[1:] != owners[:-1]
        grams = (owners < words) & ~first
        out = np.zeros(len(owners))
        parts = ((grams, share), (~grams, 1.0 - share)) if grams.any() else ((~grams, 1.0),)
        for mask, weight in parts:
            if mask.any():
                out[mask] = signs[mask] * math.sqrt(weight / mask.sum())
        return out

    return values


def placeholders_as_one_word(text: str) -> str:
    """Every unfilled placeholder as the same word: which variable name a mail-merge tool uses
    ({firstName}, [Name], {{ first_name }}) is its author's style, not the label's sign (that
    a placeholder stands there at all is the signal TPL_PLACEHOLDER)."""
    return PLACEHOLDER.sub(" tplslot ", text)


VARIANTS = {
    "shipped": Variant(),
    "kind as a feature": Variant(extra=kind_feature),
    "length buckets": Variant(extra=length_feature),
    "kind and length buckets": Variant(extra=kind_and_length),
    "wording of >= 2 sources": Variant(min_groups=2),
    "wording of >= 3 sources": Variant(min_groups=3),
    "char 3-grams half the text": Variant(wording=character_share(0.5)),
    "char 3-grams 0.3 of the text": Variant(wording=character_share(0.3)),
    "words and pairs only": Variant(wording=character_share(0.0)),
    "labels half-balanced": Variant(label_power=0.5),
    "placeholders as one word": Variant(text=placeholders_as_one_word),
    "own sets left out": Variant(own_weight=0.0),
    "stock phrases without evidence": Variant(extra=phrases_without_evidence),
    "sources half-balanced": Variant(source_power=0.5),
    "sources balanced": Variant(source_power=1.0),
}


class Matrices:
    """The examples' features, built once per variant, and what fitting needs beside them."""

    def __init__(self, examples: Sequence[CorpusExample], variant: Variant) -> None:
        self.examples = examples
        text_rows, signal_rows = [], []
        for example in examples:
            note = example.record.request.text
            found = request_columns(
                analyse(variant.text(note) if variant.text else note), example.signals
            )
            wording = found.owners < found.signal_base
            values = variant.wording(found) if variant.wording else found.values[wording]
            text_rows.append((found.columns[wording], values))
            columns = list(found.columns[~wording])
            signed = list(found.values[~wording])
            for name, value in variant.extra(example) if variant.extra else []:
                index, sign = column(name)
                columns.append(index)
                signed.append(sign * value)
            signal_rows.append((np.asarray(columns, dtype=np.int64), np.asarray(signed)))
        self.text = feature_matrix(text_rows).tocsr()
        self.signals = feature_matrix(signal_rows).tocsr()
        self.labels = np.array([LABELS.index(e.record.real_label) for e in examples])
        self.real = np.array([not e.own for e in examples])
        groups = [e.group if not e.own else "(own sets)" for e in examples]
        names = {name: k for k, name in enumerate(sorted(set(groups)))}
        self.groups = np.array([names[g] for g in groups])

    def sources_using(self, rows: np.ndarray) -> np.ndarray:
        """Per wording column, how many sources among `rows` use it."""
        used = (self.text[rows] != 0).astype(np.float64)
        membership = csr_matrix(
            (np.ones(len(rows)), (self.groups[rows], np.arange(len(rows)))),
            shape=(int(self.groups.max()) + 1, len(rows)),
        )
        return np.asarray(((membership @ used) > 0).sum(axis=0)).ravel()

    def sample_weights(self, rows: np.ndarray, variant: Variant) -> np.ndarray:
        """As corpus_training's: real 1, own `own_weight`, then each label rescaled."""
        weights = np.where(self.real[rows], 1.0, variant.own_weight)
        if variant.source_power:
            sizes = np.bincount(self.groups[rows])[self.groups[rows]]
            weights = np.where(self.real[rows], weights / sizes**variant.source_power, weights)
            weights[self.real[rows]] *= self.real[rows].sum() / weights[self.real[rows]].sum()
        labels = self.labels[rows]
        totals = np.bincount(labels, weights=weights, minlength=len(LABELS))
        scale = (weights.sum() / (len(LABELS) * totals)) ** variant.label_power
        return weights * scale[labels]

    def predict(self, train: np.ndarray, test: np.ndarray, variant: Variant) -> np.ndarray:
        """The labels of `test` by a model fitted on `train` as fit_examples fits."""
        idf = inverse_document_frequency(self.text[train], self.signals[train], self.real[train])
        if variant.min_groups > 1:
            idf = idf * (self.sources_using(train) >= variant.min_groups)
        matrix = (self.text @ diags(idf) + self.signals).tocsr()
        matrix.eliminate_zeros()
        used = np.unique(matrix[train].indices)
        classifier = LogisticRegression(C=REGULARISATION_C, max_iter=5000)
        classifier.fit(
            matrix[train][:, used],
            self.labels[train],
            sample_weight=self.sample_weights(train, variant),
        )
        return classifier.predict(matrix[test][:, used])


def macro_f1(matrices: Matrices, variant: Variant, seed: int | None) -> float:
    """Out of fold over the real rows, own rows always on the training side."""
    real = [e for e in matrices.examples if not e.own]
    own = np.flatnonzero(~matrices.real) if variant.own_weight > 0 else np.array([], dtype=int)
    predicted = np.zeros(len(real), dtype=int)
    for train, test in fold_splits(real, seed=seed):
        predicted[test] = matrices.predict(np.concatenate([train, own]), test, variant)
    return float(f1_score(matrices.labels[: len(real)], predicted, average="macro"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--only", default="", help="variants whose name contains this")
    args = parser.parse_args()
    real_files = sorted((ROOT / "eval" / "real").glob("*.jsonl"))
    own_files = sorted((ROOT / "tests" / "fixtures").glob("dev_*.jsonl"))
    examples, _ = corpus_examples(real_files, own_files)
    examples.sort(key=lambda e: e.own)  # real rows first: fold indices address them directly
    assignments = [None, *args.seeds]
    titles = ["GroupKFold" if seed is None else f"seed {seed}" for seed in assignments]
    print(f"{sum(not e.own for e in examples)} real rows; macro-F1 of the combiner's label")
    print(f"{'':<30}" + "".join(f"{title:>12}" for title in titles))
    for name, variant in VARIANTS.items():
        if args.only not in name:
            continue
        matrices = Matrices(examples, variant)
        scores = [macro_f1(matrices, variant, seed) for seed in assignments]
        print(f"{name:<30}" + "".join(f"{score:>12.3f}" for score in scores), flush=True)


if __name__ == "__main__":
    main()
