"""The corpus model's remembered rows under threads: the web app scores in a thread pool, and
rows added by two threads at once must still land under their own words."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pytest

from kontaktfilter.scoring import owner_rows
from kontaktfilter.scoring.corpus_model import CorpusModel, Reading, shipped_corpus_model
from kontaktfilter.text.note import AnalysedNote, analyse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from bench_scoring import generate  # noqa: E402


def read_all(model: CorpusModel, notes: list[AnalysedNote]) -> list[Reading]:
    return [model.read(note, []) for note in notes]


def test_threads_reading_new_words_at_once_get_the_readings_of_one_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shipped = shipped_corpus_model()
    assert shipped is not None
    notes = [analyse(r.text) for r in generate(1_200, seed=5, unique=True)]
    blob = shipped.to_bytes()
    alone = CorpusModel.from_bytes(blob)
    expected = [alone.read(note, []).probabilities for note in notes]
    monkeypatch.setattr(owner_rows, "FIRST_ROWS", 8)  # the table grows often while threads add
    for _ in range(3):
        shared = CorpusModel.from_bytes(blob)
        chunks = [notes[k::4] for k in range(4)]
        with ThreadPoolExecutor(4) as pool:
            read = list(pool.map(partial(read_all, shared), chunks))
        for k, chunk in enumerate(read):
            for offset, reading in enumerate(chunk):
                assert reading.probabilities == pytest.approx(expected[k + 4 * offset], abs=1e-6)
