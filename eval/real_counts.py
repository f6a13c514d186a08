"""The counts of eval/real/README.md's table, printed from the files: rows, labels, German rows,
`kind: message` rows and sources (authors, as cross-validation groups them) per file, then the
totals; and per file how many notes carry the marks of the collection rules (borderline or
uncertain, template, quoted as received) and the most rows one source gives (the rule: 15). A
file's `new` column counts its authors that no file before it (in the table's order) has, so a
new round shows how many of its authors are new to the corpus.

    python eval/real_counts.py [FILES ...]     # default: eval/real/*.jsonl in the table's order
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from kontaktfilter.formats.records import source_group

ROOT = Path(__file__).resolve().parent.parent
LABELS = ("personal", "generic", "collector", "pitch")
MARKS = {
    "borderline": ("borderline", "uncertain"),
    "template": ("template",),
    "quoted": ("quoted as received",),
}
# the table's order in eval/real/README.md; files not named here follow, sorted
TABLE_ORDER = (
    "public-requests.jsonl",
    "github-en.jsonl",
    "github-round2.jsonl",
    "github-round3.jsonl",
    "pages-en.jsonl",
    "pages-round2.jsonl",
    "german.jsonl",
)


def ordered(paths: list[Path]) -> list[Path]:
    def key(path: Path) -> tuple[int, str]:
        name = path.name
        return (TABLE_ORDER.index(name), name) if name in TABLE_ORDER else (len(TABLE_ORDER), name)

    return sorted(paths, key=key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    files = args.files or ordered(list((ROOT / "eval" / "real").glob("*.jsonl")))
    header = ("file", "rows", *LABELS, "de", "message", "sources", "new")
    line = "{:<24}" + "{:>10}" * (len(header) - 1)
    print(line.format(*header))
    seen: set[str] = set()
    totals = dict.fromkeys((*LABELS, "rows", "de", "message"), 0)
    for path in files:
        rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        groups = {source_group(row["source"]) for row in rows}
        counts = {
            "rows": len(rows),
            **{label: sum(row["label"] == label for row in rows) for label in LABELS},
            "de": sum(row.get("lang") == "de" for row in rows),
            "message": sum(row.get("kind") == "message" for row in rows),
        }
        for name, value in counts.items():
            totals[name] += value
        values = (counts[name] for name in ("rows", *LABELS, "de", "message"))
        print(line.format(path.name, *values, len(groups), len(groups - seen)))
        seen |= groups
    values = (totals[name] for name in ("rows", *LABELS, "de", "message"))
    print(line.format("all", *values, len(seen), ""))
    print()
    line = "{:<24}" + "{:>12}" * (len(MARKS) + 1)
    print(line.format("notes marked", *MARKS, "most/source"))
    for path in files:
        rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        notes = [row.get("note", "").lower() for row in rows]
        marked = (sum(any(w in n for w in words) for n in notes) for words in MARKS.values())
        most = Counter(row["source"] for row in rows).most_common(1)[0][1]
        print(line.format(path.name, *marked, most))


if __name__ == "__main__":
    main()
