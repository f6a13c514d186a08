"""Scoring a stream of requests in batches, across processes when the input is big: what the
`score` command runs on (the importer and `rescore` call Engine.score_many on their own write
batches, inside their transactions).

A batch goes through Engine.score_many (one MinHash call, one corpus gather per batch) and is
rendered where it was scored, so a worker process sends back finished output, not verdict
objects to pickle again. Workers are forked from the process that built the engine (lexicons,
models, fingerprints are shared, not rebuilt), at most `2 × jobs` batches are in flight (memory
stays bounded whatever the input's size), and the output keeps the input's order.
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

    from kontaktfilter.engine import Engine
    from kontaktfilter.model import Request, Verdict

BATCH_SIZE = 512
"""Requests per batch: large enough that per-batch work pays, small enough to stream."""

Rendered = TypeVar("Rendered")
Render = Callable[[list["Request"], list["Verdict"]], Rendered]

_worker: tuple[Engine, Render] | None = None
"""The forked worker's engine and renderer (inherited from the parent, never pickled)."""


def available_cores() -> int:
    """The cores this process may run on (a container's or taskset's limit, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def batches(items: Iterable[Request], size: int = BATCH_SIZE) -> Iterator[list[Request]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _install(engine: Engine, render: Render) -> None:
    global _worker
    _worker = (engine, render)


def _score(batch: list[Request]) -> object:
    assert _worker is not None, "the worker was started without an engine"
    engine, render = _worker
    return render(batch, engine.score_many(batch))


def score_batches(
    engine: Engine, chunks: Iterable[list[Request]], render: Render, jobs: int = 1
) -> Iterator[Rendered]:
    """`render(batch, verdicts)` of each batch, in input order. With `jobs` > 1 the batches are
    scored in that many forked processes; the pool starts only when a second batch exists, so a
    small input never pays for it."""
    iterator = iter(chunks)
    head = list(islice(iterator, 2))
    if jobs <= 1 or len(head) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for chunk in chain(head, iterator):
            yield render(chunk, engine.score_many(chunk))
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_install, initargs=(engine, render)) as pool:
        pending: deque[AsyncResult] = deque()
        for chunk in chain(head, iterator):
            pending.append(pool.apply_async(_score, (chunk,)))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
