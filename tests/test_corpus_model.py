"""The combiner (corpus model): fitted on the current rules and the real corpus exactly as the
fitting command fits it, stored safely, deciding by label, and never declining where the guard
or the expected cost protect a person."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from kontaktfilter.engine import Engine
from kontaktfilter.learning.corpus_training import (
    CorpusFileError,
    corpus_examples,
    features_digest,
    fit_examples,
    main,
)
from kontaktfilter.learning.training import TrainingExample, train
from kontaktfilter.model import (
    HARMFUL_ACTIONS,
    Action,
    Category,
    Label,
    Profile,
    Request,
    Role,
    SignalHit,
)
from kontaktfilter.scoring import corpus_model
from kontaktfilter.scoring.corpus_model import (
    LABELS,
    CorpusInfo,
    CorpusModel,
    CorpusModelError,
    shipped_corpus_model,
)
from kontaktfilter.scoring.features import (
    N_FEATURES,
    column,
    owner_indices,
    request_columns,
    word_columns,
)
from kontaktfilter.scoring.learned_model import DECLINE, REPLY, LearnedModel
from kontaktfilter.signals.context import Context
from kontaktfilter.signals.corpus import chosen_label
from kontaktfilter.signals.evidence import strongest_features
from kontaktfilter.signals.registry import REGISTRY

REAL_SETS = sorted(Path("eval/real").glob("*.jsonl"))
OWN_SETS = sorted(Path("tests/fixtures").glob("dev_*.jsonl"))
NOW = datetime(2026, 6, 1, tzinfo=UTC)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from bench_scoring import generate  # noqa: E402

INFO = CorpusInfo({"made-up": 0}, "0" * 64, 1.0, 1.0, 0.05)


def leaning_to(label: Label, word: str | None = None, strength: float = 5.0) -> CorpusModel:
    """A real model whose parameters are set by hand: it sees every note as `label`, or, with
    `word`, only the notes that contain that word."""
    weights = np.zeros((N_FEATURES, len(LABELS)), dtype=np.float32)
    intercepts = np.zeros(len(LABELS))
    index = LABELS.index(label)
    if word is None:
        intercepts[index] = strength
    else:
        where, sign = column(f"w|{word}")
        weights[where, index] = 50.0 * sign
    return CorpusModel(weights, intercepts, INFO)


def corpus_hit(engine: Engine, request: Request):
    verdict = engine.score(request)
    hits = [hit for hit in verdict.hits if hit.name == "LEARN_CORPUS_CATEGORY"]
    return verdict, (hits[0] if hits else None)


@pytest.fixture(scope="module")
def examples():
    return corpus_examples(REAL_SETS, OWN_SETS)


def test_the_shipped_model_is_what_the_fitting_command_makes_of_the_shipped_data(
    examples,
) -> None:
    """Fails when rules, lexicons or data changed since `make corpus-model`, or when the shipped
    weights are not the fitting command's output on them."""
    model = shipped_corpus_model()
    assert model is not None, "run `make corpus-model`"
    found, sources = examples
    assert model.info.sources == sources, "the training files changed: `make corpus-model`"
    assert model.info.features_digest == features_digest(found), (
        "the rules fire differently on the training data than when the combiner was fitted: "
        "run `make corpus-model`"
    )
    refitted = fit_examples(found, sources)
    assert np.array_equal(refitted.intercepts, model.intercepts)
    stored_columns = np.flatnonzero(np.any(model.weights != 0, axis=1))
    refit_columns = np.flatnonzero(np.any(refitted.weights != 0, axis=1))
    assert np.array_equal(stored_columns, refit_columns)
    # stored in half precision: equal to that precision
    assert np.allclose(model.weights, refitted.weights.astype(np.float16), atol=1e-3)


def test_training_refuses_the_held_out_check_and_unlabelled_rows(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["eval/requests.jsonl", "--output", str(tmp_path / "m.npz")])
    unlabelled = tmp_path / "real.jsonl"
    unlabelled.write_text('{"text": "Hallo"}\n', "utf-8")
    with pytest.raises(CorpusFileError, match=r"real.jsonl:1: field 'label' is missing"):
        corpus_examples([unlabelled])


