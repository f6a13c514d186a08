"""One learned model per user, kept in the store beside their decisions: trained from the
standing decisions, retrained after every batch of new ones, exported, deleted.

The model is always a function of the decisions the user can see: when they undo decisions until
too few are left, the stored model is emptied rather than kept stale. An empty model row also
records when learning was last tried, so a user who only ever accepts is not retrained on every
click.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kontaktfilter.bilingual import Detail, say, say_with
from kontaktfilter.model import Action
from kontaktfilter.scoring.learned_model import OUTCOME_OF_ACTION, LearnedModel, ModelFormatError
from kontaktfilter.signals.registry import is_late

if TYPE_CHECKING:  # training needs scikit-learn, imported only when a model is trained
    from kontaktfilter.learning.training import TrainingExample
    from kontaktfilter.store import Store

RETRAIN_EVERY = 10
"""New (or undone) decisions after which the model is rebuilt."""
NO_MODEL = b""


@dataclass(frozen=True)
class LearnOutcome:
    model: LearnedModel | None
    message: Detail
    """What was learned, or why not, in both languages (the command line and the API show the
    reader's)."""
    seconds: float


def training_examples(store: Store) -> list[TrainingExample]:
    """The user's standing decisions as training examples (rule signals from the stored verdict;
    an earlier learned signal is left out, so the model never learns from itself)."""
    from kontaktfilter.learning.training import TrainingExample

    examples: list[TrainingExample] = []
    for text, signals, action in store.standing_decisions():
        rule_signals = tuple(
            (str(s["name"]), float(s.get("strength", 1.0)))
            for s in signals
            if not is_late(str(s.get("name", "")))
        )
        examples.append(TrainingExample(text, rule_signals, OUTCOME_OF_ACTION[Action(action)]))
    return examples


def learn(store: Store, now: datetime) -> LearnOutcome:
    """Rebuild the user's model from all standing decisions and store it (or remove the old
    one when there are no longer enough decisions)."""
    from kontaktfilter.learning.training import NotEnoughDecisions, train

    started = time.perf_counter()
    decisions = store.decision_count()
    examples = training_examples(store)
    try:
        model = train(examples, now)
    except NotEnoughDecisions as exc:
        store.save_learned_model(NO_MODEL, decisions, now)
        message = say_with("not learning yet: {exc}", "noch nicht gelernt: {exc}", exc=exc)
        return LearnOutcome(None, message, time.perf_counter() - started)
    store.save_learned_model(model.to_bytes(), decisions, now)
    return LearnOutcome(model, describe(model), time.perf_counter() - started)


def describe(model: LearnedModel) -> Detail:
    """What the model learned from and how far it is trusted, in both languages (the counts
    are named by outcome, the model's own vocabulary)."""
    info = model.info
    counts = ", ".join(f"{name} {n}" for name, n in info.counts.items())
    trust, temperature = f"{model.trust:.2f}", f"{info.temperature:.2f}"
    de_trust, de_temperature = trust.replace(".", ","), temperature.replace(".", ",")
    return say(
        f"learned from {info.distinct} distinct decided notes ({info.decisions} decisions: "
        f"{counts}); trust {trust}, so the learned signal weighs up to "
        f"{trust} × its weight; calibration temperature {temperature}",
        f"gelernt aus {info.distinct} unterschiedlichen entschiedenen Anfragen "
        f"({info.decisions} Entscheidungen: {counts}); Vertrauen {de_trust}, also wiegt das "
        f"gelernte Signal bis zu {de_trust} × sein Gewicht; Kalibrierungstemperatur "
        f"{de_temperature}",
    )


def load(store: Store) -> tuple[LearnedModel | None, str | None]:
    """The user's stored model and a warning when it cannot be read (then the rules decide
    alone until `kontaktfilter learn` rebuilds it)."""
    row = store.learned_model()
    return model_of(None if row is None else row.model, store.user)


def model_of(blob: bytes | None, user: str) -> tuple[LearnedModel | None, str | None]:
    """The model in a stored blob (None or an empty blob: the user has none) and a warning when
    it cannot be read."""
    if not blob:
        return None, None
    try:
        return LearnedModel.from_bytes(blob, f"learned model of {user!r}"), None
    except ModelFormatError as exc:
        return None, str(exc)


def retrain_due(store: Store) -> bool:
    """Whether RETRAIN_EVERY decisions were taken or undone since the last training."""
    row = store.learned_model()
    trained_with = row.decisions if row is not None else 0
    return abs(store.decision_count() - trained_with) >= RETRAIN_EVERY


def retrain_if_due(store: Store, now: datetime) -> LearnOutcome | None:
    return learn(store, now) if retrain_due(store) else None
