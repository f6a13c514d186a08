"""The peer every quality figure is printed beside: TF-IDF over the note's words and word pairs
and a logistic regression, trained on nothing but the real rows of the same training folds.
If the engine, with its named signals and its own sets, does not beat this, the signals are not
earning their keep."""

from __future__ import annotations

from collections.abc import Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from kontaktfilter.learning.corpus_training import FOLDS, CorpusExample, fold_splits
from kontaktfilter.learning.evaluation import RealEvaluation
from kontaktfilter.model import Action, Label

ACTION_OF_LABEL = {
    Label.PERSONAL: Action.ACCEPT_AND_REPLY,
    Label.GENERIC: Action.DECLINE_WITH_LINK,
    Label.COLLECTOR: Action.DECLINE_SILENTLY,
    Label.PITCH: Action.REPORT_SPAM,
}
"""What a plain classifier's label leads to under the default strategy, without the guard or
the expected cost: the baseline is what one gets without them."""


def baseline_out_of_fold(examples: Sequence[CorpusExample], folds: int = FOLDS) -> RealEvaluation:
    """TF-IDF + logistic regression, fitted per fold on the real training rows only."""
    real = [e for e in examples if not e.own]
    texts = [e.record.request.text for e in real]
    labels = [e.record.real_label for e in real]
    evaluation = RealEvaluation()
    for train, test in fold_splits(real, folds):
        vectoriser = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))
        matrix = vectoriser.fit_transform([texts[i] for i in train])
        classifier = LogisticRegression(C=10.0, class_weight="balanced", max_iter=3000)
        classifier.fit(matrix, [labels[i].value for i in train])
        predicted = classifier.predict(vectoriser.transform([texts[i] for i in test]))
        for i, value in zip(test, predicted, strict=True):
            label = Label(value)
            evaluation.add(str(real[i].record.request.id), labels[i], label, ACTION_OF_LABEL[label])
    return evaluation
