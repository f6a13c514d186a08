"""Plain-text tables whose headings come in the reader's language: a German heading is often
longer than the English one ("Trefferquote" for "recall"), so a column grows to its longest
heading or cell instead of cutting it or running into its neighbour."""

from __future__ import annotations

from collections.abc import Sequence


def aligned(rows: Sequence[Sequence[str]], widths: Sequence[int], left: int = 0) -> list[str]:
    """The rows as lines: column i at least `widths[i]` wide and one wider than its longest
    text (so that neighbours never touch); the first `left` columns flush left, the others
    flush right (figures)."""
    sizes = [
        max(width, max(map(len, column)) + (1 if i else 0))
        for i, (width, column) in enumerate(zip(widths, zip(*rows, strict=True), strict=False))
    ]
    return [
        "".join(
            cell.ljust(size) if i < left else cell.rjust(size)
            for i, (cell, size) in enumerate(zip(row, sizes, strict=True))
        ).rstrip()
        for row in rows
    ]
