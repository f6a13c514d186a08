"""Fits the corpus model (kontaktfilter.learning.corpus) on labelled development files.

    python -m kontaktfilter.learning.corpus_training tests/fixtures/dev_*.jsonl \
        --output src/kontaktfilter/data/corpus_model.npz

(`make corpus-model` runs exactly this.) The features of each request are its note and the rule
signals the engine fires on it without any learned opinion, so the model learns how the rules'
evidence and the wording together make each category. Never give it eval/: that set measures
the result.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from kontaktfilter.engine import Engine
from kontaktfilter.learning.corpus import CATEGORIES, CorpusInfo, CorpusModel
from kontaktfilter.learning.curve import rule_signals
from kontaktfilter.learning.features import N_FEATURES, request_columns
from kontaktfilter.learning.training import feature_matrix
from kontaktfilter.note import analyse
from kontaktfilter.records import Record, read_records

REGULARISATION_C = 10.0
"""As the user's learner; class weights are balanced, so every category counts the same."""


@dataclass(frozen=True, slots=True)
class CorpusExample:
    """One labelled request with the rule signals it fired."""

    record: Record
    signals: tuple[tuple[str, float], ...]

    def digest_line(self) -> bytes:
        request = self.record.request
        signals = sorted((name, round(strength, 4)) for name, strength in self.signals)
        label = self.record.label.value if self.record.label else None
        return json.dumps([str(request.id), request.text, signals, label]).encode("utf-8")


def corpus_examples(paths: Sequence[Path]) -> tuple[list[CorpusExample], dict[str, int]]:
    """Every labelled request of the files, scored by the rules alone."""
    rules = Engine(corpus=None)
    examples: list[CorpusExample] = []
    sources: dict[str, int] = {}
    for path in paths:
        with path.open("rb") as stream:
            records = [
                record
                for record in read_records(stream, path.name, "jsonl")
                if isinstance(record, Record) and record.label is not None
            ]
        sources[path.name] = len(records)
        for record in records:
            examples.append(CorpusExample(record, rule_signals(rules.score(record.request))))
    return examples, sources


def features_digest(examples: Sequence[CorpusExample]) -> str:
    digest = hashlib.sha256()
    for example in examples:
        digest.update(example.digest_line())
    return digest.hexdigest()


def fit_corpus_model(paths: Sequence[Path]) -> CorpusModel:
    """Fit on the labelled requests of `paths` (JSONL as in docs/data-format.md)."""
    examples, sources = corpus_examples(paths)
    rows = [request_columns(analyse(e.record.request.text), e.signals)[:2] for e in examples]
    labels = np.array([CATEGORIES.index(e.record.label) for e in examples])
    matrix = feature_matrix(rows)
    used = np.unique(matrix.indices)
    classifier = LogisticRegression(C=REGULARISATION_C, class_weight="balanced", max_iter=2000)
    classifier.fit(matrix[:, used], labels)
    weights = np.zeros((N_FEATURES, len(CATEGORIES)), dtype=np.float32)
    weights[np.ix_(used, classifier.classes_)] = classifier.coef_.T
    intercepts = np.full(len(CATEGORIES), -1e9)
    intercepts[classifier.classes_] = classifier.intercept_
    info = CorpusInfo(sources, features_digest(examples), REGULARISATION_C)
    return CorpusModel(weights, intercepts, info)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="labelled JSONL development files")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)
    if any(part == "eval" for path in args.files for part in path.parts):
        parser.error("eval/ is the held-out set: it measures the model and never trains it")
    model = fit_corpus_model(args.files)
    blob = model.to_bytes()
    args.output.write_bytes(blob)
    total = sum(model.info.sources.values())
    print(
        f"fitted on {total} labelled requests from {len(model.info.sources)} file(s); "
        f"wrote {args.output} ({len(blob) // 1024} KiB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
