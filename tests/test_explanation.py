"""A verdict's explanation is worked out when first read (model.Explanation), and every reader
gets all of it: the same hits, spans, details and learned weights as worked out at once, after
pickling, in the JSON of `score --jobs`, in the store and in the API."""

from __future__ import annotations

import json
import pickle
import sys
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from kontaktfilter.cli import main
from kontaktfilter.engine import Engine
from kontaktfilter.formats.verdicts import verdict_to_dict
from kontaktfilter.model import Detail, Request, Verdict
from kontaktfilter.store import open_store
from kontaktfilter.store.schema import StoredVerdict
from store_helpers import ENGINE, run_import
from web_helpers import client, screener

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from bench_scoring import generate  # noqa: E402

NOW = datetime(2026, 11, 20)
COMBINER = "LEARN_CORPUS_CATEGORY"
REAL = Path(__file__).resolve().parent.parent / "eval" / "real" / "german.jsonl"


def _requests() -> list[Request]:
    rows = [json.loads(line) for line in REAL.read_text(encoding="utf-8").splitlines()]
    real = [Request(text=row["text"], id=row["id"], lang=row.get("lang")) for row in rows]
    return [*generate(400, 41), *generate(400, 42, unique=True), *real, Request(text="")]


def _eager(engine: Engine, request: Request, now: datetime | None = NOW) -> tuple[tuple, tuple]:
    """The hits and learned weights worked out at once, through the public Engine.hits."""
    ctx = engine.context(request, now)
    hits = engine.hits(request, ctx)
    return tuple(hits), engine.learned_weights(hits, ctx)


def _explained(verdict: Verdict) -> bool:
    """Whether the combiner's hit, when present, says why: a detail in both languages."""
    hit = next((h for h in verdict.hits if h.name == COMBINER), None)
    return hit is None or (isinstance(hit.detail, Detail) and set(hit.detail.texts) == {"en", "de"})


def test_the_explanation_waits_for_a_reader_and_is_the_eager_one():
    engine, eager = Engine(), Engine()
    requests = _requests()
    verdicts = [engine.score(r, NOW) for r in requests]
    names = [v.signal_names for v in verdicts]  # the gate reads only these
    assert not any(v.explanation.resolved for v in verdicts)
    combined = 0
    for request, verdict, named in zip(requests, verdicts, names, strict=True):
        hits, learned = _eager(eager, request)
        assert (verdict.hits, verdict.learned_weights) == (hits, learned), request.id
        assert named == tuple(hit.name for hit in hits), request.id
        assert verdict.explanation.resolved and _explained(verdict)
        combined += any(h.name == COMBINER and h.detail and h.spans for h in hits)
    assert combined > len(requests) // 2  # the combiner spoke, with words to mark, mostly


def test_the_signal_names_need_no_explanation():
    """The gate and the command line list the signals that fired: their names, in order, are
    those of the explained hits, and reading them leaves the explanation pending."""
    verdicts = Engine().score_many(_requests(), NOW)
    names = [v.signal_names for v in verdicts]
    assert not any(v.explanation.resolved for v in verdicts)
    assert names == [tuple(hit.name for hit in v.hits) for v in verdicts]
    assert any(names)


def test_reading_the_weights_first_gives_the_same_explanation():
    request = Request(text="Vielleicht ergeben sich wertvolle Synergien.", lang="de")
    first, second = Engine().score(request, NOW), Engine().score(request, NOW)
    assert first.learned_weights and first.explanation.resolved
    assert first.hits == second.hits and first == second


def test_a_verdict_pickled_unread_carries_its_whole_explanation():
    requests = _requests()[::7]
    verdicts = Engine().score_many(requests, NOW)
    copies = pickle.loads(pickle.dumps(verdicts))
    assert all(c.explanation.resolved for c in copies)  # nothing pending crossed over
    for request, copy in zip(requests, copies, strict=True):
        assert (copy.hits, copy.learned_weights) == _eager(Engine(), request)
        assert _explained(copy)


def test_score_with_workers_writes_every_explanation(tmp_path):
    requests = generate(1100, 43, unique=True)
    path = tmp_path / "requests.jsonl"
    path.write_text(
        "".join(json.dumps({"id": r.id, "text": r.text}) + "\n" for r in requests), "utf-8"
    )
    result = CliRunner().invoke(main, ["score", str(path), "--json", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    engine = Engine()
    for index in (0, 513, 1099):  # in the first, second and last batch
        expected = verdict_to_dict(engine.score(Request(text=requests[index].text, id=str(index))))
        assert lines[index] == expected
    combiner = [s for line in lines for s in line["signals"] if s["name"] == COMBINER]
    assert len(combiner) == len(lines) and all(s["detail"] and s["spans"] for s in combiner)


def test_the_store_keeps_the_explanation_of_what_it_imported(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    run_import(store, Path("src/kontaktfilter/data/sample_inbox.jsonl"))
    with store.engine.connect() as conn:
        rows = conn.execute(select(StoredVerdict.request_id, StoredVerdict.signals))
        stored = {request_id: signals for request_id, signals in rows}
    checked = 0
    for batch in store.stored_requests():
        for request_id, request in batch:
            hits, _ = _eager(ENGINE, request, None)  # the importer's engine, its clock
            signals = stored[request_id]
            assert [s["name"] for s in signals] == [h.name for h in hits]
            for entry, hit in zip(signals, hits, strict=True):
                assert entry["detail"] == hit.detail
                assert entry["spans"] == [[s.start, s.end] for s in hit.spans]
                if hit.name == COMBINER:
                    assert entry["texts"] == hit.detail.texts
                    checked += 1
    assert checked > 0


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_api_explains_the_combiner(tmp_path, lang):
    state = screener(f"sqlite:///{tmp_path / 'store.db'}")
    text = "Vielleicht ergeben sich wertvolle Synergien."
    with client(state) as web:
        verdict = web.post("/api/score", json={"text": text, "lang": lang}).json()
    hit = next(s for s in verdict["signals"] if s["name"] == COMBINER)
    assert hit["detail"] and hit["spans"] and hit["learned_weight"] is None
    assert all(s["learned_weight"] is not None for s in verdict["signals"] if s is not hit)
