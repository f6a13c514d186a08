"""Training a user's model: logistic regression over hashed n-grams and fired rule signals,
fitted on their accept/decline decisions, with Platt-calibrated probabilities.

Retraining from all decisions is cheap (a linear model on a sparse matrix, bench/bench_learning.py),
so there is no incremental state to drift or to poison: the model is always a function of the
decisions the user can see and undo.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from kontaktfilter.bilingual import say
from kontaktfilter.scoring.features import (
    N_FEATURES,
    request_columns,
)
from kontaktfilter.scoring.learned_model import (
    ABSENT,
    ACCEPT_SIDE,
    DECLINE_SIDE,
    OUTCOMES,
    LearnedModel,
    ModelInfo,
)
from kontaktfilter.text.note import AnalysedNote, analyse

MIN_DECISIONS = 10
"""Below this many distinct decided notes the learner stays silent (cold start)."""
MIN_PER_SIDE = 3
"""A model needs at least this many accepted and this many declined notes to learn a boundary."""
REGULARISATION_C = 10.0
CALIBRATION_FOLDS = 5
HOLDOUT_FROM = 1000
MIN_TEMPERATURE, MAX_TEMPERATURE = 0.25, 10.0
"""Bounds of the calibration: a few separable decisions must not make the model certain."""


class NotEnoughDecisions(ValueError):
    """Too few, or too one-sided, decisions to learn from; the message says what is missing."""


@dataclass(frozen=True, slots=True)
class TrainingExample:
    """One decided request: its note, the rule signals that fired (name, strength), and what the
    user did: an index into kontaktfilter.scoring.learned_model.OUTCOMES."""

    text: str
    signals: tuple[tuple[str, float], ...]
    outcome: int


Row = tuple[np.ndarray, np.ndarray]
"""One request's feature columns and values."""


def _distinct(examples: Sequence[TrainingExample]) -> list[tuple[Row, int]]:
    """Merge identical notes (same words, same signals) into one example with the outcome most
    often chosen for them, the mildest on a tie. A burst of identical declines, a template
    declined 50 times or a repeated misclick, then weighs as one decision, not 50."""
    votes: dict[tuple[str, frozenset[str]], list[int]] = {}
    notes: dict[tuple[str, frozenset[str]], tuple[AnalysedNote, tuple[tuple[str, float], ...]]] = {}
    for example in examples:
        note = analyse(example.text)
        key = (" ".join(note.tokens), frozenset(name for name, _ in example.signals))
        votes.setdefault(key, [0] * len(OUTCOMES))[example.outcome] += 1
        notes.setdefault(key, (note, example.signals))
    return [
        (request_columns(*notes[key])[:2], max(range(len(OUTCOMES)), key=lambda o: (counts[o], -o)))
        for key, counts in votes.items()
    ]


def feature_matrix(rows: Sequence[Row]) -> csr_matrix:
    """The rows as one sparse matrix over the hashed columns."""
    indptr = np.concatenate([[0], np.cumsum([len(columns) for columns, _ in rows])])
    matrix = csr_matrix(
        (
            np.concatenate([values for _, values in rows]),
            np.concatenate([columns for columns, _ in rows]).astype(np.int32),
            indptr,
        ),
        shape=(len(rows), N_FEATURES),
    )
    matrix.sum_duplicates()  # a word part that occurs twice is one column with twice the value
    return matrix


