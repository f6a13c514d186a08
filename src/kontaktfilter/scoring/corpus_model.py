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

import math
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import NamedTuple

import numpy as np

from kontaktfilter.model import Label
from kontaktfilter.scoring.features import (
    CHAR_GRAMS,
    EMPTY_NOTE,
    N_FEATURES,
    Columns,
    column,
    signal_strengths,
    token_form,
)
from kontaktfilter.scoring.model_file import model_header, read_archive, write_archive
from kontaktfilter.scoring.owner_rows import Owner, OwnerRows
from kontaktfilter.text.note import AnalysedNote

FORMAT = "kontaktfilter-corpus-model"
FORMAT_VERSION = 2
LABELS = tuple(Label)
SHIPPED = "corpus_model.npz"
EXPLAINED = 8
"""Entries per sentence and label kept for explanations (more than a verdict ever shows)."""
MEMO_LIMIT = 100_000
"""Rows remembered per sentence, per word or word pair, and per signal name (never per note);
each memo is cleared when full."""
MEMO_SENTENCE_CHARS = 2_000
"""Longer sentences are not remembered: the memo's size stays bounded in characters too."""
GATHER_SENTENCES = 4_096
"""Sentences gathered in one take: bounds the temporary rows of a big batch."""


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
        self._sentences: dict[tuple[str, ...], _Sentence] = {}
        self._rows: dict[str, tuple[float, ...]] = {}
        self._signal_rows: dict[str, tuple[float, ...]] = {}
        self._intercepts = tuple(intercepts.tolist())
        self._signal_pushes: dict[str, tuple[float, ...]] = {}
        """Per signal name: its push towards each label (a few hundred names at most)."""
        self._names: dict[str, np.ndarray] = {}
        self._owners = OwnerRows(weights, MEMO_LIMIT)

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

    def read(self, note: AnalysedNote, signals: list[tuple[str, float]]) -> Reading:
        """The probability of each label (in LABELS order) for a note and the rule signals it
        fired, the same as `probabilities(request_columns(note, signals))`, from rows
        remembered per sentence and signal; the reading keeps the sentences for `strongest`."""
        tokens, numbers = note.tokens, note.sentences
        memo = self._sentences
        pieces: list[tuple[int, tuple[str, ...], _Sentence | None]] = []
        pending: dict[tuple[str, ...], _Sentence | None] = {}
        start, count = 0, len(tokens)
        while start < count:  # the sentences as _sentence_tokens gives them, without its frames
            end = bisect_right(numbers, numbers[start], start)
            words = tokens[start:end]
            found = memo.get(words)
            if found is None:
                pending[words] = None
            pieces.append((start, words, found))
            start = end
        if pending:  # the note's new sentences in one gather
            gathered = list(pending)
            for words, found in zip(gathered, self._gather(gathered), strict=True):
                pending[words] = found
                self._remember(words, found)
        sentences: list[tuple[int, _Sentence]] = []
        entries = 0
        for start, words, found in pieces:
            sentence = found or pending[words]
            assert sentence is not None
            sentences.append((start, sentence))
            entries += sentence.entries
        # One number per label (LABELS has four), added in the order and with the operations of
        # the model's product, each kept in a local: plain Python adds four numbers faster
        # than NumPy's per-call overhead, and locals faster than lists.
        s0, s1, s2, s3 = self._intercepts
        if sentences:
            scale = self.info.text_scale / math.sqrt(entries)
            for _, sentence in sentences:
                b0, b1, b2, b3 = sentence.total
                s0, s1, s2, s3 = s0 + scale * b0, s1 + scale * b1, s2 + scale * b2, s3 + scale * b3
        else:
            scale = self.info.text_scale
            b0, b1, b2, b3 = self._row(EMPTY_NOTE)
            s0, s1, s2, s3 = s0 + scale * b0, s1 + scale * b1, s2 + scale * b2, s3 + scale * b3
        strengths = signal_strengths(signals)
        rows = self._signal_rows
        for name, strength in strengths.items():
            b0, b1, b2, b3 = rows.get(name) or self._signal_row(name)
            s0, s1, s2, s3 = (
                s0 + strength * b0,
                s1 + strength * b1,
                s2 + strength * b2,
                s3 + strength * b3,
            )
        top = max(s0, s1, s2, s3)
        exps = [math.exp(s0 - top), math.exp(s1 - top), math.exp(s2 - top), math.exp(s3 - top)]
        total = sum(exps)
        probabilities = tuple(e / total for e in exps)
        return Reading(probabilities, tuple(sentences), entries, len(tokens), strengths)

    def strongest(self, reading: Reading, target: int, shown: int) -> list[tuple[str, int, int]]:
        """The `shown` (at most EXPLAINED) features of a reading that push most towards
        label `target` (against the mean of the others), strongest first, as (name, first
        token, last token): a word with its character n-grams, a word pair, or a rule signal
        (name given, tokens -1). The same pushes as evidence.strongest_features on
        request_columns, from the pushes remembered per sentence and signal."""
        found: list[tuple[float, int, str, int, int]] = []  # (-push, owner, name, first, last)
        count = reading.tokens
        if reading.entries:
            scale = self.info.text_scale / math.sqrt(reading.entries)
            for start, sentence in reading.sentences:
                # A sentence's entries come strongest first (the positive scale keeps their
                # order), so no more than its first `shown` can be among the note's, and none
                # from the first that does not push towards the label on.
                for push, local, pair in sentence.strongest(target)[:shown]:
                    pull = -scale * push
                    if pull >= 0:
                        break
                    first = start + local
                    owner = count + first if pair else first
                    found.append((pull, owner, "", first, first + pair))
        for k, (name, strength) in enumerate(reading.signals.items()):
            found.append((-strength * self.signal_push(name, target), 2 * count + k, name, -1, -1))
        found.sort()  # strongest push first, ties in feature order, as strongest_features
        return [(name, first, last) for pull, _, name, first, last in found[:shown] if pull < 0]

    def signal_push(self, name: str, target: int) -> float:
        """The learned weight of a rule signal towards label `target`, against the mean of the
        other labels: what the verdict shows beside the signal."""
        found = self._signal_pushes.get(name)
        if found is None:
            row = self._named_row(f"s|{name}")
            found = self._signal_pushes[name] = tuple(_pushes(row[np.newaxis, :])[0].tolist())
        return found[target]

    def prepare(self, notes: Iterable[AnalysedNote]) -> None:
        """Work out the rows of every sentence of a batch of notes not yet remembered, in one
        gather (Engine.score_many): `read` then finds them as if it had met them before. The
        same arithmetic as one sentence at a time, so the readings are identical."""
        pending: dict[tuple[str, ...], None] = {}
        for note in notes:
            for _, tokens in _sentence_tokens(note):
                if tokens not in self._sentences and _rememberable(tokens):
                    pending[tokens] = None
        batch = list(pending)[:MEMO_LIMIT]
        for start in range(0, len(batch), GATHER_SENTENCES):
            part = batch[start : start + GATHER_SENTENCES]
            for tokens, found in zip(part, self._gather(part), strict=True):
                self._remember(tokens, found)

    def _gather(self, sentences: list[tuple[str, ...]]) -> list[_Sentence]:
        """The rows of some sentences (their tokens as analysed) with one take from the owner
        rows: per word (with its n-grams) and per word pair, each sentence's slice summed to its
        total."""
        keys: list[Owner] = []
        owner_starts: list[int] = []
        for sentence in sentences:
            forms = sentence  # most sentences have no number (form "#"): their own forms
            if any(map(str.isdigit, sentence)):
                forms = tuple(map(token_form, sentence))
            owner_starts.append(len(keys))
            keys += forms
            keys += pairwise(forms)
        owners, counts = self._owners.take(keys)  # one row per word, then per pair
        totals = np.add.reduceat(owners.astype(np.float64), owner_starts, axis=0).tolist()
        bounds = [*owner_starts, len(keys)]
        found = []
        for k, sentence in enumerate(sentences):
            first, last = bounds[k], bounds[k + 1]
            entries = sum(counts[first:last])
            found.append(
                _Sentence(tuple(totals[k]), entries, owners[first:last], len(sentence), {})
            )
        return found

    def _remember(self, tokens: tuple[str, ...], found: _Sentence) -> None:
        if _rememberable(tokens):
            if len(self._sentences) >= MEMO_LIMIT:
                self._sentences.clear()
            self._sentences[tokens] = found

    def _row(self, name: str) -> tuple[float, ...]:
        """A named feature's row as plain numbers (see `read`)."""
        found = self._rows.get(name)
        if found is None:
            found = tuple(self._named_row(name).tolist())
            if len(self._rows) >= MEMO_LIMIT:
                self._rows.clear()
            self._rows[name] = found
        return found

    def _signal_row(self, name: str) -> tuple[float, ...]:
        """A rule signal's row as plain numbers, keyed by the signal's name alone (no name of
        the feature to build per reading); as many as there are signals."""
        found = self._signal_rows[name] = self._row(f"s|{name}")
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
        self._rows.clear()
        self._signal_rows.clear()
        self._owners.clear()

    def to_bytes(self) -> bytes:
        """A compressed NumPy archive (no pickle): the used columns and their weight rows, in
        half precision (the opinions are the same as in single precision on the corpus)."""
        used = np.flatnonzero(np.any(self.weights != 0, axis=1))
        header = model_header(
            FORMAT, FORMAT_VERSION, labels=[label.value for label in LABELS], info=asdict(self.info)
        )
        return write_archive(
            header,
            intercepts=self.intercepts.astype(np.float64),
            columns=used.astype(np.int32),
            rows=self.weights[used].astype(np.float16),
        )

    @classmethod
    def from_bytes(cls, blob: bytes, where: str = "corpus model") -> CorpusModel:
        """Read a model; never unpickles, checks every shape and index."""
        names = ("intercepts", "columns", "rows")
        header, arrays = read_archive(blob, FORMAT, names, CorpusModelError, where, "corpus model")
        intercepts, columns, rows = (arrays[name] for name in names)
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


