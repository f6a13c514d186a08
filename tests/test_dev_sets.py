"""Regression guard on the tuning sets (never on eval/, which stays held out): the quality the
rules reached on them must not silently drop, and no genuine request may be declined. The rules
are measured alone: the corpus model was fitted on these very sets, so with it the figures
would say nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kontaktfilter.engine import Engine
from kontaktfilter.evaluation import Evaluation
from kontaktfilter.records import Record, read_records

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
    ("name", "min_macro_f1"), [("check_twelfth.jsonl", 0.87), ("check_thirteenth.jsonl", 0.85)]
)
def test_unseen_check_sets_with_the_corpus_model(name: str, min_macro_f1: float) -> None:
    """The check sets were written by authors who saw neither the rules nor these sets, and are
    never used to fit the corpus model: here the whole engine is measured."""
    evaluation = _evaluate(Engine(), name)
    assert evaluation.macro_f1() >= min_macro_f1
    assert evaluation.genuine_harmed == []


def _evaluate(engine: Engine, name: str) -> Evaluation:
    """Every labelled request of the fixture file `name`, scored by `engine`."""
    evaluation = Evaluation()
    with (FIXTURES / name).open("rb") as stream:
        for record in read_records(stream, name, "jsonl"):
            assert isinstance(record, Record), record
            verdict = engine.score(record.request)
            evaluation.add(record.request.id, record.label, verdict.category, verdict.action)
    return evaluation
