"""Whether this tree gives exactly the verdicts of an earlier commit: for a change that should make
scoring faster and nothing else.

    python bench/verdicts_before_after.py REF [--requests 3000]

REF is checked out into a temporary worktree. Each tree scores the same requests (generated
template-heavy and all-unique notes as in bench_scoring.py, every real row of eval/real/, an
empty note) one by one, in batches (Engine.score_many) and with the shipped fingerprints, in its
own process, and writes every field of every verdict with its floats in full (repr): category,
action, score, probabilities, rule, reply, and the explanation (each hit's name, group, weight,
strength, spans, detail in both languages, the learned weights). Prints how many verdicts
differ per path, and the first difference; exits 1 when any does.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scoring import generate  # noqa: E402
from checkout import checked_out  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 20)
BATCH = 512


def _requests(count: int) -> list:
    """The requests both trees score; built with the model of the tree that imports this."""
    from kontaktfilter.model import Request

    found = generate(count, 31) + generate(count, 32, unique=True)
    for path in sorted((ROOT / "eval" / "real").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            found.append(Request(text=row["text"], id=row["id"], lang=row.get("lang")))
    return [*found, Request(text="", id="empty")]


def _line(verdict) -> str:
    """Every field of a verdict, floats in full, details with both languages' wording."""
    hits = [
        (
            h.name,
            str(h.group),
            repr(h.weight),
            repr(h.strength),
            [tuple(span) for span in h.spans],
            str(h.detail),
            getattr(h.detail, "texts", None),
            h.description,
            sorted(map(str, h.roles)),
        )
        for h in verdict.hits
    ]
    head = (verdict.request_id, verdict.lang, repr(verdict.score), str(verdict.category))
    rest = (str(verdict.action), verdict.rule, verdict.reply, verdict.reply_note)
    learned = [(name, repr(weight)) for name, weight in verdict.learned_weights]
    return repr((*head, *rest, verdict.truncated, repr(verdict.genuine), hits, learned))


def dump(out: Path, count: int) -> None:
    """Score the requests three ways with the kontaktfilter on PYTHONPATH; one line each."""
    from kontaktfilter.bulk.fingerprints import FingerprintSet, shipped_fingerprints
    from kontaktfilter.engine import Engine
    from kontaktfilter.signals.context import History

    requests = _requests(count)
    single = Engine()
    batched = Engine()
    shipped = Engine(history=History(fingerprints=FingerprintSet(shipped_fingerprints())))
    with out.open("w", encoding="utf-8") as file:
        for request in requests:
            file.write("single " + _line(single.score(request, NOW)) + "\n")
        for start in range(0, len(requests), BATCH):
            for verdict in batched.score_many(requests[start : start + BATCH], NOW):
                file.write("batch " + _line(verdict) + "\n")
        for request in requests:
            file.write("fingerprints " + _line(shipped.score(request, NOW)) + "\n")


def _run(tree: Path, out: Path, count: int) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    command = [sys.executable, __file__, "--dump", str(out), "--requests", str(count)]
    subprocess.run(command, env=env, check=True)
    return out.read_text(encoding="utf-8").splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", nargs="?", help="the earlier git revision")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        dump(args.dump, args.requests)
        return
    if not args.ref:
        parser.error("REF is required")
    with tempfile.TemporaryDirectory() as folder, checked_out(args.ref, Path(folder)) as tree:
        before = _run(tree, Path(folder) / "before.txt", args.requests)
        now = _run(ROOT, Path(folder) / "now.txt", args.requests)
    differing = 0
    for path in ("single", "batch", "fingerprints"):
        pairs = [(a, b) for a, b in zip(before, now, strict=True) if a.startswith(path + " ")]
        diff = [(a, b) for a, b in pairs if a != b]
        differing += len(diff)
        print(f"{path:<13} {len(pairs):>6} verdicts, {len(diff)} differ")
        if diff:
            print(f"  first, before: {diff[0][0][:400]}\n  first, now:    {diff[0][1][:400]}")
    print("identical" if differing == 0 else "NOT identical")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
