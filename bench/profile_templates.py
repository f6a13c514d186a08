"""Where `kontaktfilter templates FILE --json` spends its time: the command under cProfile on
one core, on messages from bench_templates.py's generator, its time split into the stages of
issue 20 (start, reading and JSON, tokenising, shingles and MinHash, indexing, clustering,
output), for this tree and, with --before REF, for an earlier commit in the same run.

    python bench/profile_templates.py [--messages 200000] [--before REF]

cProfile slows Python code per call far more than NumPy's, so the shares say where to look,
not what the command takes without it (bench_templates.py measures that).
"""

from __future__ import annotations

import argparse
import os
import pstats
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_templates import generate, write_jsonl  # noqa: E402
from checkout import checked_out  # noqa: E402
from profile_stats import cumulative_seconds  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STAGES = {
    "imports (also those inside the command)": ["<frozen importlib._bootstrap>:_find_and_load"],
    "reading and JSON": [
        "template_notes.py:read_template_notes",
        "template_notes.py:notes_of_lines",
    ],
    "tokenising": ["normalise.py:template_tokens", "note_batch.py:note_words"],
    "shingles and MinHash": ["minhash.py:signatures", "minhash.py:word_signatures"],
    "clustering (bands, checks, components)": ["clustering.py:cluster_labels"],
    "output": ["templates.py:write_clusters"],
}
"""Each stage's time is the cumulative time of its functions (old and new names): a function
that runs inside another stage's (tokenising inside indexing) is counted in its own stage and
taken out of the rest."""
WHOLE = "templates.py:templates"


def profile(tree: Path, source: Path, out: Path) -> pstats.Stats:
    """The command of `tree` under cProfile, pinned to one core (no workers)."""
    stats = out.with_suffix(".prof")
    command = [sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "kontaktfilter.cli"]
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    with out.open("wb") as output:
        subprocess.run(
            ["taskset", "-c", str(min(os.sched_getaffinity(0))), *command, "templates"]
            + [str(source), "--json"],
            stdout=output,
            stderr=subprocess.DEVNULL,
            env=env,
            check=True,
        )
    return pstats.Stats(str(stats))


def stage_seconds(stats: pstats.Stats) -> dict[str, float]:
    """Cumulative seconds per stage, the command's own body and the whole run."""
    cumulative = cumulative_seconds(stats)
    found = {stage: sum(cumulative.get(n, 0.0) for n in names) for stage, names in STAGES.items()}
    body = cumulative.get(WHOLE, 0.0)
    found["indexing and the rest of the command"] = body - sum(
        seconds for stage, seconds in found.items() if not stage.startswith("imports")
    )
    found["whole run under cProfile"] = stats.total_tt  # type: ignore[attr-defined]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--before", help="also profile this earlier commit")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "messages.jsonl"
        write_jsonl(generate(args.messages, 3)[0], source)
        results = {"this tree": stage_seconds(profile(ROOT, source, work / "now.jsonl"))}
        if args.before:
            with checked_out(args.before, work) as tree:
                before = stage_seconds(profile(tree, source, work / "before.jsonl"))
            results = {f"before ({args.before})": before, **results}
            same = (work / "now.jsonl").read_bytes() == (work / "before.jsonl").read_bytes()
            print(f"outputs identical: {same}")
    print(f"`kontaktfilter templates FILE --json`, {args.messages:,} messages, one core, cProfile")
    print(f"{'stage':42}" + "".join(f"{label:>22}" for label in results))
    for stage in next(iter(results.values())):
        print(f"{stage:42}" + "".join(f"{r[stage]:20.2f} s" for r in results.values()))


if __name__ == "__main__":
    main()
