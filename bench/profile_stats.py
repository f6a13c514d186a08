"""What the profiling scripts (profile_import.py, profile_templates.py) read from cProfile's
statistics: each function's cumulative seconds, keyed by file name and function name, so a
stage is named by the functions that make it up whatever folder the tree was checked out in."""

from __future__ import annotations

import pstats
from pathlib import Path


def cumulative_seconds(stats: pstats.Stats) -> dict[str, float]:
    """`file.py:function` -> cumulative seconds (the largest where one name occurs twice)."""
    cumulative: dict[str, float] = {}
    for (path, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
        name = f"{Path(path).name}:{function}"
        cumulative[name] = max(cumulative.get(name, 0.0), row[3])
    return cumulative
