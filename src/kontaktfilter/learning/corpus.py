"""The corpus model: the combiner, learned from real labelled requests.

Like SpamAssassin's rule scores, the weight of every named rule signal is not set by hand but
fitted on a corpus of real requests (eval/real/, written by people outside the team), together
with the note's wording (hashed words, word pairs, character n-grams, as the user's learner reads
them). The model gives a calibrated probability for each of the four real labels (personal,
generic, collector, pitch); the engine turns the likeliest into a category and the strategy
chooses the action by expected cost (kontaktfilter.strategy.costs). Its learned weights are what
the verdict shows beside each signal.

The model ships with the package (data/corpus_model.npz, written by `make corpus-model`).
Reading it needs NumPy only; fitting (kontaktfilter.learning.corpus_training) needs scikit-learn.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise

import numpy as np

from kontaktfilter.learning.features import (
    CHAR_GRAMS,
    EMPTY_NOTE,
    N_FEATURES,
    Columns,
    column,
    signal_strengths,
    token_form,
    word_columns,
)
from kontaktfilter.model import Label
from kontaktfilter.note import AnalysedNote

FORMAT = "kontaktfilter-corpus-model"
FORMAT_VERSION = 2
LABELS = tuple(Label)
SHIPPED = "corpus_model.npz"
MEMO_LIMIT = 100_000
"""Rows remembered per sentence and per signal name (never per note); each memo is cleared when
full."""


class CorpusModelError(ValueError):
    """The shipped or given corpus model cannot be read by this version."""


@dataclass(frozen=True, slots=True)
class CorpusInfo:
    sources: dict[str, int]
    """Training file name -> labelled requests taken from it."""
    features_digest: str
    """SHA-256 over every training request's note and the rule signals it fired when the model
    was fitted: when the rules change, the digest changes and the model must be refitted."""
    regularisation: float
    text_scale: float
    """The note's text block enters multiplied by this (the rule signals by 1): with one
    regularisation for both, it sets how much the wording may say beside the named signals."""
    own_weight: float
    """Sample weight of a request from the team's own sets (real requests weigh 1)."""


