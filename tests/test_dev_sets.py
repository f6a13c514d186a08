"""Regression guard on the team's own sets: behaviour, not quality (docs/quality.md; quality is
measured on real requests). What the rules reached on the tuning sets must not silently drop, and
no genuine request may be declined; the rules are measured alone there. On the two check sets
(authors who saw neither the rules nor the sets) the whole engine is measured on the four labels
of real requests, with no genuine request declined."""

from __future__ import annotations

from pathlib import Path

import pytest

from kontaktfilter.engine import Engine
from kontaktfilter.formats.records import Record, read_records
from kontaktfilter.learning.evaluation import Evaluation, score_real

FIXTURES = Path("tests/fixtures")


@pytest.mark.parametrize(
    ("name", "min_macro_f1"),
    [
        ("dev_requests.jsonl", 0.95),
        ("dev_more.jsonl", 0.94),
        ("dev_third.jsonl", 0.95),
        ("dev_fourth.jsonl", 0.95),
        ("dev_fifth.jsonl", 0.96),
        ("dev_sixth.jsonl", 0.952),
        ("dev_seventh.jsonl", 0.955),
        ("dev_eighth.jsonl", 0.955),
        ("dev_ninth.jsonl", 0.97),
        ("dev_tenth.jsonl", 0.85),
        ("dev_eleventh.jsonl", 0.98),
    ],
)
def test_tuning_set_quality(name: str, min_macro_f1: float) -> None:
    evaluation = _evaluate(Engine(corpus=None), name)
    assert evaluation.macro_f1() >= min_macro_f1
    assert evaluation.genuine_harmed == []


@pytest.mark.parametrize(
    ("name", "min_macro_f1"), [("check_twelfth.jsonl", 0.85), ("check_thirteenth.jsonl", 0.88)]
)
def test_unseen_check_sets_with_the_whole_engine(name: str, min_macro_f1: float) -> None:
    """The check sets were written by authors who saw neither the rules nor these sets, and are
    never used to fit the combiner: here the whole engine is measured, on the four labels
    (0.888 and 0.914 when the combiner moved to real text; a refit moves them by about 0.03)."""
    with (FIXTURES / name).open("rb") as stream:
        records = [r for r in read_records(stream, name, "jsonl") if isinstance(r, Record)]
    evaluation = score_real(Engine(), records)
    assert evaluation.macro_f1() >= min_macro_f1
    assert evaluation.harmed == []


def _evaluate(engine: Engine, name: str) -> Evaluation:
    """Every labelled request of the fixture file `name`, scored by `engine`."""
    evaluation = Evaluation()
    with (FIXTURES / name).open("rb") as stream:
        for record in read_records(stream, name, "jsonl"):
            assert isinstance(record, Record), record
            verdict = engine.score(record.request)
            evaluation.add(record.request.id, record.label, verdict.category, verdict.action)
    return evaluation
