"""The region + topic classifier: shared headline features, one calibrated linear head per label family.

``HeadlineClassifier`` is a plain scikit-learn classifier on feature matrices; ``build_pipeline`` puts
``HeadlineFeatures`` in front of scikit-learn's ``MultiOutputClassifier``, one ``HeadlineClassifier``
per head. ``compile_model`` turns a fitted pipeline into a :class:`~newsml.model.NewsModel`, which
predicts with numpy alone.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import RidgeClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.multioutput import MultiOutputClassifier
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from .features import HeadlineFeatures
from .model import Head, NewsModel
from .taxonomy import HEADS


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


class HeadlineClassifier(ClassifierMixin, BaseEstimator):
    """A linear classifier whose decision values become probabilities by temperature scaling.

    ``loss="squared"`` is ridge regression on +-1 targets, one per label (scikit-learn's
    ``RidgeClassifier``, ``alpha`` the penalty); ``loss="hinge"`` is a linear SVM (``LinearSVC`` with
    ``C = 1 / (2 * alpha)``). On our corpus and on AG News the two are within a point of each other;
    squared loss is a little better on topics. The model is fitted on all the data; one scale factor
    ``scale_`` for its decision values is fitted on out-of-fold decision values to minimise log-loss
    (temperature scaling, Guo et al. 2017). One parameter cannot overfit, it never changes which label
    wins, and predicting costs one dot product.
    """

    def __init__(self, loss: str = "squared", alpha: float = 1.0, class_weight: str | None = "balanced",
                 calibration_folds: int = 5, random_state: int = 0):
        self.loss = loss
        self.alpha = alpha
        self.class_weight = class_weight
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    def _linear_model(self):
        if self.loss == "squared":
            return RidgeClassifier(alpha=self.alpha, class_weight=self.class_weight)
        if self.loss == "hinge":
            return LinearSVC(C=1.0 / (2.0 * self.alpha), class_weight=self.class_weight,
                             random_state=self.random_state)
        raise ValueError(f"loss must be 'squared' or 'hinge', not {self.loss!r}")

    def fit(self, X, y) -> HeadlineClassifier:
        y = np.asarray(y)
        linear = self._linear_model()
        self.linear_ = linear.fit(X, y)
        self.classes_ = self.linear_.classes_
        smallest = int(min(np.unique(y, return_counts=True)[1]))
        folds = StratifiedKFold(max(2, min(self.calibration_folds, smallest)), shuffle=True,
                                random_state=self.random_state)
        held_out = _two_columns(cross_val_predict(linear, X, y, cv=folds, method="decision_function"))
        truth = np.searchsorted(self.classes_, y)

        def log_loss(log_scale: float) -> float:
            return -log_softmax(np.exp(log_scale) * held_out, axis=1)[np.arange(len(y)), truth].mean()

        self.scale_ = float(np.exp(minimize_scalar(log_loss, bounds=(-3.0, 5.0), method="bounded").x))
        return self

    @property
    def coef_(self) -> np.ndarray:
        """(n_classes, n_features) weights; a two-class model's single row becomes (-w, w)."""
        check_is_fitted(self, "linear_")
        return _two_columns(self.linear_.coef_.T).T

    @property
    def intercept_(self) -> np.ndarray:
        check_is_fitted(self, "linear_")
        return _two_columns(self.linear_.intercept_[None, :])[0]

    def decision_function(self, X) -> np.ndarray:
        return X @ self.coef_.T + self.intercept_

    def predict_proba(self, X) -> np.ndarray:
        return softmax(self.scale_ * self.decision_function(X))

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]


def _two_columns(scores: np.ndarray) -> np.ndarray:
    """Decision values with one column per class: a binary model's single score z becomes (-z, z)."""
    scores = scores.reshape(len(scores), -1)
    return np.hstack([-scores, scores]) if scores.shape[1] == 1 else scores


def build_pipeline(seed: int = 0, **feature_params) -> Pipeline:
    """Unfitted features + one classifier per head, as a scikit-learn Pipeline of ``(X, Y)``.

    ``Y`` has one column per head (region, topic). The heads share one feature matrix.
    """
    return Pipeline([
        ("features", HeadlineFeatures(**feature_params)),
        ("heads", MultiOutputClassifier(HeadlineClassifier(random_state=seed))),
    ])


def compile_model(pipeline: Pipeline, card: dict | None = None) -> NewsModel:
    """The fitted pipeline's learned state as a :class:`NewsModel` that needs no scikit-learn."""
    features = pipeline.named_steps["features"].builder_
    heads = {}
    for name, estimator in zip(HEADS, pipeline.named_steps["heads"].estimators_):
        heads[name] = Head(classes=np.array(estimator.classes_, dtype=str),
                           coef=estimator.coef_.T.astype(np.float32),
                           intercept=estimator.intercept_.astype(np.float32), scale=estimator.scale_)
    return NewsModel(features, heads, card)
