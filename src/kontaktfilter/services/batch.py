"""Scoring a stream of requests in batches, across processes when the input is big: what the
`score` command and the importer run on (`rescore` calls Engine.score_many on its own write
batches, inside their transactions).

A batch goes through Engine.score_many (one MinHash call, one corpus gather per batch) and is
rendered where it was scored, so a worker process sends back finished output, not verdict
objects to pickle again. Workers are forked from the process that built the engine (lexicons,
models, fingerprints are shared, not rebuilt; services/parallel.py), and the output keeps the
input's order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

from kontaktfilter.services.parallel import in_order

if TYPE_CHECKING:
    from kontaktfilter.engine import Engine
    from kontaktfilter.model import Request, Verdict

BATCH_SIZE = 512
"""Requests per batch: large enough that per-batch work pays, small enough to stream."""

Rendered = TypeVar("Rendered")
Render = Callable[[list["Request"], list["Verdict"]], Rendered]
Build = Callable[[Any], list["Request"]]
"""Turns a chunk as it travels (plain rows, cheap to pickle) into the engine's Requests."""

_worker: tuple[Engine, Render, Build | None] | None = None
"""The engine, renderer and builder of the batches being scored (a forked worker inherits
them, they are never pickled)."""


def batches(items: Iterable[Request], size: int = BATCH_SIZE) -> Iterator[list[Request]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _score(chunk: Any) -> object:
    assert _worker is not None, "scored outside score_batches"
    engine, render, build = _worker
    batch = chunk if build is None else build(chunk)
    return render(batch, engine.score_many(batch))


def score_batches(
    engine: Engine,
    chunks: Iterable[Any],
    render: Render,
    jobs: int = 1,
    build: Build | None = None,
) -> Iterator[Rendered]:
    """`render(batch, verdicts)` of each batch, in input order. With `jobs` > 1 the batches are
    scored in that many forked processes once a second batch exists. Chunks are lists of
    Requests, or what `build` turns into them where the batch is scored."""
    global _worker
    _worker = (engine, render, build)
    try:
        yield from in_order(_score, chunks, jobs)  # type: ignore[misc]
    finally:
        _worker = None
