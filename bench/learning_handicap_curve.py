"""How the learned signal's thresholds were tuned, without touching eval/: learning curves on
the development sets with the rules handicapped.

The rules already do well on the development sets (they were tuned there), so learning has
little to add on them. To see what learning adds where rules are weak, and whether it ever
turns on a genuine request, each seed switches off a random half of the rule signals (seed 0:
none) and runs the cross-validated learning curve of `kontaktfilter eval --learning-curve` on
tests/fixtures/dev_*.jsonl. docs/learning.md gives the figures.

    .venv/bin/python bench/learning_handicap_curve.py [--seeds 0 1 2 3 4 5] [--repeats 2]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from kontaktfilter.engine import Engine
from kontaktfilter.formats.records import Record, read_records
from kontaktfilter.learning.curve import learning_curve
from kontaktfilter.signals import REGISTRY

DEV = Path("tests/fixtures")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4, 5])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    records: list[Record] = []
    for path in sorted(DEV.glob("dev_*.jsonl")):
        with path.open("rb") as stream:
            records += [
                r for r in read_records(stream, path.name, "jsonl") if isinstance(r, Record)
            ]
    rules = sorted(name for name, signal in REGISTRY.items() if not signal.late)
    print(f"{len(records)} development requests; {len(rules)} rule signals")
    print(
        f"{'seed':>4}  {'off':>3}  {'rules F1':>8}  {'harmed':>6}  "
        + "  ".join(f"{size:>4}: gain  harmed" for size in args.sizes)
    )
    for seed in args.seeds:
        off = random.Random(seed).sample(rules, len(rules) // 2) if seed else []
        # without the corpus model: it was fitted on these very sets, with all rules on
        engine = Engine(weights=dict.fromkeys(off, 0.0), corpus=None)
        curve = learning_curve(records, engine, sizes=args.sizes, repeats=args.repeats)
        base = curve.rules.macro_f1()
        cells = "  ".join(
            f"{point.mean_f1 - base:>+10.3f}  {max(point.harmed):>6}" for point in curve.points
        )
        harmed = len(curve.rules.harmed)
        print(f"{seed:>4}  {len(off):>3}  {base:>8.3f}  {harmed:>6}  {cells}", flush=True)


if __name__ == "__main__":
    main()
