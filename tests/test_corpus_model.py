"""The corpus model: fitted on the current rules and development sets, stored safely, and never
turning on a person the protections cover."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from kontaktfilter.engine import Engine
from kontaktfilter.learning.corpus import (
    CATEGORIES,
    CorpusInfo,
    CorpusModel,
    CorpusModelError,
    shipped_corpus_model,
)
from kontaktfilter.learning.corpus_training import corpus_examples, features_digest, main
from kontaktfilter.learning.features import N_FEATURES, column
from kontaktfilter.learning.model import DECLINE, REPLY, LearnedModel
from kontaktfilter.learning.training import TrainingExample, train
from kontaktfilter.model import Category, Profile, Request

DEV_SETS = sorted(Path("tests/fixtures").glob("dev_*.jsonl"))
NOW = datetime(2026, 6, 1, tzinfo=UTC)
INFO = CorpusInfo({"made-up": 0}, "0" * 64, 1.0)


def leaning_to(category: Category, word: str | None = None) -> CorpusModel:
    """A real model whose parameters are set by hand: it sees every note as `category`, or,
    with `word`, only the notes that contain that word."""
    weights = np.zeros((N_FEATURES, len(CATEGORIES)), dtype=np.float32)
    intercepts = np.zeros(len(CATEGORIES))
    index = CATEGORIES.index(category)
    if word is None:
        intercepts[index] = 5.0
    else:
        where, sign = column(f"w|{word}")
        weights[where, index] = 50.0 * sign
    return CorpusModel(weights, intercepts, INFO)


def corpus_hit(engine: Engine, request: Request):
    verdict = engine.score(request)
    hits = [hit for hit in verdict.hits if hit.name == "LEARN_CORPUS_CATEGORY"]
    return verdict, (hits[0] if hits else None)


def test_the_shipped_model_is_fitted_on_the_current_rules_and_development_sets() -> None:
    model = shipped_corpus_model()
    assert model is not None, "run `make corpus-model`"
    examples, sources = corpus_examples(DEV_SETS)
    assert model.info.sources == sources, "the development sets changed: `make corpus-model`"
    assert model.info.features_digest == features_digest(examples), (
        "the rules fire differently on the development sets than when the corpus model was "
        "fitted: run `make corpus-model`"
    )


def test_training_refuses_the_held_out_set(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["eval/requests.jsonl", "--output", str(tmp_path / "m.npz")])


def test_a_model_survives_storage_and_bad_blobs_are_refused() -> None:
    model = leaning_to(Category.GENERIC, "servus")
    again = CorpusModel.from_bytes(model.to_bytes())
    assert again.info == model.info
    assert np.array_equal(again.intercepts, model.intercepts)
    assert np.allclose(again.weights, model.weights)
    for blob in (b"", b"not a model", model.to_bytes()[:100]):
        with pytest.raises(CorpusModelError):
            CorpusModel.from_bytes(blob, "test blob")


def test_the_opinion_decides_and_explains_itself() -> None:
    engine = Engine().with_corpus(leaning_to(Category.GENERIC))
    request = Request(text="Servus, vielleicht ergeben sich ja Synergien.")
    assert Engine(corpus=None).score(request).category == Category.VAGUE
    verdict, hit = corpus_hit(engine, request)
    assert verdict.category == Category.GENERIC
    assert hit is not None and hit.group == "generic" and hit.score > 0
    assert "Korpus" in hit.detail or "corpus" in hit.detail
    for span in hit.spans:
        assert request.text[span.start : span.end] == span.text


def test_the_opinion_stays_silent_where_it_agrees_or_is_unsure() -> None:
    agreeing = Engine().with_corpus(leaning_to(Category.VAGUE))
    request = Request(text="Vielleicht ergeben sich wertvolle Synergien.")
    assert corpus_hit(agreeing, request)[1] is None
    unsure = Engine().with_corpus(CorpusModel(*_flat(), INFO))
    assert corpus_hit(unsure, Request(text="Servus, schön hier zu sein."))[1] is None


def _flat() -> tuple[np.ndarray, np.ndarray]:
    """Every category equally likely: no majority."""
    weights = np.zeros((N_FEATURES, len(CATEGORIES)), dtype=np.float32)
    return weights, np.zeros(len(CATEGORIES))


@pytest.mark.parametrize(
    "request_",
    [
        Request(
            text="",
            sender=Profile(id="anna-kern", name="Anna Kern"),
            known_contacts=frozenset({"anna-kern"}),
        ),
        Request(text="Gilt die verkürzte Frist auch für Sie als Arbeitgeber von Teilzeitkräften?"),
        Request(text="Wir haben uns gestern auf der Messe in Kiel getroffen."),
        Request(
            text="Ich lese seit Jahren mit, wie Sie Ihre Werkstatt führen, und schreibe Ihnen, "
            "weil mich die Art beeindruckt, mit der Sie Lehrlinge ausbilden."
        ),
    ],
)
def test_it_never_declines_where_a_person_could_be_behind_it(request_: Request) -> None:
    for category in (Category.GENERIC, Category.COLLECTOR, Category.SPAM):
        verdict, hit = corpus_hit(Engine().with_corpus(leaning_to(category)), request_)
        assert hit is None
        assert verdict.category not in (Category.GENERIC, Category.COLLECTOR, Category.SPAM)


def learner_answering(template: str) -> LearnedModel:
    """A user's model from 15 notes like `template` ({n} numbered) answered with a reply, and
    15 collector notes declined."""
    replied = [TrainingExample(template.format(n=n), (), REPLY) for n in range(15)]
    declined = [
        TrainingExample(f"Ich sammle Kontakte, Nummer {n} von vielen.", (), DECLINE)
        for n in range(15)
    ]
    return train(replied + declined, NOW)


def test_the_users_own_learner_outranks_the_corpus() -> None:
    """The rules call the note vague, the corpus model would call it generic, the user has
    always answered such notes: the user's learner speaks, and its side wins."""
    learner = learner_answering("Servus, vielleicht ergeben sich ja Synergien in Halle {n}.")
    request = Request(text="Servus, vielleicht ergeben sich ja Synergien.")
    corpus_only = Engine().with_corpus(leaning_to(Category.GENERIC))
    assert corpus_only.score(request).category == Category.GENERIC
    verdict = corpus_only.with_learner(learner).score(request)
    names = {hit.name for hit in verdict.hits}
    assert {"LEARN_USER_DECISIONS", "LEARN_CORPUS_CATEGORY"} <= names
    assert verdict.category in (Category.KNOWN, Category.PERSONAL, Category.HONEST_PITCH)