def test_a_model_survives_storage_and_bad_blobs_are_refused() -> None:
    model = leaning_to(Label.GENERIC, "servus")
    again = CorpusModel.from_bytes(model.to_bytes())
    assert again.info == model.info
    assert np.array_equal(again.intercepts, model.intercepts)
    assert np.allclose(again.weights, model.weights)
    for blob in (b"", b"not a model", model.to_bytes()[:100]):
        with pytest.raises(CorpusModelError):
            CorpusModel.from_bytes(blob, "test blob")


def test_the_label_decides_and_explains_itself() -> None:
    engine = Engine().with_corpus(leaning_to(Label.GENERIC))
    request = Request(text="Servus, vielleicht ergeben sich ja Synergien.")
    assert Engine(corpus=None).score(request).category == Category.VAGUE
    verdict, hit = corpus_hit(engine, request)
    assert verdict.category == Category.GENERIC
    assert hit is not None and hit.group == "generic" and hit.score > 0
    assert "wie echte" in hit.detail or "like real" in hit.detail
    assert 0.0 <= verdict.genuine < 0.05
    assert "PHRASE_SYNERGIES" in dict(verdict.learned_weights)
    for span in hit.spans:
        assert request.text[span.start : span.end] == span.text


@pytest.mark.parametrize(
    ("label", "text", "category", "action"),
    [
        (Label.PITCH, "Ich lade Sie zu meinem kostenlosen Webinar ein.", Category.SPAM, None),
        (Label.PITCH, "Wir vermieten Seminarräume.", Category.HONEST_PITCH, Action.REPLY_ONLY),
        (
            Label.COLLECTOR,
            "Wie ich lese, sind Sie ja auch in der Gruppe „Aufträge und Kundengewinnung“!",
            Category.COLLECTOR,
            Action.DECLINE_SILENTLY,
        ),
        (Label.COLLECTOR, "Servus, schön hier zu sein.", Category.VAGUE, Action.ASK_DETAILS),
    ],
)
def test_a_label_becomes_a_category_by_what_the_rules_found(
    label: Label, text: str, category: Category, action: Action | None
) -> None:
    verdict = Engine().with_corpus(leaning_to(label, strength=8.0)).score(Request(text=text))
    assert verdict.category is category
    assert action is None or verdict.action is action


@pytest.mark.parametrize(
    "request_",
    [
        Request(text="Wir haben uns gestern auf der Messe in Kiel getroffen."),
        Request(
            text="Ich habe Ihren Artikel über Telefonakquise gelesen. Könnten Sie unser Team "
            "im Frühjahr schulen?"
        ),
        Request(text="Gilt die verkürzte Frist auch für Sie als Arbeitgeber von Teilzeitkräften?"),
    ],
)
def test_no_decline_where_a_concrete_reference_stands(request_: Request) -> None:
    """However sure the combiner is of an unwanted label, a concrete reference the rules found
    turns a decline into a question (strategy/guard.py)."""
    for label in (Label.GENERIC, Label.COLLECTOR, Label.PITCH):
        verdict = Engine().with_corpus(leaning_to(label, strength=9.0)).score(request_)
        assert verdict.action not in HARMFUL_ACTIONS, (label, verdict.rule)


def test_a_known_contact_is_accepted_on_the_fact() -> None:
    request = Request(
        text="",
        sender=Profile(id="anna-kern", name="Anna Kern"),
        known_contacts=frozenset({"anna-kern"}),
    )
    verdict, hit = corpus_hit(Engine().with_corpus(leaning_to(Label.PITCH)), request)
    assert hit is None and verdict.category is Category.KNOWN and verdict.action is Action.ACCEPT


def test_an_unsure_combiner_asks_instead_of_declining() -> None:
    """Every label equally likely: 25 % for a genuine person is far above the 5 % a decline
    needs, and the rules' default text alone (2.0) does not corroborate a decline."""
    flat = CorpusModel(
        np.zeros((N_FEATURES, len(LABELS)), dtype=np.float32), np.zeros(len(LABELS)), INFO
    )
    verdict = Engine().with_corpus(flat).score(Request(text="Ich möchte Sie gern kennenlernen."))
    assert verdict.genuine == pytest.approx(0.25)
    assert verdict.action not in HARMFUL_ACTIONS


