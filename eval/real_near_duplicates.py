"""Near-duplicates of a new round of real rows, by the collection rule of eval/real/README.md:
each row's text, normalised (lower case, punctuation dropped, white space collapsed), against
every row of the other files and the rows before it in its own file; a difflib ratio of 0.85 or
more means drop, 0.70 to 0.85 means look by hand. Prints each such pair and a count.

    python eval/real_near_duplicates.py eval/real/round7.jsonl [--against DIR]
"""

from __future__ import annotations

import argparse
import json
import re
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DROP, LOOK = 0.85, 0.70


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", "", text.lower())).strip()


def rows_of(path: Path) -> list[tuple[str, str]]:
    lines = path.open(encoding="utf-8")
    return [(row["id"], normalised(row["text"])) for row in map(json.loads, lines)]


def closest(text: str, others: list[tuple[str, str]]) -> tuple[float, str]:
    best, best_id = 0.0, ""
    for other_id, other in others:
        matcher = SequenceMatcher(None, text, other)
        if matcher.real_quick_ratio() < max(best, LOOK) or matcher.quick_ratio() < max(best, LOOK):
            continue
        ratio = matcher.ratio()
        if ratio > best:
            best, best_id = ratio, other_id
    return best, best_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--against", type=Path, default=ROOT / "eval" / "real")
    args = parser.parse_args()
    others = [
        row
        for path in sorted(args.against.glob("*.jsonl"))
        if path.resolve() != args.file.resolve()
        for row in rows_of(path)
    ]
    new = rows_of(args.file)
    drop = look = 0
    for index, (row_id, text) in enumerate(new):
        ratio, other_id = closest(text, others + new[:index])
        if ratio >= LOOK:
            verdict = "drop" if ratio >= DROP else "look"
            drop, look = drop + (verdict == "drop"), look + (verdict == "look")
            print(f"{row_id}  {other_id}  {ratio:.2f}  {verdict}")
    print(f"{len(new)} rows against {len(others)}: {drop} at >= {DROP}, {look} at {LOOK}-{DROP}")


if __name__ == "__main__":
    main()
