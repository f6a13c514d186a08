"""A function over a stream of items in forked worker processes, results in input order: how
`score` and `templates` spread their batches over the cores.

Workers are forked from the calling process, so what it has built (an engine, word tables) is
shared, not rebuilt or pickled; at most `2 × jobs` items are in flight, so memory stays bounded
whatever the input's size; and the pool starts only when a second item exists, so a small input
never pays for it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

Item = TypeVar("Item")
Result = TypeVar("Result")


def available_cores() -> int:
    """The cores this process may run on (a container's or taskset's limit, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def in_order(
    function: Callable[[Item], Result], items: Iterable[Item], jobs: int
) -> Iterator[Result]:
    """`function(item)` of each item, in the items' order: here when `jobs` is 1 (or the
    platform cannot fork), else in `jobs` forked processes. `function` must be a module-level
    function; what it needs beyond its item it finds in module globals set before the call."""
    iterator = iter(items)
    head = list(islice(iterator, 2))
    if jobs <= 1 or len(head) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(function, chain(head, iterator))
        return
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pending: deque[AsyncResult] = deque()
        for item in chain(head, iterator):
            pending.append(pool.apply_async(function, (item,)))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