def _fit(matrix: csr_matrix, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights (N × outcomes) and intercepts for all outcomes, whichever of them the labels
    contain: an outcome never chosen gets zero weights and an intercept that rules it out."""
    used = np.unique(matrix.indices)  # fit on the columns that occur: far fewer parameters
    classifier = LogisticRegression(
        C=REGULARISATION_C, class_weight="balanced", solver="newton-cg", tol=1e-3, max_iter=200
    )
    classifier.fit(matrix[:, used], labels)
    weights = np.zeros((N_FEATURES, len(OUTCOMES)), dtype=np.float32)
    intercepts = np.full(len(OUTCOMES), ABSENT)
    present = classifier.classes_
    if len(present) == 2:  # one score: the second class against the first
        weights[used, present[1]] = classifier.coef_[0]
        intercepts[present[1]] = classifier.intercept_[0]
        intercepts[present[0]] = 0.0
    else:
        weights[np.ix_(used, present)] = classifier.coef_.T
        intercepts[present] = classifier.intercept_
    return weights, intercepts


def _scores(weights: np.ndarray, intercepts: np.ndarray, matrix: csr_matrix) -> np.ndarray:
    return np.asarray(matrix @ weights.astype(np.float64)) + intercepts


def _temperature(scores: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that makes out-of-fold probabilities fit the true outcomes best (lowest
    log loss): a single number, so it cannot overfit the small samples a user has."""

    def log_loss(log_t: float) -> float:
        scaled = scores / np.exp(log_t)
        scaled -= scaled.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(scaled).sum(axis=1))
        return float(np.mean(log_norm - scaled[np.arange(len(labels)), labels]))

    bounds = (np.log(MIN_TEMPERATURE), np.log(MAX_TEMPERATURE))
    return float(np.exp(minimize_scalar(log_loss, bounds=bounds, method="bounded").x))


def _out_of_fold(
    matrix: csr_matrix, labels: np.ndarray, folds: int
) -> tuple[np.ndarray, np.ndarray]:
    """Scores of decisions from a model that did not see them, with their outcomes; rows whose
    outcome the other folds never chose (a single "ask") are left out. From HOLDOUT_FROM
    distinct decisions on, one fold held out is plenty for one temperature (and 5x cheaper)."""
    scores, kept = np.zeros((len(labels), len(OUTCOMES))), np.zeros(len(labels), dtype=bool)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "least populated class" for rare asks
        splits = list(splitter.split(matrix, labels))
    if len(labels) >= HOLDOUT_FROM:
        splits = splits[:1]
    for fit_rows, held_rows in splits:
        fold_weights, fold_intercepts = _fit(matrix[fit_rows], labels[fit_rows])
        scores[held_rows] = _scores(fold_weights, fold_intercepts, matrix[held_rows])
        kept[held_rows] = np.isin(labels[held_rows], labels[fit_rows])
    return scores[kept], labels[kept]


def train(examples: Sequence[TrainingExample], now: datetime) -> LearnedModel:
    """Fit a model on the decisions; raises NotEnoughDecisions for a cold start or a user whose
    decisions all go one way (then nothing can be learned about the other way)."""
    distinct = _distinct(examples)
    labels = np.asarray([outcome for _, outcome in distinct], dtype=np.int64)
    counts = np.bincount(labels, minlength=len(OUTCOMES))
    accepted = int(sum(counts[o] for o in ACCEPT_SIDE))
    declined = int(sum(counts[o] for o in DECLINE_SIDE))
    if len(distinct) < MIN_DECISIONS:
        raise NotEnoughDecisions(
            say(
                f"{len(distinct)} distinct decided notes; learning starts at {MIN_DECISIONS}",
                f"{len(distinct)} unterschiedliche entschiedene Anfragen; gelernt wird ab "
                f"{MIN_DECISIONS}",
            )
        )
    if min(accepted, declined) < MIN_PER_SIDE:
        raise NotEnoughDecisions(
            say(
                f"{accepted} accepted and {declined} declined notes; learning needs at least "
                f"{MIN_PER_SIDE} of each",
                f"{accepted} angenommene und {declined} abgelehnte Anfragen; zum Lernen "
                f"braucht es von beiden mindestens {MIN_PER_SIDE}",
            )
        )
    matrix = feature_matrix([features for features, _ in distinct])
    weights, intercepts = _fit(matrix, labels)
    temperature = 1.0
    folds = min(CALIBRATION_FOLDS, accepted, declined, int(counts.max()))
    if folds >= 2:
        temperature = _temperature(*_out_of_fold(matrix, labels, folds))
    info = ModelInfo(
        decisions=len(examples),
        distinct=len(distinct),
        counts={name: int(n) for name, n in zip(OUTCOMES, counts, strict=True) if n},
        temperature=temperature,
        trained_at=now.isoformat(timespec="seconds"),
    )
    return LearnedModel(weights, intercepts, info)
