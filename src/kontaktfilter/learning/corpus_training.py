"""Fits the corpus model (kontaktfilter.scoring.corpus_model) on real labelled requests, and
measures it out of fold, grouped by source.

    python -m kontaktfilter.learning.corpus_training eval/real/*.jsonl \
        --own tests/fixtures/dev_*.jsonl --output src/kontaktfilter/data/corpus_model.npz

(`make corpus-model` runs exactly this.) The features of each request are its note and the rule
signals the engine fires on it without any learned opinion, so the model learns how much each
named signal and the wording say about each label. Real requests weigh 1; the team's own sets
weigh OWN_WEIGHT: they teach the rules' vocabulary, but they are our style, not the world's.
Classes are balanced by weight, so every label counts the same. The wording's columns are
weighted by their inverse document frequency over the real training rows, as TF-IDF does: a word
every note has says little, a rare one much. The weight is folded into the shipped weights, so
scoring reads the model as before. The settings below and the IDF were chosen by grouped
cross-validation (`--tune`, docs/quality.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, diags
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from kontaktfilter.engine import Engine
from kontaktfilter.formats.records import Record, RecordError, read_records, source_group
from kontaktfilter.learning.curve import rule_signals
from kontaktfilter.learning.training import feature_matrix
from kontaktfilter.scoring.corpus_model import LABELS, CorpusInfo, CorpusModel
from kontaktfilter.scoring.features import N_FEATURES, request_columns
from kontaktfilter.text.note import analyse

REGULARISATION_C = 1.0
TEXT_SCALE = 1.0
OWN_WEIGHT = 0.05
FOLDS = 5
TUNING_GRID = {"C": (0.5, 1.0, 2.0), "text_scale": (0.7, 1.0, 2.0), "own_weight": (0.0, 0.05, 0.2)}
"""What `--tune` tries: every combination, each measured out of fold, grouped by source."""


class CorpusFileError(ValueError):
    """A training file has a bad record or a record without a label."""


@dataclass(frozen=True, slots=True)
class CorpusExample:
    """One labelled request with the rule signals it fired and the group it belongs to."""

    record: Record
    signals: tuple[tuple[str, float], ...]
    own: bool
    """From the team's own sets: weighs OWN_WEIGHT, is never measured."""

    @property
    def group(self) -> str:
        """The source's repository or web site (records.source_group)."""
        return source_group(self.record.source or self.record.where.rsplit(":", 1)[0])

    def digest_line(self) -> bytes:
        request = self.record.request
        signals = sorted((name, round(strength, 4)) for name, strength in self.signals)
        label = self.record.real_label.value if self.record.real_label else None
        return json.dumps([str(request.id), request.text, signals, label, self.own]).encode()


def read_labelled(path: Path) -> list[Record]:
    """Every record of a labelled JSONL file; a bad or unlabelled record raises with its line."""
    records: list[Record] = []
    with path.open("rb") as stream:
        for item in read_records(stream, path.name, "jsonl"):
            if isinstance(item, RecordError):
                raise CorpusFileError(str(item))
            if item.real_label is None:
                raise CorpusFileError(f"{item.where}: field 'label' is missing")
            records.append(item)
    return records


def corpus_examples(
    real: Sequence[Path], own: Sequence[Path] = ()
) -> tuple[list[CorpusExample], dict[str, int]]:
    """Every labelled request of the files, scored by the rules alone."""
    rules = Engine(corpus=None)
    examples: list[CorpusExample] = []
    sources: dict[str, int] = {}
    for path, is_own in [(p, False) for p in real] + [(p, True) for p in own]:
        records = read_labelled(path)
        sources[path.name] = len(records)
        for record in records:
            signals = rule_signals(rules.score(record.request))
            examples.append(CorpusExample(record, signals, is_own))
    return examples, sources


def features_digest(examples: Sequence[CorpusExample]) -> str:
    digest = hashlib.sha256()
    for example in examples:
        digest.update(example.digest_line())
    return digest.hexdigest()


def _blocks(examples: Sequence[CorpusExample]) -> tuple[csr_matrix, csr_matrix]:
    """The wording's columns and the rule signals' columns of every example, apart."""
    text_rows, signal_rows = [], []
    for example in examples:
        found = request_columns(analyse(example.record.request.text), example.signals)
        wording = found.owners < found.signal_base
        text_rows.append((found.columns[wording], found.values[wording]))
        signal_rows.append((found.columns[~wording], found.values[~wording]))
    return feature_matrix(text_rows), feature_matrix(signal_rows)


def inverse_document_frequency(
    text: csr_matrix, signals: csr_matrix, real: np.ndarray
) -> np.ndarray:
    """Per column, the smoothed IDF of the wording over the real rows (`real` marks them); 1 for
    a column a rule signal uses, so a signal's weight means what it always meant."""
    documents = int(real.sum())
    frequency = np.bincount(text[real].indices, minlength=N_FEATURES)
    idf = np.log((1 + documents) / (1 + frequency)) + 1.0
    idf[np.unique(signals.indices)] = 1.0
    return idf