def learner_answering(template: str) -> LearnedModel:
    """A user's model from 15 notes like `template` ({n} numbered) answered with a reply, and
    15 collector notes declined."""
    replied = [TrainingExample(template.format(n=n), (), REPLY) for n in range(15)]
    declined = [
        TrainingExample(f"Ich sammle Kontakte, Nummer {n} von vielen.", (), DECLINE)
        for n in range(15)
    ]
    return train(replied + declined, NOW)


def test_the_users_own_learner_outranks_the_combiner() -> None:
    """The combiner would call the note generic, the user has always answered such notes: the
    user's learner speaks, and its side wins."""
    learner = learner_answering("Servus, vielleicht ergeben sich ja Synergien in Halle {n}.")
    request = Request(text="Servus, vielleicht ergeben sich ja Synergien.")
    corpus_only = Engine().with_corpus(leaning_to(Label.GENERIC))
    assert corpus_only.score(request).category == Category.GENERIC
    verdict = corpus_only.with_learner(learner).score(request)
    names = {hit.name for hit in verdict.hits}
    assert {"LEARN_USER_DECISIONS", "LEARN_CORPUS_CATEGORY"} <= names
    assert verdict.category in (Category.KNOWN, Category.PERSONAL, Category.HONEST_PITCH)


def test_weight_zero_or_no_model_leaves_the_rules_alone() -> None:
    request = Request(text="Servus, schön hier zu sein.")
    rules = Engine(corpus=None).score(request)
    off = Engine(weights={"LEARN_CORPUS_CATEGORY": 0.0}).with_corpus(
        leaning_to(Label.PITCH, "servus")
    )
    assert off.score(request).category == rules.category
    assert all(hit.name != "LEARN_CORPUS_CATEGORY" for hit in off.score(request).hits)
    assert rules.genuine is None and rules.learned_weights == ()


def test_a_learner_on_the_same_side_confirms_the_combiner() -> None:
    """The combiner reads an open offer as personal and the user answers such notes: the learner
    confirms the side and keeps the combiner's choice within it."""
    request = Request(text="Wir vermieten Seminarräume in der Altstadt.")
    engine = Engine().with_corpus(leaning_to(Label.PERSONAL))
    learner = learner_answering("Wir vermieten Seminarräume in der Altstadt, Raum {n}.")
    verdict = engine.with_learner(learner).score(request)
    assert "LEARN_USER_DECISIONS" in {hit.name for hit in verdict.hits}
    assert verdict.category == Category.PERSONAL


def read_by_the_engine(text: str) -> tuple[CorpusModel, Context, list[tuple[str, float]]]:
    """The shipped model, and the note's context and rule signals as the engine leaves them
    for the combiner."""
    engine = Engine()
    request = Request(text=text)
    ctx = engine.context(request)
    engine.hits(request, ctx)
    assert engine.corpus is not None
    return engine.corpus, ctx, [(h.name, h.strength) for h in ctx.rule_hits]


@pytest.mark.parametrize(
    "text",
    [
        "Hi Laura, saw you're speaking at LogiMAT in Stuttgart. I'll be there too—would love to "
        "connect beforehand.",
        "Vielleicht ergeben sich wertvolle Synergien. Kontakte schaden nur dem, der keine hat.",
        "I help B2B founders get 20 qualified meetings a month. Open to a quick call?",
    ],
)
def test_the_remembered_explanation_is_the_full_one(text: str) -> None:
    """model.strongest (rows per word, pair and signal) names the same features in the same
    order as the pushes over the whole feature vector (signals.evidence)."""
    model, ctx, signals = read_by_the_engine(text)
    for target in range(len(LABELS)):
        remembered = [
            name or f'"{ctx.span(first, last).text}"'
            for name, first, last in model.strongest(model.read(ctx.note, signals), target, 7)
        ]
        found = model.scaled(request_columns(ctx.note, signals))
        full = [label for label, _ in strongest_features(ctx, found, model.weights, target)]
        assert remembered == full


