"""What the IDF weighting of the combiner's wording adds, measured two ways that a single fold
assignment cannot fake (docs/corpus-model.md, docs/quality.md quote this script):

- the combiner's likeliest label, out of fold and grouped by source, on GroupKFold's assignment
  and on shuffled ones, with the shipped settings and with the IDF left out;
- fitted on every real file but one (and the own sets), scored on that one: rows collected
  later than the rest, as the review's unseen rows are.

    python eval/combiner_variants.py [--seeds 1 2] [--newer round5.jsonl]

The label is the combiner's alone (the engine's category maps onto it, kontaktfilter eval
measures the whole engine); it takes a few minutes on two cores.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score

from kontaktfilter.learning.corpus_training import (
    CorpusExample,
    corpus_examples,
    fit_examples,
    out_of_fold,
)
from kontaktfilter.scoring.corpus_model import LABELS, CorpusModel
from kontaktfilter.scoring.features import request_columns
from kontaktfilter.text.note import analyse

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = {
    "IDF, text weight 1 (shipped)": {},
    "no IDF, text weight 2 (before)": {"rarity": False, "text_scale": 2.0},
}


def labels_of(model: CorpusModel, examples: Sequence[CorpusExample]) -> list[int]:
    """The combiner's likeliest label of each example, as the engine reads it."""
    found = []
    for example in examples:
        columns = request_columns(analyse(example.record.request.text), example.signals)
        found.append(int(model.probabilities(columns).argmax()))
    return found


def truth(examples: Sequence[CorpusExample]) -> list[int]:
    return [LABELS.index(e.record.real_label) for e in examples]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--newer", default="round5.jsonl", help="a file of eval/real/")
    args = parser.parse_args()
    real_files = sorted((ROOT / "eval" / "real").glob("*.jsonl"))
    own_files = sorted((ROOT / "tests" / "fixtures").glob("dev_*.jsonl"))
    examples, _ = corpus_examples(real_files, own_files)
    real = [e for e in examples if not e.own]
    print(f"{len(real)} real rows, {len(examples) - len(real)} own; macro-F1 of the label")
    assignments = [None, *args.seeds]
    titles = ["GroupKFold" if seed is None else f"seed {seed}" for seed in assignments]
    print(f"{'':<34}" + "".join(f"{title:>12}" for title in titles))
    for name, settings in VARIANTS.items():
        scores = []
        for seed in assignments:
            held, predicted = [], []
            for test, model in out_of_fold(examples, seed=seed, **settings):
                held += test
                predicted += labels_of(model, test)
            scores.append(f1_score(truth(held), predicted, average="macro"))
        print(f"{name:<34}" + "".join(f"{score:>12.3f}" for score in scores))
    newer = [e for e in real if e.record.where.startswith(f"{args.newer}:")]
    newer_ids = {id(e) for e in newer}
    older = [e for e in examples if id(e) not in newer_ids]
    print(f"\nfitted without {args.newer}, scored on its {len(newer)} rows")
    for name, settings in VARIANTS.items():
        predicted = labels_of(fit_examples(older, {}, **settings), newer)
        wanted = truth(newer)
        print(
            f"{name:<34}macro-F1 {f1_score(wanted, predicted, average='macro'):.3f}"
            f"  accuracy {accuracy_score(wanted, predicted):.3f}"
        )


if __name__ == "__main__":
    main()