def test_weight_zero_or_no_model_leaves_the_rules_alone() -> None:
    request = Request(text="Servus, schön hier zu sein.")
    rules = Engine(corpus=None).score(request)
    off = Engine(weights={"LEARN_CORPUS_CATEGORY": 0.0}).with_corpus(
        leaning_to(Category.SPAM, "servus")
    )
    assert off.score(request).category == rules.category
    assert all(hit.name != "LEARN_CORPUS_CATEGORY" for hit in off.score(request).hits)


def test_it_does_not_argue_with_decisive_rule_evidence() -> None:
    """Bait of full weight decides spam; a model reading the rest of the note does not turn it
    into a personal request."""
    request = Request(text="Ich lade Sie herzlich zu meinem kostenlosen Webinar über Vertrieb ein.")
    assert Engine(corpus=None).score(request).category == Category.SPAM
    verdict, hit = corpus_hit(Engine().with_corpus(leaning_to(Category.PERSONAL)), request)
    assert hit is None and verdict.category == Category.SPAM


def test_a_learner_on_the_same_side_confirms_the_corpus_opinion() -> None:
    """The rules call an open offer an honest pitch, the corpus model reads it as personal, and
    the user answers such notes: the learner confirms the side and keeps the model's choice
    within it, instead of falling back to the rules'."""
    request = Request(text="Wir vermieten Seminarräume in der Altstadt.")
    assert Engine(corpus=None).score(request).category == Category.HONEST_PITCH
    engine = Engine().with_corpus(leaning_to(Category.PERSONAL))
    learner = learner_answering("Wir vermieten Seminarräume in der Altstadt, Raum {n}.")
    verdict = engine.with_learner(learner).score(request)
    assert "LEARN_USER_DECISIONS" in {hit.name for hit in verdict.hits}
    assert verdict.category == Category.PERSONAL
