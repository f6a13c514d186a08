"""How far two careful annotators agree on the four labels of the real rows: an upper bound on
what any classifier can reach on eval/real/, and a measure of how well the labels are defined.

A second annotator labelled the rows blind (only id, text, lang and kind shown; no label, note or
source), from the label definitions of eval/real/README.md alone. This script compares that
second labelling (eval/second_labels.jsonl: `id`, `label2`) with the corpus labels
(eval/real/*.jsonl), taking the corpus labels as the truth, and prints per file and overall:
agreement rate, Cohen's kappa, macro-F1 and the 4x4 confusion matrix, all rows and then only
the rows whose note does not say "borderline" or "uncertain".

    python eval/agreement.py [--second eval/second_labels.jsonl] [--disagreements]

The second labels live outside eval/real/ on purpose: everything there is read by
`kontaktfilter eval eval/real/*.jsonl`, `make corpus-model` and tests/test_corpus_model.py, which
expect a `text` on every row.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import cohen_kappa_score, confusion_matrix, f1_score

ROOT = Path(__file__).resolve().parent.parent
LABELS = ["personal", "generic", "collector", "pitch"]
CONTESTED = ("borderline", "uncertain")

Row = dict[str, str]


def read_jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def read_corpus(directory: Path) -> dict[str, list[Row]]:
    """The corpus rows by file name: id, text, label and note."""
    files: dict[str, list[Row]] = {}
    for path in sorted(directory.glob("*.jsonl")):
        files[path.name] = [
            {
                "id": str(row["id"]),
                "text": str(row["text"]),
                "label": str(row["label"]),
                "note": str(row.get("note") or ""),
            }
            for row in read_jsonl(path)
        ]
    return files


def read_second(path: Path) -> dict[str, str]:
    return {str(row["id"]): str(row["label2"]) for row in read_jsonl(path)}


def is_contested(row: Row) -> bool:
    note = row["note"].lower()
    return any(word in note for word in CONTESTED)


def figures(truth: list[str], second: list[str]) -> tuple[int, float, float, float]:
    """Rows, agreement rate, Cohen's kappa, macro-F1 over the labels that occur in either
    labelling (a label absent from both would otherwise count as an F1 of 0 in a small file)."""
    if not truth:
        return 0, float("nan"), float("nan"), float("nan")
    agree = float(np.mean([a == b for a, b in zip(truth, second, strict=True)]))
    kappa = float(cohen_kappa_score(truth, second, labels=LABELS))
    present = [label for label in LABELS if label in truth or label in second]
    macro = float(f1_score(truth, second, labels=present, average="macro", zero_division=0))
    return len(truth), agree, kappa, macro


def format_matrix(truth: list[str], second: list[str]) -> str:
    matrix = confusion_matrix(truth, second, labels=LABELS)
    width = max(len(label) for label in LABELS) + 2
    lines = [" " * width + "".join(f"{label:>{width}}" for label in LABELS) + "   (2nd ->)"]
    for label, counts in zip(LABELS, matrix, strict=True):
        lines.append(f"{label:<{width}}" + "".join(f"{n:>{width}}" for n in counts))
    return "\n".join(lines)


def report(files: dict[str, list[Row]], second: dict[str, str], clean_only: bool) -> str:
    title = "rows whose note has no 'borderline'/'uncertain'" if clean_only else "all rows"
    lines = [f"== {title} (corpus label = truth) ==", ""]
    lines.append(f"{'file':<24}{'rows':>6}{'agree':>8}{'kappa':>8}{'macroF1':>9}")
    all_truth: list[str] = []
    all_second: list[str] = []
    for name, rows in files.items():
        chosen = [r for r in rows if r["id"] in second and not (clean_only and is_contested(r))]
        truth = [r["label"] for r in chosen]
        mine = [second[r["id"]] for r in chosen]
        all_truth += truth
        all_second += mine
        n, agree, kappa, macro = figures(truth, mine)
        lines.append(f"{name:<24}{n:>6}{agree:>8.3f}{kappa:>8.3f}{macro:>9.3f}")
    n, agree, kappa, macro = figures(all_truth, all_second)
    lines.append(f"{'ALL':<24}{n:>6}{agree:>8.3f}{kappa:>8.3f}{macro:>9.3f}")
    lines += ["", "confusion matrix, rows = corpus label, columns = second label:"]
    lines.append(format_matrix(all_truth, all_second))
    per_label = f1_score(all_truth, all_second, labels=LABELS, average=None, zero_division=0)
    pairs = zip(LABELS, per_label, strict=True)
    lines.append("per-label F1: " + ", ".join(f"{label} {f1:.3f}" for label, f1 in pairs))
    return "\n".join(lines)


def disagreements(files: dict[str, list[Row]], second: dict[str, str]) -> str:
    lines = ["== disagreements (id | corpus -> second | contested? | text) =="]
    for rows in files.values():
        for row in rows:
            mine = second.get(row["id"])
            if mine is not None and mine != row["label"]:
                flag = "contested" if is_contested(row) else "-"
                text = " ".join(row["text"].split())[:150]
                lines.append(f"{row['id']} | {row['label']} -> {mine} | {flag} | {text}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=ROOT / "eval" / "real")
    parser.add_argument("--second", type=Path, default=ROOT / "eval" / "second_labels.jsonl")
    parser.add_argument("--disagreements", action="store_true", help="list every disagreement")
    args = parser.parse_args()

    files = read_corpus(args.real)
    second = read_second(args.second)
    known = {row["id"] for rows in files.values() for row in rows}
    unknown = sorted(set(second) - known)
    if unknown:
        print(f"ids in {args.second} that no corpus row has: {unknown[:10]}", file=sys.stderr)
        return 1
    bad = sorted({label for label in second.values() if label not in LABELS})
    if bad:
        print(f"unknown labels in {args.second}: {bad}", file=sys.stderr)
        return 1
    print(f"second labels: {len(second)} of {len(known)} corpus rows\n")
    print(report(files, second, clean_only=False))
    print()
    print(report(files, second, clean_only=True))
    if args.disagreements:
        print()
        print(disagreements(files, second))
    return 0


if __name__ == "__main__":
    sys.exit(main())