class CorpusModel:
    """Weights (N_FEATURES × labels), intercepts and what the model was fitted on."""

    def __init__(self, weights: np.ndarray, intercepts: np.ndarray, info: CorpusInfo) -> None:
        self.weights = weights
        self.intercepts = intercepts
        self.info = info
        self._sentences: dict[tuple[str, ...], tuple[np.ndarray, int]] = {}
        self._names: dict[str, np.ndarray] = {}

    def scaled(self, found: Columns) -> Columns:
        """The features as the model reads them: the text block times `text_scale`."""
        values = found.values.copy()
        values[found.owners < found.signal_base] *= self.info.text_scale
        return found._replace(values=values)

    def probabilities(self, found: Columns) -> np.ndarray:
        """Probability of each label (in LABELS order) for one request's features
        (features.request_columns)."""
        scaled = self.scaled(found)
        return _softmax(self.intercepts + scaled.values @ self.weights[scaled.columns])

    def note_probabilities(
        self, note: AnalysedNote, signals: list[tuple[str, float]]
    ) -> np.ndarray:
        """The same probabilities as `probabilities(*request_columns(note, signals)[:2])`, from
        rows remembered per sentence and signal: what every verdict pays for, while the
        explaining columns are built only when the model speaks."""
        tokens = [token_form(t) for t in note.tokens]
        if tokens:
            rows: list[np.ndarray] = []
            entries = 0
            sentences = note.sentences
            start = 0
            for end in range(1, len(tokens) + 1):
                if end == len(tokens) or sentences[end] != sentences[start]:
                    row, count = self._sentence_row(tuple(tokens[start:end]))
                    rows.append(row)
                    entries += count
                    start = end
            text = np.add.reduce(rows) / math.sqrt(entries)
            scores = self.intercepts + self.info.text_scale * text
        else:
            scores = self.intercepts + self.info.text_scale * self._named_row(EMPTY_NOTE)
        for name, strength in signal_strengths(signals).items():
            scores = scores + strength * self._named_row(f"s|{name}")
        return _softmax(scores)

    def signal_push(self, name: str, target: int) -> float:
        """The learned weight of a rule signal towards label `target`, against the mean of the
        other labels: what the verdict shows beside the signal."""
        row = self._named_row(f"s|{name}")
        others = [row[k] for k in range(len(row)) if k != target]
        return float(row[target] - sum(others) / len(others))

    def _sentence_row(self, tokens: tuple[str, ...]) -> tuple[np.ndarray, int]:
        """The summed rows of a sentence's words and word pairs, and how many entries they
        are (the note's text block is scaled by the count of all its entries): one gather for
        the whole sentence when it is new."""
        found = self._sentences.get(tokens)
        if found is None:
            columns: list[int] = []
            signs: list[float] = []
            for token in tokens:
                its_columns, its_signs = word_columns(token)
                columns += its_columns
                signs += its_signs
            for first, second in pairwise(tokens):
                index, sign = column(f"b|{first} {second}")
                columns.append(index)
                signs.append(sign)
            total = np.asarray(signs) @ self.weights[columns].astype(np.float64)
            found = (total, len(columns))
            if len(self._sentences) >= MEMO_LIMIT:
                self._sentences.clear()
            self._sentences[tokens] = found
        return found

    def _named_row(self, name: str) -> np.ndarray:
        found = self._names.get(name)
        if found is None:
            index, sign = column(name)
            found = sign * self.weights[index].astype(np.float64)
            if len(self._names) >= MEMO_LIMIT:
                self._names.clear()
            self._names[name] = found
        return found

    def clear_memos(self) -> None:
        """Forget every remembered row: a measurement starts each engine cold
        (bench/bench_scoring.py)."""
        self._sentences.clear()
        self._names.clear()

    def to_bytes(self) -> bytes:
        """A compressed NumPy archive (no pickle): the used columns and their weight rows, in
        half precision (the opinions are the same as in single precision on the corpus)."""
        used = np.flatnonzero(np.any(self.weights != 0, axis=1))
        header = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "labels": [label.value for label in LABELS],
            "n_features": N_FEATURES,
            "char_grams": list(CHAR_GRAMS),
            "info": asdict(self.info),
        }
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            header=np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8),
            intercepts=self.intercepts.astype(np.float64),
            columns=used.astype(np.int32),
            rows=self.weights[used].astype(np.float16),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes, where: str = "corpus model") -> CorpusModel:
        """Read a model; never unpickles, checks every shape and index."""
        try:
            with np.load(io.BytesIO(blob), allow_pickle=False) as archive:
                header = json.loads(archive["header"].tobytes().decode("utf-8"))
                intercepts, columns, rows = (
                    archive["intercepts"],
                    archive["columns"],
                    archive["rows"],
                )
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            raise CorpusModelError(f"{where}: not a kontaktfilter corpus model ({exc})") from exc
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise CorpusModelError(f"{where}: not a kontaktfilter corpus model")
        if (
            header.get("version") != FORMAT_VERSION
            or header.get("labels") != [label.value for label in LABELS]
            or header.get("n_features") != N_FEATURES
            or header.get("char_grams") != list(CHAR_GRAMS)
        ):
            raise CorpusModelError(f"{where}: built for another version; run `make corpus-model`")
        count = len(LABELS)
        if (
            intercepts.shape != (count,)
            or rows.shape != (len(columns), count)
            or (columns.size and (columns.min() < 0 or columns.max() >= N_FEATURES))
        ):
            raise CorpusModelError(f"{where}: weights out of shape")
        try:
            info = CorpusInfo(**header["info"])
        except (KeyError, TypeError) as exc:
            raise CorpusModelError(f"{where}: training summary unreadable ({exc})") from exc
        weights = np.zeros((N_FEATURES, count), dtype=np.float32)
        weights[columns] = rows
        return cls(weights, intercepts.astype(np.float64), info)


def _softmax(scores: np.ndarray) -> np.ndarray:
    exp = np.exp(scores - scores.max())
    return exp / exp.sum()


@lru_cache(maxsize=1)
def shipped_corpus_model() -> CorpusModel | None:
    """The model shipped with the package, read once per process; None when it is absent (a
    checkout before `make corpus-model`): the rules then decide alone."""
    entry = resources.files("kontaktfilter") / "data" / SHIPPED
    if not entry.is_file():
        return None
    return CorpusModel.from_bytes(entry.read_bytes(), f"data/{SHIPPED}")