def test_owners_hashed_in_bulk_are_hashed_as_one_by_one() -> None:
    """owner_indices (the corpus model's new words and pairs, in bulk, n-grams remembered) gives
    each word the columns and signs of word_columns, and each pair those of column, as indices
    into the weights followed by their negatives: short words without n-grams, a token too long
    for them, umlauts, digits, and each word twice (the second time from remembered n-grams)."""
    words = ["synergien", "wir", "zu", "ä", "grüße", "#", "x" * 41, "x" * 40, "connect"]
    owners = [*words, ("wir", "synergien"), ("grüße", "#")]
    for _ in range(2):
        indices, counts = owner_indices(owners)
        expected = []
        for word in words:
            its_columns, its_signs = word_columns(word)
            signed = zip(its_columns, its_signs, strict=True)
            expected += [c + (N_FEATURES if s < 0 else 0) for c, s in signed]
        for first, second in owners[len(words) :]:
            index, sign = column(f"b|{first} {second}")
            expected.append(index + (N_FEATURES if sign < 0 else 0))
        assert indices == expected
        assert counts == [len(word_columns(w)[0]) for w in words] + [1, 1]
        assert counts[-5] == 1 and counts[-4] > 1  # 41 letters: no n-grams; 40: n-grams
    assert any(index >= N_FEATURES for index in indices)  # both signs occur


def test_full_memos_are_cleared_without_changing_a_reading(monkeypatch) -> None:
    """With memos this small, words, pairs and sentences are forgotten within every batch and
    note: the verdicts stay those of an engine that remembers everything."""
    shipped = shipped_corpus_model()
    assert shipped is not None
    arrays = (shipped.weights, shipped.intercepts, shipped.info)
    requests = generate(150, 5, unique=True) + generate(150, 6)
    remembering = Engine(corpus=CorpusModel(*arrays)).score_many(requests, NOW)
    monkeypatch.setattr(corpus_model, "MEMO_LIMIT", 40)
    forgetting = Engine(corpus=CorpusModel(*arrays))
    assert forgetting.score_many(requests, NOW) == remembering
    assert [forgetting.score(r, NOW) for r in requests] == remembering


def test_a_signal_that_declares_the_purpose_names_the_combiners_label() -> None:
    """An open wish to win the reader as a customer fires on two real rows (both pitch): too
    rare for the combiner to weigh, so the declared label outvotes a narrow lead of another."""
    probabilities = (0.105, 0.081, 0.424, 0.391)  # seed 000's honest seller after round 7
    collector, pitch = LABELS.index(Label.COLLECTOR), LABELS.index(Label.PITCH)
    declared = SignalHit(
        "GOOD_HONEST_INTENT", "honest", -2.5, 1.0, (), "", "", frozenset({Role.DECLARES})
    )
    plain = declared._replace(name="GOOD_DIRECT_OFFER", roles=frozenset())
    assert chosen_label(probabilities, [plain]) == collector
    assert chosen_label(probabilities, [plain, declared]) == pitch
    assert Role.DECLARES in REGISTRY["GOOD_HONEST_INTENT"].roles


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Vielleicht ergeben sich wertvolle Synergien. Kontakte schaden nur dem, der keine hat.",
        "I help 20 B2B founders get 20 qualified meetings in 2026. Open to a quick call?",
        "Am 14. März 2027 in Halle 3, Stand B12: kommen Sie vorbei!",
    ],
)
def test_a_reading_is_the_models_product(text: str) -> None:
    """model.read (rows remembered per sentence, word, pair and signal; numbers as one form)
    gives the probabilities of the whole feature vector, for every note twice (the second time
    from what the first remembered)."""
    model, ctx, signals = read_by_the_engine(text)
    whole = model.probabilities(request_columns(ctx.note, signals))
    for _ in range(2):
        np.testing.assert_allclose(model.read(ctx.note, signals).probabilities, whole, rtol=1e-9)
