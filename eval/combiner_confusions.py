"""Where the combiner's label goes wrong on real text, out of fold and grouped by source: the
confusion table, and for each confused pair of labels how many rows, of which kind, how long,
and which rule signals fired on them; then what the shipped combiner learned from each signal,
and which words separate generic from collector in it.

    python eval/combiner_confusions.py [--seed N]

It reads no row's text out and names no row: it is for deciding which change to try from the
label definitions (eval/real/README.md), not for tuning rules to rows. The label is the
combiner's alone, as in eval/combiner_variants.py (GroupKFold's assignment unless --seed).
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score

from kontaktfilter.learning.corpus_training import CorpusExample, corpus_examples, out_of_fold
from kontaktfilter.model import Label
from kontaktfilter.scoring.corpus_model import LABELS, shipped_corpus_model
from kontaktfilter.scoring.features import Columns, column, feature_names, request_columns
from kontaktfilter.text.note import analyse

ROOT = Path(__file__).resolve().parent.parent
SHOWN_SIGNALS = 6
"""Signals listed per confused pair, most frequent first."""
SHOWN_WORDS = 12
MIN_WORD_ROWS = 4
"""Words and word pairs listed per side, among those used by at least this many real rows."""


def model_columns(example: CorpusExample) -> Columns:
    return request_columns(analyse(example.record.request.text), example.signals)


def confused_pairs(
    held: list[CorpusExample], truth: list[int], predicted: list[int]
) -> dict[tuple[int, int], list[CorpusExample]]:
    """The held-out examples of each (true label, predicted label) pair that differ."""
    pairs: dict[tuple[int, int], list[CorpusExample]] = defaultdict(list)
    for example, wanted, found in zip(held, truth, predicted, strict=True):
        if wanted != found:
            pairs[(wanted, found)].append(example)
    return pairs


def describe(examples: list[CorpusExample]) -> str:
    """Kinds, median length in words and the most frequent signals of some examples."""
    kinds = Counter(e.record.request.kind for e in examples)
    words = float(np.median([len(e.record.request.text.split()) for e in examples]))
    signals = Counter(name for e in examples for name, _ in e.signals)
    signals["(none)"] = sum(1 for e in examples if not e.signals)
    listed = ", ".join(f"{name} {n}" for name, n in signals.most_common(SHOWN_SIGNALS) if n)
    messages = kinds.get("message", 0)
    return f"{messages} messages, median {words:.0f} words; {listed}"


def print_signal_weights(real: list[CorpusExample]) -> None:
    """Each signal that fires on real rows: on how many of each label, and its learned weight
    towards each label in the shipped combiner."""
    fired: dict[str, Counter[int]] = defaultdict(Counter)
    for example in real:
        for name, _ in example.signals:
            fired[name][LABELS.index(example.record.real_label)] += 1
    weights = shipped_corpus_model().weights
    names = " ".join(f"{label.value[:4]:>5}" for label in LABELS)
    print(f"\n{'signal':<28}{'rows':>5}   fires on {names}   weight {names}")
    for name, counts in sorted(fired.items(), key=lambda item: -item[1].total()):
        index, sign = column(f"s|{name}")
        learned = sign * weights[index].astype(float)
        on = " ".join(f"{counts[k]:>5}" for k in range(len(LABELS)))
        pushed = " ".join(f"{w:>+5.2f}" for w in learned)
        print(f"{name:<28}{counts.total():>5}   fires on {on}   weight {pushed}")


def print_separating_words(real: list[CorpusExample], towards: Label, against: Label) -> None:
    """The words and word pairs whose weight in the shipped combiner separates two labels most:
    what the text model reads where no signal speaks."""
    rows: Counter[str] = Counter()
    for example in real:
        names = feature_names(analyse(example.record.request.text), [])
        rows.update({name for name in names if name[0] in "wb"})
    weights = shipped_corpus_model().weights
    first, second = LABELS.index(towards), LABELS.index(against)
    gaps = []
    for name, count in rows.items():
        if count >= MIN_WORD_ROWS:
            index, sign = column(name)
            gaps.append((sign * float(weights[index, first] - weights[index, second]), name))
    gaps.sort()
    for label, chosen in ((towards, gaps[::-1]), (against, gaps)):
        listed = ", ".join(f"{name[2:]!r} {gap:+.2f}" for gap, name in chosen[:SHOWN_WORDS])
        print(f"  towards {label.value}: {listed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="a shuffled fold assignment")
    args = parser.parse_args()
    real_files = sorted((ROOT / "eval" / "real").glob("*.jsonl"))
    own_files = sorted((ROOT / "tests" / "fixtures").glob("dev_*.jsonl"))
    examples, _ = corpus_examples(real_files, own_files)
    held: list[CorpusExample] = []
    predicted: list[int] = []
    for test, model in out_of_fold(examples, seed=args.seed):
        held += test
        predicted += [int(model.probabilities(model_columns(e)).argmax()) for e in test]
    truth = [LABELS.index(e.record.real_label) for e in held]
    macro = f1_score(truth, predicted, average="macro")
    print(f"{len(held)} real rows out of fold, macro-F1 {macro:.3f}")
    print(
        "rows: true label, columns: the combiner's label ("
        + ", ".join(label.value for label in LABELS)
        + ")"
    )
    for label, row in zip(LABELS, confusion_matrix(truth, predicted), strict=True):
        print(f"  {label.value:<10}" + "".join(f"{n:>6}" for n in row))
    print("\nconfused pairs, largest first")
    pairs = confused_pairs(held, truth, predicted)
    for (wanted, found), rows in sorted(pairs.items(), key=lambda item: -len(item[1])):
        title = f"{LABELS[wanted].value} as {LABELS[found].value}"
        print(f"  {title:<24}{len(rows):>4}: {describe(rows)}")
    real = [e for e in examples if not e.own]
    print_signal_weights(real)
    print(f"\nwording in >= {MIN_WORD_ROWS} real rows, weight generic minus collector, shipped")
    print_separating_words(real, Label.GENERIC, Label.COLLECTOR)


if __name__ == "__main__":
    main()
