"""The batch path (Engine.score_many, services.batch) gives the verdicts of the single path."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from kontaktfilter.bulk.fingerprints import FingerprintSet, shipped_fingerprints
from kontaktfilter.bulk.index import TemplateIndex
from kontaktfilter.cli import main
from kontaktfilter.engine import Engine
from kontaktfilter.formats.verdicts import verdict_to_dict
from kontaktfilter.model import Request
from kontaktfilter.scoring.corpus_model import shipped_corpus_model
from kontaktfilter.signals.context import History
from kontaktfilter.text.note import clear_memos

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from bench_scoring import generate  # noqa: E402

NOW = datetime(2026, 11, 20)


def _cold_engine(history: History | None) -> Engine:
    """An engine whose memos are empty, so each path computes for itself."""
    clear_memos()
    model = shipped_corpus_model()
    assert model is not None
    model.clear_memos()
    return Engine(history=history)


def _requests() -> list[Request]:
    """Template-heavy and all-unique notes, plus empty and one-word notes."""
    mixed = generate(1500, 21) + generate(1500, 22, unique=True)
    return [*mixed, Request(text="", id="empty"), Request(text="Hallo", id="one-word")]


def _index(requests: list[Request]) -> TemplateIndex:
    index = TemplateIndex()
    index.add_many([(r.id or "", r.sender.name, r.text, NOW, ()) for r in requests[:2000]])
    return index


@pytest.mark.parametrize("history", ["none", "fingerprints", "index"])
def test_score_many_equals_score_on_thousands(history):
    requests = _requests()
    histories = {
        "none": None,
        "fingerprints": History(fingerprints=FingerprintSet(shipped_fingerprints())),
        "index": History(templates=_index(requests)),
    }
    single = _cold_engine(histories[history])
    one_by_one = [single.score(r, NOW) for r in requests]
    batched = _cold_engine(histories[history])
    in_batches = []
    for start in range(0, len(requests), 700):
        in_batches += batched.score_many(requests[start : start + 700], NOW)
    assert len(in_batches) == len(one_by_one) == len(requests)
    differing = [a.request_id for a, b in zip(one_by_one, in_batches, strict=True) if a != b]
    assert differing == []
    assert any(v.hits for v in in_batches)


def test_score_many_of_nothing():
    assert Engine().score_many([]) == []


def test_score_in_parallel_keeps_verdicts_and_order(tmp_path):
    path = tmp_path / "requests.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for r in generate(1300, 23, unique=True):
            out.write(json.dumps({"id": r.id, "text": r.text}, ensure_ascii=False) + "\n")
    runner = CliRunner()
    outputs = {}
    for jobs in ("1", "2"):
        result = runner.invoke(main, ["score", str(path), "--json", "--jobs", jobs])
        assert result.exit_code == 0, result.output
        outputs[jobs] = [json.loads(line) for line in result.stdout.splitlines()]
    assert [v["id"] for v in outputs["2"]] == [str(i) for i in range(1300)]
    assert outputs["1"] == outputs["2"]
    engine = Engine()
    expected = verdict_to_dict(engine.score(Request(text=generate(1300, 23, True)[7].text, id="7")))
    assert outputs["2"][7] == expected
