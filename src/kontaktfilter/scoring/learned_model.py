"""A user's learned model as the engine uses it: weights over the hashed feature space for three
outcomes (accept, ask, decline), a calibration temperature, and what it was trained on.

Reading it needs NumPy only; training (kontaktfilter.learning.training) needs scikit-learn, which
the scoring path never imports.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from kontaktfilter.model import Action
from kontaktfilter.scoring.features import CHAR_GRAMS, N_FEATURES
from kontaktfilter.scoring.model_file import model_header, read_archive, write_archive

FORMAT = "kontaktfilter-learned-model"
FORMAT_VERSION = 1
OUTCOMES = ("accept", "reply", "ask", "link", "decline", "report")
"""What the user did, as the actions of ARCHITECTURE.md: accepted, accepted and replied, asked for
details (or held), declined with the policy link, declined silently, reported. The learner
decides between the accept side and the decline side; the outcome within a side says which
category the user sees there (a silent decline is a collector, a link a generic request), and
`ask` is learned too, so that notes the user asks about are left alone."""
ACCEPT, REPLY, ASK, LINK, DECLINE, REPORT = range(len(OUTCOMES))
ACCEPT_SIDE = (ACCEPT, REPLY)
DECLINE_SIDE = (LINK, DECLINE, REPORT)
OUTCOME_OF_ACTION = {
    Action.ACCEPT: ACCEPT,
    Action.ACCEPT_AND_REPLY: REPLY,
    Action.ASK_DETAILS: ASK,
    Action.HOLD_MEET_FIRST: ASK,
    Action.REPLY_ONLY: ASK,
    Action.HOLD_WAIT: ASK,
    Action.DECLINE_WITH_LINK: LINK,
    Action.DECLINE_SILENTLY: DECLINE,
    Action.REPORT_SPAM: REPORT,
}
ACTION_OF_OUTCOME = tuple(
    next(action for action, o in OUTCOME_OF_ACTION.items() if o == outcome)
    for outcome in range(len(OUTCOMES))
)
"""The first action of each outcome: how a simulated user (bench, tests) decides."""
HALF_TRUST_DECISIONS = 50
"""Distinct decisions at which the learned signal reaches half its weight; it grows towards the
full weight as decisions accumulate and never jumps at once."""
ABSENT = -1e9
"""Intercept of an outcome the user never chose: its probability is zero."""


class ModelFormatError(ValueError):
    """A stored or exported model cannot be read by this version."""


@dataclass(frozen=True, slots=True)
class ModelInfo:
    decisions: int
    """Decisions given to training, duplicates included."""
    distinct: int
    """Distinct notes after merging identical ones (what the model really learned from)."""
    counts: dict[str, int]
    """Distinct notes per outcome."""
    temperature: float
    """Divides the raw scores before the softmax; fitted on out-of-fold scores (1.0: none)."""
    trained_at: str

    @property
    def accepted(self) -> int:
        return sum(self.counts.get(OUTCOMES[o], 0) for o in ACCEPT_SIDE)

    @property
    def declined(self) -> int:
        return sum(self.counts.get(OUTCOMES[o], 0) for o in DECLINE_SIDE)


class LearnedModel:
    """Weights (N_FEATURES × outcomes: one feature's weights lie together, so scoring gathers
    a few short rows), intercepts and the training summary."""

    def __init__(self, weights: np.ndarray, intercepts: np.ndarray, info: ModelInfo) -> None:
        self.weights = weights
        self.intercepts = intercepts
        self.info = info

    @property
    def trust(self) -> float:
        """0..1: how far to believe this model, from the amount and the balance of decisions.
        50 balanced decisions give 0.5, 200 give 0.8; a user who declines 95% gets a tenth,
        one who never declines (or never accepts) nothing."""
        info = self.info
        decided = info.accepted + info.declined
        if not decided:
            return 0.0
        amount = info.distinct / (info.distinct + HALF_TRUST_DECISIONS)
        return amount * 2 * min(info.accepted, info.declined) / decided

    def probabilities(self, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Calibrated probability of each outcome for one request's features
        (features.request_columns)."""
        scores = (self.intercepts + values @ self.weights[columns]) / self.info.temperature
        exp = np.exp(scores - scores.max())
        return exp / exp.sum()

    # storage ---------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """A compressed NumPy archive (no pickle): header JSON plus the non-zero weights."""
        features, outcomes = np.nonzero(self.weights)
        header = model_header(
            FORMAT, FORMAT_VERSION, outcomes=list(OUTCOMES), info=asdict(self.info)
        )
        return write_archive(
            header,
            intercepts=self.intercepts.astype(np.float64),
            features=features.astype(np.int32),
            outcomes=outcomes.astype(np.int8),
            values=self.weights[features, outcomes],
        )

    @classmethod
    def from_bytes(cls, blob: bytes, where: str = "model") -> LearnedModel:
        """Read a stored or exported model; never unpickles, checks every shape and index."""
        names = ("intercepts", "features", "outcomes", "values")
        header, arrays = read_archive(blob, FORMAT, names, ModelFormatError, where, "model")
        intercepts, features, outcomes, values = (arrays[name] for name in names)
        if header.get("version") != FORMAT_VERSION or header.get("outcomes") != list(OUTCOMES):
            raise ModelFormatError(f"{where}: unknown model version; run `kontaktfilter learn`")
        if header.get("n_features") != N_FEATURES or header.get("char_grams") != list(CHAR_GRAMS):
            raise ModelFormatError(
                f"{where}: built for other features; run `kontaktfilter learn` to rebuild it"
            )
        count = len(OUTCOMES)
        if (
            intercepts.shape != (count,)
            or not (features.shape == outcomes.shape == values.shape)
            or (outcomes.size and (outcomes.min() < 0 or outcomes.max() >= count))
            or (features.size and (features.min() < 0 or features.max() >= N_FEATURES))
        ):
            raise ModelFormatError(f"{where}: weights out of shape")
        try:
            info = ModelInfo(**header["info"])
            if not isinstance(info.counts, dict):
                raise TypeError("counts must be a mapping")
        except (KeyError, TypeError) as exc:
            raise ModelFormatError(f"{where}: training summary unreadable ({exc})") from exc
        if not info.temperature > 0:
            raise ModelFormatError(f"{where}: temperature must be positive")
        weights = np.zeros((N_FEATURES, count), dtype=np.float32)
        weights[features, outcomes] = values
        return cls(weights, intercepts.astype(np.float64), info)
