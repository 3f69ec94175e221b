"""The region + topic classifier: shared headline features, one calibrated linear head per label family.

``HeadlineClassifier`` is a plain scikit-learn classifier on feature matrices; ``build_pipeline`` puts
``HeadlineFeatures`` in front of scikit-learn's ``MultiOutputClassifier``, one ``HeadlineClassifier``
per head. ``NewsModel`` wraps the fitted
pipeline with the friendly ``predict`` that returns :class:`Prediction` objects.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence, overload

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.model_selection import StratifiedKFold
from sklearn.multioutput import MultiOutputClassifier
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from .features import HeadlineFeatures
from .preprocess import normalize
from .taxonomy import HEADS, UNCERTAIN, pair_name


class HeadlineClassifier(ClassifierMixin, BaseEstimator):
    """A linear SVM whose scores are turned into probabilities by cross-validated calibration.

    The SVM is fitted once on all the data; the calibration map is learned from out-of-fold decision
    values (``ensemble=False``), so predicting costs one dot product, not one per fold.
    """

    def __init__(self, C: float = 0.5, class_weight: str | None = "balanced",
                 calibration: str = "sigmoid", calibration_folds: int = 5, random_state: int = 0):
        self.C = C
        self.class_weight = class_weight
        self.calibration = calibration
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    def fit(self, X, y) -> HeadlineClassifier:
        y = np.asarray(y)
        smallest = min(np.unique(y, return_counts=True)[1])
        folds = StratifiedKFold(max(2, min(self.calibration_folds, smallest)), shuffle=True,
                                random_state=self.random_state)
        svm = LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.random_state)
        self.calibrated_ = CalibratedClassifierCV(svm, method=self.calibration, cv=folds, ensemble=False)
        self.calibrated_.fit(X, y)
        self.classes_ = self.calibrated_.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "calibrated_")
        return self.calibrated_.predict_proba(X)

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def build_pipeline(seed: int = 0, **feature_params) -> Pipeline:
    """Unfitted features + one classifier per head, as a scikit-learn Pipeline of ``(X, Y)``.

    ``Y`` has one column per head (region, topic). The heads share one feature matrix.
    """
    return Pipeline([
        ("features", HeadlineFeatures(**feature_params)),
        ("heads", MultiOutputClassifier(HeadlineClassifier(random_state=seed))),
    ])


@dataclass(frozen=True)
class Prediction:
    """Region and topic of one headline, each with a probability-like score in [0, 1]."""

    headline: str
    region: str
    region_score: float
    topic: str
    topic_score: float
    scores: dict[str, dict[str, float]] = field(default_factory=dict, repr=False, compare=False)

    def alternatives(self, k: int = 3) -> dict[str, list[tuple[str, float]]]:
        """The ``k`` best labels of each head with their scores, best first."""
        if k < 1:
            raise ValueError("k must be at least 1")
        return {head: sorted(s.items(), key=lambda kv: (-kv[1], kv[0]))[:k] for head, s in self.scores.items()}

    @property
    def label(self) -> str:
        """The pair as people say it, e.g. ``US politics``."""
        return pair_name(self.region, self.topic)

    def to_dict(self) -> dict:
        return {"headline": self.headline, "region": self.region, "region_score": self.region_score,
                "topic": self.topic, "topic_score": self.topic_score}

    def __str__(self) -> str:
        return f"{self.label} (region {self.region_score:.2f}, topic {self.topic_score:.2f}): {self.headline}"


class NewsModel:
    """A fitted region + topic classifier, and the model card that describes it."""

    def __init__(self, pipeline: Pipeline, card: dict | None = None):
        self.pipeline = pipeline
        self.card = card or {}
        heads = pipeline.named_steps["heads"].estimators_
        self.heads = {name: est for name, est in zip(HEADS, heads)}

    @overload
    def predict(self, headlines: str) -> Prediction: ...
    @overload
    def predict(self, headlines: Iterable[str]) -> list[Prediction]: ...

    def predict(self, headlines):
        """Predict one headline (a ``str``) or many (any iterable of ``str``)."""
        if isinstance(headlines, str):
            return self.predict([headlines])[0]
        if headlines is None or not isinstance(headlines, Iterable) or isinstance(headlines, (bytes, Mapping)):
            raise TypeError(f"predict() takes a headline string or an iterable of strings, "
                            f"not {type(headlines).__name__}")
        texts = list(headlines)
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"headline {i} is {type(text).__name__}, not str")
        probabilities = self.predict_proba(texts)
        out = []
        for i, text in enumerate(texts):
            scores = {head: dict(zip(self.heads[head].classes_, p[i].round(6).tolist()))
                      for head, p in probabilities.items()}
            if not normalize(text):
                out.append(Prediction(text, UNCERTAIN, 0.0, UNCERTAIN, 0.0, scores))
                continue
            best = {head: max(s.items(), key=lambda kv: kv[1]) for head, s in scores.items()}
            out.append(Prediction(text, best["region"][0], best["region"][1],
                                  best["topic"][0], best["topic"][1], scores))
        return out

    def predict_proba(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Head -> (n, n_labels) probabilities, columns in ``self.heads[head].classes_`` order."""
        features = self.pipeline.named_steps["features"].transform(texts)
        return {head: est.predict_proba(features) for head, est in self.heads.items()}

    def __repr__(self) -> str:
        trained = self.card.get("training_data", {}).get("rows", "?")
        return f"<NewsModel heads={list(self.heads)} trained_on={trained} rows>"
