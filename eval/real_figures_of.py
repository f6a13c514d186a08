"""The four-label figures (harm, leak, macro-F1) of any version of kontaktfilter on the real rows,
measured the way issue 17 states its bars: `kontaktfilter score --json` on the notes, the
category mapped to the label of eval/real/README.md.

    python eval/real_figures_of.py REF [FILES ...]     # e.g. REF = 065f7f2, the engine before

REF is checked out into a temporary worktree and run from there, on the notes without their
labels (older versions read no `pitch` label). The shipped combiner of the current tree was fitted
on these rows, so for the current tree use `kontaktfilter eval --group-by source` instead: this
script is for versions whose models never saw them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from kontaktfilter.learning.evaluation import RealEvaluation, format_real_report
from kontaktfilter.model import LABEL_OF_CATEGORY, Action, Category, Label

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", help="the git revision to measure")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    files = args.files or sorted((ROOT / "eval" / "real").glob("*.jsonl"))
    rows = [json.loads(line) for path in files for line in path.open(encoding="utf-8")]
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "tree"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.ref],
            check=True,
            capture_output=True,
        )
        try:
            notes = Path(folder) / "notes.jsonl"
            with notes.open("w", encoding="utf-8") as stream:
                for number, row in enumerate(rows):
                    note = {"id": str(number), "text": row["text"], "lang": row.get("lang")}
                    if row.get("kind"):
                        note["kind"] = row["kind"]
                    stream.write(json.dumps(note, ensure_ascii=False) + "\n")
            output = subprocess.run(
                [sys.executable, "-m", "kontaktfilter.cli", "score", str(notes), "--json"],
                env={**os.environ, "PYTHONPATH": str(tree / "src")},
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                check=False,
                capture_output=True,
            )
    evaluation = RealEvaluation()
    for line in output.splitlines():
        verdict = json.loads(line)
        row = rows[int(verdict["id"])]
        predicted = LABEL_OF_CATEGORY[Category(verdict["category"])]
        evaluation.add(row["id"], Label(row["label"]), predicted, Action(verdict["action"]))
    print(format_real_report(evaluation, f"{args.ref}: {evaluation.total} real requests"))


if __name__ == "__main__":
    main()
