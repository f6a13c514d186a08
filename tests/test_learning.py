"""Learning from the user's decisions: the model, the learned signal and its limits.

Training data are the labelled development requests, decided as the default strategy would
(tests never read eval/)."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from kontaktfilter.engine import Engine
from kontaktfilter.formats.records import Record, read_records
from kontaktfilter.learning.curve import SIMULATED_OUTCOME, learning_curve, rule_signals
from kontaktfilter.learning.training import (
    NotEnoughDecisions,
    TrainingExample,
    train,
)
from kontaktfilter.model import (
    GENUINE_CATEGORIES,
    HARMFUL_ACTIONS,
    Action,
    Category,
    Profile,
    Request,
    SignalHit,
)
from kontaktfilter.scoring.features import (
    N_FEATURES,
    column,
    feature_names,
    request_columns,
)
from kontaktfilter.scoring.learned_model import (
    ACCEPT,
    ASK,
    DECLINE,
    DECLINE_SIDE,
    OUTCOMES,
    REPLY,
    LearnedModel,
    ModelFormatError,
)
from kontaktfilter.strategy import decide, default_strategy
from kontaktfilter.text.note import analyse

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DEV = Path("tests/fixtures")
ENGINE = Engine()


def dev_records(*names: str) -> list[Record]:
    records: list[Record] = []
    for name in names:
        with (DEV / name).open("rb") as stream:
            records += [r for r in read_records(stream, name, "jsonl") if isinstance(r, Record)]
    return records


def example(text: str, outcome: int, request: Request | None = None) -> TrainingExample:
    verdict = ENGINE.score(request or Request(text=text))
    return TrainingExample(text, rule_signals(verdict), outcome)


def dev_examples(records: list[Record]) -> list[TrainingExample]:
    return [
        example(r.request.text, SIMULATED_OUTCOME[r.label], r.request)
        for r in records
        if r.label is not None
    ]


@pytest.fixture(scope="module")
def dev_model() -> LearnedModel:
    return train(dev_examples(dev_records("dev_more.jsonl")), NOW)


def learned_hit(engine: Engine, request: Request):
    return next((h for h in engine.score(request).hits if h.name == "LEARN_USER_DECISIONS"), None)


# features ---------------------------------------------------------------------------------


def test_hashing_is_stable_across_processes() -> None:
    index, sign = column("w|synergien")
    code = zlib.crc32(b"w|synergien")
    assert index == code % N_FEATURES
    assert sign == (-1.0 if code >= 2**31 else 1.0)


def test_features_have_unit_length_and_know_their_words() -> None:
    note = analyse("Vielleicht ergeben sich Synergien.")
    found = request_columns(note, [("PHRASE_SYNERGIES", 1.0)])
    names = feature_names(note, [("PHRASE_SYNERGIES", 1.0)])
    text = found.owners < found.signal_base
    assert float((found.values[text] ** 2).sum()) == pytest.approx(1.0)
    owners = {name: int(owner) for name, owner in zip(names, found.owners, strict=True)}
    assert owners["w|synergien"] == 3 and owners["c|syn"] == 3
    assert owners["b|ergeben sich"] == len(note.tokens) + 1
    assert found.signals == ("PHRASE_SYNERGIES",) and names[-1] == "s|PHRASE_SYNERGIES"
    assert feature_names(analyse(""), []) == ["m|empty"]


@pytest.mark.parametrize(
    "text", ["Vielleicht ergeben sich Synergien.", "", "Hallo Anna, 12 Grüße, 12 Grüße!"]
)
def test_columns_are_the_hashes_of_the_named_features(text: str) -> None:
    note = analyse(text)
    signals = [("PHRASE_SYNERGIES", 0.5), ("PERS_NO_SALUTATION", 1.0)]
    found = request_columns(note, signals)
    named = [column(name) for name in feature_names(note, signals)]
    assert found.columns.tolist() == [index for index, _ in named]
    assert np.sign(found.values).tolist() == [sign for _, sign in named]


# cold start, one-sided users, poisoning -----------------------------------------------------


def test_cold_start_learns_nothing_and_changes_no_verdict() -> None:
    few = [example("Vielleicht ergeben sich Synergien.", DECLINE)] * 3
    few += [example("Wir haben uns gestern auf der Messe getroffen.", ACCEPT)] * 3
    with pytest.raises(NotEnoughDecisions, match="learning starts at 10"):
        train(few, NOW)
    request = Request(text="Vielleicht ergeben sich Synergien.")
    assert ENGINE.with_learner(None).score(request) == ENGINE.score(request)


def test_a_user_who_accepts_everything_teaches_no_decline() -> None:
    records = dev_records("dev_more.jsonl")
    accepted = [example(r.request.text, ACCEPT, r.request) for r in records[:60]]
    with pytest.raises(NotEnoughDecisions, match="0 declined"):
        train(accepted, NOW)


def test_trust_grows_with_amount_and_balance(dev_model: LearnedModel) -> None:
    records = dev_records("dev_more.jsonl")
    small = train(dev_examples(records[:40]), NOW)
    assert 0 < small.trust < dev_model.trust < 1
    mostly_accepted = [example(r.request.text, ACCEPT, r.request) for r in records[:60]]
    mostly_accepted += dev_examples([r for r in records[60:] if r.label == Category.SPAM][:3])
    lopsided = train(mostly_accepted, NOW)
    assert lopsided.trust < small.trust / 2


def test_a_burst_of_identical_declines_counts_once() -> None:
    records = dev_records("dev_more.jsonl")
    honest = dev_examples(records[:60])
    burst = [example("Ich freue mich auf den Austausch zu Ihrem Projekt.", DECLINE)] * 200
    poisoned = train(honest + burst, NOW)
    clean = train(honest + burst[:1], NOW)
    assert poisoned.info.decisions == len(honest) + 200
    assert poisoned.info.distinct == clean.info.distinct
    assert poisoned.trust == pytest.approx(clean.trust)
    genuine = Request(
        text="Hallo Frau Berg, wir haben uns auf dem Barcamp getroffen, ich schicke Ihnen "
        "wie besprochen die Unterlagen zum Projekt.",
        recipient=Profile(name="Julia Berg", gender="f"),
    )
    verdict = ENGINE.with_learner(poisoned).score(genuine)
    assert verdict.action not in HARMFUL_ACTIONS


# what the learned signal may and may not do ----------------------------------------------------


def stock_phrase_user() -> LearnedModel:
    """A user who declines every stock 'Austausch' note and accepts concrete ones."""
    declined = [
        f"Guten Tag, ich freue mich auf einen spannenden Austausch {tail}."
        for tail in (
            "mit Ihnen",
            "und neue Impulse",
            "unter Profis",
            "in der Branche",
            "zu aktuellen Themen",
            "auf Augenhöhe",
            "und gegenseitige Inspiration",
            "im Netzwerk",
            "zwischen Experten",
            "über Trends",
            "in diesen Zeiten",
            "und Kontakt",
        )
    ]
    return train(
        [example(t, DECLINE) for t in declined]
        + [example(t, REPLY) for t in stock_phrase_user_accepted()],
        NOW,
    )


def stock_phrase_user_accepted() -> list[str]:
    """Concrete notes the stock-phrase user accepts."""
    return [
        "Hallo Herr Kilian, wir haben uns gestern auf der Messe in Kiel getroffen.",
        "Danke für Ihren Vortrag in Hamburg, ich habe eine Frage zu Ihrem zweiten Beispiel.",
        "Wir kennen uns vom Segelclub, schön Sie hier zu finden!",
        "Ich suche einen Vertriebstrainer für zwölf Leute im März, haben Sie Zeit?",
        "Nach unserem Telefonat schicke ich Ihnen wie versprochen das Angebot.",
        "Ihr Buch Klasse statt Masse hat unser Team verändert, darf ich Sie zitieren?",
        "Wir haben 2019 zusammen bei der Agentur in Leipzig gearbeitet.",
        "Können Sie am Dienstag um zehn Uhr über den Workshop in Rostock sprechen?",
        "Schön, dass wir uns beim Stammtisch letzte Woche kennengelernt haben.",
        "Ich bin Einkäuferin bei Hansa Logistik und suche ein Training für 8 Leute.",
        "Sie haben mir letztes Jahr bei der Ausschreibung in Lübeck sehr geholfen, danke!",
        "Unser Vertriebsteam in Flensburg braucht im Mai zwei Tage Einwandtraining, ginge das?",
    ]


def test_the_learned_signal_declines_what_the_user_declines_and_says_why() -> None:
    engine = ENGINE.with_learner(stock_phrase_user())
    request = Request(
        text="Guten Tag, ich freue mich auf einen spannenden Austausch und Synergien!"
    )
    hit = learned_hit(engine, request)
    assert hit is not None and hit.score > 0
    assert "Austausch" in hit.detail or "austausch" in hit.detail.lower()
    assert any(span.text.lower() == "austausch" for span in hit.spans)
    for span in hit.spans:
        assert request.text[span.start : span.end] == span.text
    assert ENGINE.score(request).category == Category.VAGUE
    assert engine.score(request).category in (Category.COLLECTOR, Category.GENERIC)


@pytest.mark.parametrize(
    "request_",
    [
        Request(
            text="Guten Tag, ich freue mich auf einen spannenden Austausch mit Ihnen!",
            sender=Profile(id="anna-kern", name="Anna Kern"),
            known_contacts=frozenset({"anna-kern"}),
        ),
        Request(
            text="Guten Tag, Ihr Buch Klasse statt Masse hat mir gefallen, ich freue mich "
            "auf einen spannenden Austausch!",
            recipient=Profile(name="Thomas Kilian", publications=("Klasse statt Masse",)),
        ),
        Request(
            text="Guten Tag, wir haben uns gestern auf der Messe getroffen, ich freue mich "
            "auf einen spannenden Austausch.",
        ),
    ],
    ids=["known-contact", "publication-reference", "met-in-person"],
)
def test_never_declines_known_contacts_or_concrete_references(request_: Request) -> None:
    engine = ENGINE.with_learner(stock_phrase_user())
    hit = learned_hit(engine, request_)
    assert hit is None or hit.score < 0
    assert engine.score(request_).action not in HARMFUL_ACTIONS


def test_a_known_contact_stays_protected_when_its_signal_is_weighted_off() -> None:
    """The protection reads the request, not the rule signal: a user who sets
    GOOD_KNOWN_CONTACT to 0 still never has a known contact declined by the learner."""
    declined_empty = [
        example(text, DECLINE)
        for text in (
            *("", "Hallo", "Hi", "Kontaktanfrage", "Guten Tag", "Servus", "Moin", "Hey"),
            *("Hello", "Grüß Gott", "Tach", "Hallo zusammen"),
        )
    ]
    accepted = [example(t, REPLY) for t in stock_phrase_user_accepted()]
    engine = Engine(weights={"GOOD_KNOWN_CONTACT": 0.0}).with_learner(
        train(declined_empty + accepted, NOW)
    )
    stranger = Request(text="", sender=Profile(id="s-new", name="Nina Neu"))
    friend = Request(
        text="",
        sender=Profile(id="anna-kern", name="Anna Kern"),
        known_contacts=frozenset({"anna-kern"}),
    )
    hit = learned_hit(engine, stranger)
    assert hit is not None and hit.score > 0
    assert learned_hit(engine, friend) is None


def test_the_learned_signal_can_rescue_towards_accept() -> None:
    engine = ENGINE.with_learner(stock_phrase_user())
    request = Request(text="Wir kennen uns vom Segelclub in Kiel, schön Sie hier zu finden!")
    hit = learned_hit(engine, request)
    assert hit is not None and hit.score < 0 and hit.group in ("known", "personal")


def test_weight_zero_switches_learning_off() -> None:
    engine = Engine(weights={"LEARN_USER_DECISIONS": 0.0}).with_learner(stock_phrase_user())
    request = Request(text="Guten Tag, ich freue mich auf einen spannenden Austausch mit Ihnen!")
    assert learned_hit(engine, request) is None


# calibration and storage ----------------------------------------------------------------


def test_probabilities_are_calibrated_on_held_out_requests(dev_model: LearnedModel) -> None:
    """Trained on one author's requests, judged on another's: the predicted share of declines
    must match the observed share within 0.15 in each probability band that has data."""
    held_out = dev_records("dev_third.jsonl")
    pairs = []
    for record in held_out:
        verdict = ENGINE.score(record.request)
        columns = request_columns(analyse(record.request.text), rule_signals(verdict))
        probability = dev_model.probabilities(columns.columns, columns.values)
        probability = probability[list(DECLINE_SIDE)].sum()
        pairs.append((probability, SIMULATED_OUTCOME[record.label] >= 3))
    assert 1.0 <= dev_model.info.temperature * 4 <= 40.0  # within the calibration bounds
    bands = [(0.0, 0.2), (0.8, 1.01)]
    for low, high in bands:
        inside = [(p, truth) for p, truth in pairs if low <= p < high]
        assert len(inside) >= 10, (low, high, len(inside))
        predicted = np.mean([p for p, _ in inside])
        observed = np.mean([truth for _, truth in inside])
        assert abs(predicted - observed) <= 0.15, (low, high, predicted, observed)


def test_model_round_trip_and_refused_archives(dev_model: LearnedModel, tmp_path) -> None:
    blob = dev_model.to_bytes()
    again = LearnedModel.from_bytes(blob)
    assert again.info == dev_model.info
    assert np.array_equal(again.weights, dev_model.weights)
    assert np.array_equal(again.intercepts, dev_model.intercepts)
    with pytest.raises(ModelFormatError, match="not a kontaktfilter model"):
        LearnedModel.from_bytes(b"not a model")
    with pytest.raises(ModelFormatError, match="not a kontaktfilter model"):
        LearnedModel.from_bytes(blob[: len(blob) // 2])
    other = np.savez_compressed  # an .npz whose header is not ours
    path = tmp_path / "other.npz"
    other(path, header=np.frombuffer(b'{"format": "x"}', dtype=np.uint8))
    with pytest.raises(ModelFormatError):
        LearnedModel.from_bytes(path.read_bytes())


# the learning curve ------------------------------------------------------------------------


def test_learning_curve_runs_rules_beside_learning() -> None:
    records = dev_records("dev_requests.jsonl")
    curve = learning_curve(records, ENGINE, sizes=(0, 30), folds=3, repeats=1)
    rules = curve.rules.macro_f1()
    zero, thirty = curve.points
    assert zero.macro_f1 == [pytest.approx(rules)] and zero.untrained == 3
    assert zero.improved == zero.worsened == 0
    assert thirty.untrained < 3 and thirty.probabilities
    for point in curve.points:
        assert len(point.harmed) == 1


def test_the_ceiling_only_rights_verdicts() -> None:
    """The ceiling takes the model's likeliest outcome only where it is the user's own: without
    a model it is the rules, with one it can only be higher, and a model trained on every other
    fold's decisions gets some of the rules' errors right (dev_more: the rules err there)."""
    records = dev_records("dev_more.jsonl")
    curve = learning_curve(records, ENGINE.with_corpus(None), sizes=(0, 200), folds=3, repeats=1)
    rules = curve.rules.macro_f1()
    zero, many = curve.points
    assert zero.ceiling_f1 == [pytest.approx(rules)]
    assert many.mean_ceiling > rules


def test_genuine_dev_requests_are_never_declined_with_learning(dev_model: LearnedModel) -> None:
    """A model from one author's decisions, applied to another author's requests."""
    engine = ENGINE.with_learner(dev_model)
    harmed = [
        r.request.id
        for r in dev_records("dev_third.jsonl", "dev_requests.jsonl")
        if r.label in GENUINE_CATEGORIES and engine.score(r.request).action in HARMFUL_ACTIONS
    ]
    assert harmed == []


def test_the_learned_signal_does_not_count_as_part_of_the_note_for_the_strategy() -> None:
    """An empty note from a XING basic member is held, not declined, whatever was learned:
    `signals_only` describes the note, and the learned judgement is not part of it."""
    request = Request(text="", platform="xing", sender=Profile(membership="basic"))
    empty = SignalHit("PERS_EMPTY_NOTE", "generic", 2.0, 0.3, (), "", "")
    learned = SignalHit("LEARN_USER_DECISIONS", "generic", 8.0, 0.6, (), "", "")
    action, rule = decide(default_strategy(), Category.GENERIC, [empty, learned], request, NOW)
    assert (action, rule) == (Action.HOLD_WAIT, "empty-note-cannot-write")


def test_eval_learning_curve_from_the_command_line(tmp_path) -> None:
    from click.testing import CliRunner

    from kontaktfilter.cli import main

    runner = CliRunner()
    args = ["eval", str(DEV / "dev_requests.jsonl"), "--learning-curve", "--folds", "3"]
    result = runner.invoke(main, [*args, "--repeats", "1"])
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines() if line[:9].strip().isdigit()]
    assert [row[0] for row in rows] == ["0", "20", "50", "100", "200"]
    assert rows[0][1] == rows[0][2]  # no decisions: learning is the rules
    few = tmp_path / "few.jsonl"
    few.write_text('{"text": "Hallo", "label": "spam"}\n', "utf-8")
    refused = runner.invoke(main, ["eval", str(few), "--learning-curve"])
    assert refused.exit_code == 1 and "needs at least 10" in refused.output
    unlabelled = tmp_path / "unlabelled.jsonl"
    unlabelled.write_text('{"text": "Hallo"}\n', "utf-8")
    missing = runner.invoke(main, ["eval", str(unlabelled), "--learning-curve"])
    assert (
        missing.exit_code == 1 and "unlabelled.jsonl:1: field 'label' is missing" in missing.output
    )


def test_a_faint_hint_does_not_open_an_individual_note_to_learned_declines() -> None:
    """A long note in which the rules see only a large network on an old profile (a faint
    hint, 0.3) is individual writing: the learner may not decline it, however sure it is."""
    from kontaktfilter.signals import learned
    from kontaktfilter.signals.context import Context

    text = (
        "Jonas, Petra here from the pottery course in Leeds, "
        "hope the move went well and the studio is great"
    )
    many = SignalHit("PROF_MANY_CONTACTS", "collector", 0.8, 0.375, (), "", "")
    ctx = Context(note=analyse(text), lang="en", now=NOW)
    ctx.rule_hits, ctx.rules_category = (many,), Category.VAGUE
    assert learned._decline_bar(Request(text=text), ctx) > 1
    stock = SignalHit("PHRASE_SYNERGIES", "vague", 2.0, 1.0, (), "", "")
    ctx.rule_hits = (many, stock)
    assert learned._decline_bar(Request(text=text), ctx) == learned.DECLINE_FROM


def test_a_vague_verdict_is_settled_by_the_likeliest_side_once_the_model_is_trusted(
    dev_model: LearnedModel,
) -> None:
    """Where the rules would only ask, a trusted model's likeliest side may accept from 0.35;
    a young model, a less likely accept or a verdict the rules did decide keep the 0.6 bar."""
    from kontaktfilter.signals import learned
    from kontaktfilter.signals.context import Context

    young = stock_phrase_user()
    assert young.trust < learned.RESCUE_VAGUE_TRUST <= dev_model.trust
    ctx = Context(note=analyse("Hallo, wir sollten uns austauschen."), lang="de", now=NOW)
    ctx.rule_hits, ctx.rules_category = (), Category.VAGUE
    likeliest = np.zeros(len(OUTCOMES))
    likeliest[[ACCEPT, REPLY, ASK, DECLINE]] = [0.25, 0.15, 0.3, 0.3]
    assert learned._accept_bar(ctx, dev_model, likeliest) == learned.ACCEPT_WHEN_VAGUE_FROM
    assert learned._accept_bar(ctx, young, likeliest) == learned.ACCEPT_FROM
    outweighed = np.zeros(len(OUTCOMES))
    outweighed[[ACCEPT, ASK]] = [0.4, 0.6]
    assert learned._accept_bar(ctx, dev_model, outweighed) == learned.ACCEPT_FROM
    ctx.rules_category = Category.GENERIC
    assert learned._accept_bar(ctx, dev_model, likeliest) == learned.ACCEPT_FROM
