"""An earlier commit of this repository checked out beside it, for the scripts that measure
the tree against an earlier one in the same run (bench_before_after, bench_score_cli,
verdicts_before_after). The checkout is a detached git worktree in a folder the caller owns,
removed again whatever happens, so nothing of the current tree is touched."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def checked_out(ref: str, folder: Path) -> Iterator[Path]:
    """The tree of `ref` at `folder`/before while the block runs."""
    tree = folder / "before"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), ref],
        check=True,
        capture_output=True,
    )
    try:
        yield tree
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
            check=False,
            capture_output=True,
        )
