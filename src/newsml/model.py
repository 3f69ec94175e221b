"""``NewsModel``: predicting region and topic with numpy alone, and the ``Prediction`` it returns.

A model is the fitted feature blocks (:mod:`newsml.ngrams`) plus, per head, a weight matrix, an
intercept and a temperature. Training (:mod:`newsml.classifier`) uses scikit-learn; predicting does not,
which keeps process start-up short and model files independent of the scikit-learn version.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import overload

import numpy as np

from .ngrams import FeatureBuilder
from .preprocess import normalize, tokenize
from .taxonomy import UNCERTAIN, pair_name


@dataclass
class Head:
    """One label family's linear layer: scores = features @ coef + intercept, softmax(scale * scores)."""

    classes: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    scale: float


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

    def __init__(self, features: FeatureBuilder, heads: dict[str, Head], card: dict | None = None):
        self.features = features
        self.heads = heads
        self.card = card if card is not None else {}
        self._weights = np.hstack([h.coef for h in heads.values()])
        self._bias = np.concatenate([h.intercept for h in heads.values()])
        bounds = np.cumsum([0] + [len(h.classes) for h in heads.values()])
        self._slices = {name: slice(a, b) for name, a, b in zip(heads, bounds[:-1], bounds[1:])}

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
            scores = {head: dict(zip(self.heads[head].classes.tolist(), p[i].round(6).tolist()))
                      for head, p in probabilities.items()}
            if not normalize(text):
                out.append(Prediction(text, UNCERTAIN, 0.0, UNCERTAIN, 0.0, scores))
                continue
            best = {head: max(s.items(), key=lambda kv: kv[1]) for head, s in scores.items()}
            out.append(Prediction(text, best["region"][0], best["region"][1],
                                  best["topic"][0], best["topic"][1], scores))
        return out

    def predict_proba(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Head -> (n, n_labels) probabilities, columns in ``self.heads[head].classes`` order."""
        scores = self.features.transform([tokenize(t) for t in texts]) @ self._weights + self._bias
        out = {}
        for name, head in self.heads.items():
            z = head.scale * scores[:, self._slices[name]]
            z = np.exp(z - z.max(axis=1, keepdims=True))
            out[name] = z / z.sum(axis=1, keepdims=True)
        return out

    def __getstate__(self) -> dict:
        return {"features": self.features, "heads": self.heads}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["features"], state["heads"])

    def __repr__(self) -> str:
        trained = self.card.get("training_data", {}).get("rows", "?")
        return f"<NewsModel heads={list(self.heads)} trained_on={trained} rows>"