class Reading(NamedTuple):
    """What the model read in one note."""

    probabilities: tuple[float, ...]
    sentences: tuple[tuple[int, _Sentence], ...]
    """(first token, remembered sentence) per sentence of the note."""
    entries: int
    tokens: int
    signals: dict[str, float]
    """The rule signals read, each with its strength."""


class _Sentence(NamedTuple):
    total: tuple[float, ...]
    entries: int
    owners: np.ndarray
    """Per word (with its n-grams), then per word pair: its row (float32)."""
    width: int
    """Words in the sentence."""
    tops: dict[int, tuple[tuple[float, int, int], ...]]
    """Per label asked for: the EXPLAINED strongest (push, first word, is a pair)."""

    def strongest(self, target: int) -> tuple[tuple[float, int, int], ...]:
        """The entries that push most towards `target`, worked out once per label asked."""
        found = self.tops.get(target)
        if found is None:
            pushes = _pushes(self.owners)[:, target]
            order = np.argsort(-pushes, kind="stable")[:EXPLAINED].tolist()
            width = self.width
            found = tuple(
                (float(pushes[i]), i, 0) if i < width else (float(pushes[i]), i - width, 1)
                for i in order
            )
            self.tops[target] = found
        return found


def _rememberable(tokens: tuple[str, ...]) -> bool:
    return sum(map(len, tokens)) <= MEMO_SENTENCE_CHARS


def _sentence_tokens(note: AnalysedNote) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(first token, tokens) of each sentence of a note, as the note has them: the memo is keyed
    on them, and only a sentence not met before is turned into the model's forms (`_gather`)."""
    tokens, numbers = note.tokens, note.sentences
    start = 0
    while start < len(tokens):
        end = bisect_right(numbers, numbers[start], start)
        yield start, tokens[start:end]
        start = end


def _pushes(rows: np.ndarray) -> np.ndarray:
    """Each row's score for every label against the mean of the other labels."""
    return rows - (rows.sum(axis=1, keepdims=True) - rows) / (rows.shape[1] - 1)


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