def _labels(examples: Sequence[CorpusExample]) -> np.ndarray:
    return np.array([LABELS.index(e.record.real_label) for e in examples])


def _sample_weights(examples: Sequence[CorpusExample], own_weight: float) -> np.ndarray:
    """Real requests 1, own ones `own_weight`; then rescaled so every label weighs the same."""
    labels = _labels(examples)
    weights = np.array([own_weight if e.own else 1.0 for e in examples])
    totals = np.array([weights[labels == k].sum() for k in range(len(LABELS))])
    present = totals > 0
    scale = np.zeros(len(LABELS))
    scale[present] = weights.sum() / (present.sum() * totals[present])
    return weights * scale[labels]


def fit_examples(
    examples: Sequence[CorpusExample],
    sources: dict[str, int],
    regularisation: float = REGULARISATION_C,
    text_scale: float = TEXT_SCALE,
    own_weight: float = OWN_WEIGHT,
    rarity: bool = True,
) -> CorpusModel:
    """The model fitted on these examples (own ones at `own_weight`, dropped when it is 0).
    `rarity=False` leaves out the IDF weighting: only to measure what it adds
    (eval/combiner_variants.py); the shipped model always has it."""
    used_examples = [e for e in examples if not e.own or own_weight > 0]
    text, signals = _blocks(used_examples)
    real = np.array([not e.own for e in used_examples])
    idf = inverse_document_frequency(text, signals, real) if rarity else np.ones(N_FEATURES)
    matrix = (text @ diags(idf * text_scale) + signals).tocsr()
    labels = _labels(used_examples)
    used = np.unique(matrix.indices)
    classifier = LogisticRegression(C=regularisation, max_iter=5000)
    classifier.fit(
        matrix[:, used], labels, sample_weight=_sample_weights(used_examples, own_weight)
    )
    weights = np.zeros((N_FEATURES, len(LABELS)), dtype=np.float32)
    weights[np.ix_(used, classifier.classes_)] = classifier.coef_.T * idf[used, None]
    intercepts = np.full(len(LABELS), -1e9)
    intercepts[classifier.classes_] = classifier.intercept_
    info = CorpusInfo(sources, features_digest(examples), regularisation, text_scale, own_weight)
    return CorpusModel(weights, intercepts, info)


def out_of_fold(
    examples: Sequence[CorpusExample],
    folds: int = FOLDS,
    seed: int | None = None,
    **settings: float,
) -> Iterator[tuple[list[CorpusExample], CorpusModel]]:
    """Per fold, the real examples held out and a model fitted without their sources (grouped
    k-fold; the own examples are always on the training side)."""
    real = [e for e in examples if not e.own]
    own = [e for e in examples if e.own]
    for train, test in fold_splits(real, folds, seed):
        model = fit_examples([real[i] for i in train] + own, {}, **settings)
        yield [real[i] for i in test], model


def fold_splits(
    real: Sequence[CorpusExample], folds: int = FOLDS, seed: int | None = None
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(train, test) indices of grouped k-fold over the sources: the same folds for the engine
    and for any peer measured beside it. With a `seed`, the sources are dealt to the folds at
    random: a figure that holds on several such assignments is not luck of one."""
    groups = [e.group for e in real]
    splitter = GroupKFold(
        n_splits=min(folds, len(set(groups))), shuffle=seed is not None, random_state=seed
    )
    yield from splitter.split(real, groups=groups)


def tuning_settings() -> Iterator[dict[str, float]]:
    """Every combination of TUNING_GRID."""
    for c in TUNING_GRID["C"]:
        for scale in TUNING_GRID["text_scale"]:
            for own in TUNING_GRID["own_weight"]:
                yield {"regularisation": c, "text_scale": scale, "own_weight": own}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="real labelled JSONL files")
    parser.add_argument("--own", nargs="*", type=Path, default=[], help="the team's own sets")
    parser.add_argument("--output", type=Path)
    parser.add_argument("--tune", action="store_true", help="print the grouped-CV grid instead")
    args = parser.parse_args(argv)
    if any(p.name == "requests.jsonl" and p.parent.name == "eval" for p in args.files + args.own):
        parser.error("eval/requests.jsonl is the team's held-out check: it never trains")
    try:
        examples, sources = corpus_examples(args.files, args.own)
    except (OSError, CorpusFileError) as exc:
        parser.error(str(exc))
    if args.tune:
        from kontaktfilter.learning.evaluation import evaluate_out_of_fold

        engine = Engine()
        for settings in tuning_settings():
            report = evaluate_out_of_fold(engine, examples, **settings)
            print(f"{settings}  {report.summary()}", flush=True)
        return 0
    if args.output is None:
        parser.error("--output is required (or --tune)")
    model = fit_examples(examples, sources)
    blob = model.to_bytes()
    args.output.write_bytes(blob)
    real = sum(1 for e in examples if not e.own)
    print(
        f"fitted on {real} real and {len(examples) - real} own labelled requests from "
        f"{len(sources)} file(s); wrote {args.output} ({len(blob) // 1024} KiB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
