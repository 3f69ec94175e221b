"""The region + topic classifier: shared headline features, one calibrated linear head per label family.

``HeadlineClassifier`` is a plain scikit-learn classifier on feature matrices; ``build_pipeline`` puts
``HeadlineFeatures`` in front of scikit-learn's ``MultiOutputClassifier``, one ``HeadlineClassifier``
per head. ``compile_model`` folds a fitted pipeline into a :class:`~newsml.model.NewsModel`, which
predicts with numpy alone (:mod:`newsml.engine`).
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import RidgeClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.multioutput import MultiOutputClassifier
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .engine import FoldedEngine, FoldedGazetteer, FoldedNgrams
from .features import HeadlineFeatures
from .model import Head, NewsModel, softmax
from .taxonomy import HEADS


class HeadlineClassifier(ClassifierMixin, BaseEstimator):
    """A linear classifier whose decision values become probabilities by temperature scaling.

    ``loss="squared"`` is ridge regression on +-1 targets, one per label (scikit-learn's
    ``RidgeClassifier``, ``alpha`` the penalty); ``loss="hinge"`` is a linear SVM (``LinearSVC`` with
    ``C = 1 / (2 * alpha)``). On our corpus and on AG News the two are within a point of each other;
    squared loss is a little better on topics. The linear model is fitted on all the data and one
    inverse temperature for its decision values on out-of-fold decision values (scikit-learn's
    ``CalibratedClassifierCV(method="temperature", ensemble=False)``; Guo et al. 2017): one parameter
    cannot overfit, it never changes which label wins, and predicting costs one dot product.
    ``class_weight`` is scikit-learn's: None, a dict from label to weight, or ``"balanced"``, which
    weights each class by ``(n_samples / (n_classes * n_in_class)) ** balance_power``. A power of 1
    is scikit-learn's full balancing, 0 none; the default 0.5 (square-root balancing) keeps small
    classes visible without making a no-cue headline lean to the rarest ones: fully balanced, a headline
    with no place in it leaned to Global and US (see the README's "Class weights").
    ``class_prior_`` is the mean predicted distribution on the training data: the prior the scores
    assume, which :mod:`newsml.priors` replaces with a feed's own.
    """

    def __init__(self, loss: str = "squared", alpha: float = 1.0, class_weight: str | dict | None = "balanced",
                 balance_power: float = 0.5, calibration_folds: int = 5, random_state: int = 0):
        self.loss = loss
        self.alpha = alpha
        self.class_weight = class_weight
        self.balance_power = balance_power
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    def _class_weights(self, y: np.ndarray) -> dict[int, float] | None:
        """Weights by class index: the linear model is fitted on indices into ``classes_`` (so are the
        calibrator's inner fits), so a weight keyed by label would not reach it."""
        if self.class_weight is None:
            return None
        if isinstance(self.class_weight, str):
            if self.class_weight != "balanced":
                raise ValueError(f"class_weight must be 'balanced', a dict or None, not {self.class_weight!r}")
            if not 0 <= self.balance_power <= 1:
                raise ValueError(f"balance_power must be between 0 and 1, got {self.balance_power!r}")
            weights = compute_class_weight("balanced", classes=self.classes_, y=y) ** self.balance_power
        else:
            weights = [self.class_weight.get(label, 1.0) for label in self.classes_.tolist()]
        return {index: float(weight) for index, weight in enumerate(weights)}

    def _linear_model(self, class_weight: dict[int, float] | None):
        if self.loss == "squared":
            return RidgeClassifier(alpha=self.alpha, class_weight=class_weight)
        if self.loss == "hinge":
            return LinearSVC(C=1.0 / (2.0 * self.alpha), class_weight=class_weight,
                             random_state=self.random_state)
        raise ValueError(f"loss must be 'squared' or 'hinge', not {self.loss!r}")

    def fit(self, X, y) -> HeadlineClassifier:
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64)
        check_classification_targets(y)
        self.classes_, counts = np.unique(y, return_counts=True)
        if len(self.classes_) < 2:
            raise ValueError(f"HeadlineClassifier needs examples of at least 2 classes; got 1 class "
                             f"({self.classes_[0]!r})")
        linear = self._linear_model(self._class_weights(y))
        indices = np.searchsorted(self.classes_, y)
        folds = min(self.calibration_folds, int(counts.min()))
        if folds >= 2:
            splitter = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
            calibrated = CalibratedClassifierCV(linear, method="temperature", cv=splitter, ensemble=False)
            fitted = calibrated.fit(X, indices).calibrated_classifiers_[0]
            linear, self.inverse_temperature_ = fitted.estimator, float(fitted.calibrators[0].beta_)
        else:  # a class with a single example: nothing to calibrate on
            linear, self.inverse_temperature_ = linear.fit(X, indices), 1.0
        self.coef_ = np.ascontiguousarray(np.atleast_2d(linear.coef_), dtype=np.float64)
        self.intercept_ = np.ascontiguousarray(np.atleast_1d(linear.intercept_), dtype=np.float64)
        self.class_prior_ = self.predict_proba(X).mean(axis=0)
        return self

    def decision_function(self, X) -> np.ndarray:
        """Decision values, (n_samples, n_classes); (n_samples,) for two classes, as in scikit-learn."""
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, accept_sparse="csr", dtype=np.float64, reset=False)
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "coef_")
        return softmax(self.inverse_temperature_ * one_column_per_class(self.decision_function(X)))

    def predict(self, X) -> np.ndarray:
        check_is_fitted(self, "coef_")
        return self.classes_[np.argmax(one_column_per_class(self.decision_function(X)), axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def one_column_per_class(scores: np.ndarray) -> np.ndarray:
    """A two-class model's single score z becomes (-z, z), the logits temperature scaling uses."""
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
    """Fold the fitted pipeline's weights into a :class:`NewsModel` (see :mod:`newsml.engine`)."""
    features = pipeline.named_steps["features"]
    estimators = pipeline.named_steps["heads"].estimators_
    weights = np.vstack([one_column_per_class(e.coef_.T).T for e in estimators]).T  # (features, outputs)
    bias = np.concatenate([one_column_per_class(e.intercept_[None, :])[0] for e in estimators])
    blocks, start = {}, 0
    for name, weight, block in features.blocks_:
        rows = weights[start:start + block.size]
        start += block.size
        if name == "gazetteer":
            blocks[name] = FoldedGazetteer(block.gazetteer_, np.ascontiguousarray(weight * rows))
        else:
            blocks[name] = FoldedNgrams.fold(name, block.ngram_range, dict(block.vocabulary_), block.idf_,
                                             weight, rows)
    heads = {name: Head(np.array(e.classes_, dtype=str), e.inverse_temperature_, e.class_prior_)
             for name, e in zip(HEADS, estimators)}
    engine = FoldedEngine(blocks.get("word"), blocks.get("char"), blocks.get("gazetteer"),
                          np.ascontiguousarray(bias))
    return NewsModel(engine, heads, card)
