"""Command-line start: `kontaktfilter --help` (in English and in German) and `kontaktfilter check
TEXT`, end to end as a user runs them (a new process each time), median of 5, beside the
interpreter's own floor (`python -c pass`) and `python -c "import click"` in the same run. Run
without a store in the data folder (check then loads no store) and with one (check then reads
the learned model from it).

    python bench/bench_startup.py [--runs 5]

Issue 20's bars: --help <= 0.3 s (German too, issue 21), check <= 0.6 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KONTAKTFILTER = str(Path(sys.executable).with_name("kontaktfilter"))


def median_seconds(command: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    note = "Hallo Frau Albers, vielleicht ergeben sich wertvolle Synergien."
    with tempfile.TemporaryDirectory(prefix="kontaktfilter-start-") as folder:
        env = {**os.environ, "XDG_DATA_HOME": folder}
        env.pop("KONTAKTFILTER_DB", None)
        rows = {
            "python -c pass (floor)": [sys.executable, "-c", "pass"],
            'python -c "import click"': [sys.executable, "-c", "import click"],
            "kontaktfilter --help": [KONTAKTFILTER, "--help"],
            "kontaktfilter --lang de --help": [KONTAKTFILTER, "--lang", "de", "--help"],
            "kontaktfilter check TEXT (no store)": [KONTAKTFILTER, "check", note],
        }
        figures = {label: median_seconds(cmd, env, args.runs) for label, cmd in rows.items()}
        subprocess.run([KONTAKTFILTER, "stats"], env=env, check=True, capture_output=True)
        store_row = "kontaktfilter check TEXT (with a store)"
        figures[store_row] = median_seconds([KONTAKTFILTER, "check", note], env, args.runs)
    floor = figures["python -c pass (floor)"]
    for label, seconds in figures.items():
        print(f"{label:<42} {seconds:6.3f} s   {seconds / floor:5.1f}x the floor")
    bars = {
        "--help <= 0.3 s": figures["kontaktfilter --help"] <= 0.3,
        "--lang de --help <= 0.3 s": figures["kontaktfilter --lang de --help"] <= 0.3,
        "check <= 0.6 s (no store)": figures["kontaktfilter check TEXT (no store)"] <= 0.6,
        "check <= 0.6 s (with a store)": figures[store_row] <= 0.6,
    }
    for bar, met in bars.items():
        print(f"bar (issue 20): {bar}: {'met' if met else 'NOT met'}")
    return 0 if all(bars.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
