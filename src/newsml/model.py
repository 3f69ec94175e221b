"""``NewsModel``: predicting region and topic with numpy alone, and the ``Prediction`` it returns.

A model is the folded predict engine (:mod:`newsml.engine`) plus, per head, its classes and inverse
temperature. Training (:mod:`newsml.classifier`) uses scikit-learn; predicting does not, which keeps
process start-up short and model files independent of the scikit-learn version.
"""
from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import overload

import numpy as np

from .engine import FoldedEngine, gc_paused
from .explanation import Explanation, explain_head
from .preprocess import is_blank
from .priors import ADAPT_MINIMUM, ADAPT_SAMPLE, HOME_WEIGHT, estimate_prior, home_weights, reweight
from .taxonomy import UNCERTAIN, pair_name

CHUNK = 8192
"""Headlines scored at a time: memory stays flat however many are asked for."""


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by the row maximum so that large scores cannot overflow."""
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class Head:
    """One label family: its classes in output order, the inverse temperature of its softmax, and the
    prior its scores assume (the mean training distribution; see :mod:`newsml.priors`)."""

    classes: np.ndarray
    inverse_temperature: float
    prior: np.ndarray


@dataclass(frozen=True)
class PredictedChunk:
    """What the predictions of one chunk share: head -> (classes, probabilities), the model, the priors."""

    heads: dict[str, tuple[np.ndarray, np.ndarray]]
    model: NewsModel | None
    weights: dict[str, np.ndarray]

    def __reduce__(self):
        """Pickled without the model (it is files on disk, not a value): scores survive, explain does not."""
        return PredictedChunk, (self.heads, None, self.weights)


@dataclass(slots=True)
class Prediction:
    """Region and topic of one headline, each with a probability-like score in [0, 1].

    (Not frozen: a frozen dataclass sets each field through ``object.__setattr__``, which made building
    predictions a fifth of the cost of predicting.)"""

    headline: str
    region: str
    region_score: float
    topic: str
    topic_score: float
    chunk: PredictedChunk | None = field(default=None, repr=False, compare=False)
    """The full distributions of the headline's chunk and how they were made, shared by the chunk's
    predictions and turned into dicts or explanations only when asked."""
    row: int = field(default=-1, repr=False, compare=False)

    @property
    def scores(self) -> dict[str, dict[str, float]]:
        """Head -> label -> score, every label of the model (empty for a blank headline)."""
        if self.chunk is None:
            return {}
        return {head: dict(zip(classes.tolist(), proba[self.row].astype(np.float64).round(6).tolist()))
                for head, (classes, proba) in self.chunk.heads.items()}

    def explain(self, k: int = 5) -> Explanation:
        """Why this headline got its labels: see :meth:`NewsModel.explain` (same model, same priors)."""
        if self.chunk is None:
            raise ValueError("a blank headline has nothing to explain")
        if self.chunk.model is None:
            raise ValueError("this prediction was unpickled without its model; use model.explain(headline)")
        return self.chunk.model.explain(self.headline, k, weights=self.chunk.weights)

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

    def __init__(self, engine: FoldedEngine, heads: dict[str, Head], card: dict | None = None,
                 source: Path | None = None):
        self.engine = engine
        self.heads = heads
        self.card = card if card is not None else {}
        self.source = source
        """The model directory this model was loaded from (None for a model built in memory)."""
        bounds = np.cumsum([0] + [len(h.classes) for h in heads.values()])
        self._slices = {name: slice(a, b) for name, a, b in zip(heads, bounds[:-1], bounds[1:])}

    @overload
    def predict(self, headlines: str, *, home: str | None = None, home_weight: float = HOME_WEIGHT,
                adapt_priors: bool = False) -> Prediction: ...
    @overload
    def predict(self, headlines: Iterable[str], *, home: str | None = None, home_weight: float = HOME_WEIGHT,
                adapt_priors: bool = False) -> list[Prediction]: ...

    def predict(self, headlines, *, home=None, home_weight=HOME_WEIGHT, adapt_priors=False):
        """Predict one headline (a ``str``) or many (any iterable of ``str``, read in chunks).

        ``home``: the region the feed comes from, whose odds are multiplied by ``home_weight``.
        ``adapt_priors``: estimate the feed's region and topic mix from the headlines themselves (the
        first ``ADAPT_SAMPLE`` of them) and adjust every score to it.
        """
        if isinstance(headlines, str):
            headlines = [headlines]
            single = True
        elif headlines is None or not isinstance(headlines, Iterable) or isinstance(headlines, (bytes, Mapping)):
            raise TypeError(f"predict() takes a headline string or an iterable of strings, "
                            f"not {type(headlines).__name__}")
        else:
            single = False
        priors = None
        if adapt_priors:
            headlines = list(headlines)
            priors = self.estimate_priors(headlines[:ADAPT_SAMPLE])
        weights = self.prior_weights(home, home_weight, priors)
        with gc_paused():
            predictions = [p for chunk in self._chunks(headlines) for p in self._predictions(chunk, weights)]
        return predictions[0] if single else predictions

    def _chunks(self, headlines: Iterable) -> Iterator[list[str]]:
        iterator, offset = iter(headlines), 0
        while texts := list(islice(iterator, CHUNK)):
            for i, text in enumerate(texts):
                if not isinstance(text, str):
                    raise TypeError(f"headline {offset + i} is {type(text).__name__}, not str")
            offset += len(texts)
            yield texts

    def prior_weights(self, home: str | None = None, home_weight: float = HOME_WEIGHT,
                      priors: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """Per head, the factors (new prior / training prior) that :func:`newsml.priors.reweight` applies."""
        weights = {}
        for name, head in self.heads.items():
            if priors is not None and name in priors:
                weights[name] = np.asarray(priors[name], dtype=np.float64) / head.prior
        if home is not None:
            region = self.heads["region"].classes
            weights["region"] = weights.get("region", np.ones(len(region))) * home_weights(region, home, home_weight)
        return weights

    def estimate_priors(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The region and topic mix of a batch of headlines, by EM on their scores (Saerens et al. 2002);
        the training mix, with a warning, for fewer than ``ADAPT_MINIMUM`` headlines."""
        if len(texts) < ADAPT_MINIMUM:
            warnings.warn(f"{len(texts)} headlines are too few to estimate a feed's label mix (at least "
                          f"{ADAPT_MINIMUM}); keeping the training mix", stacklevel=3)
            return {name: head.prior.copy() for name, head in self.heads.items()}
        proba = self.predict_proba(texts)
        return {name: estimate_prior(proba[name], head.prior) for name, head in self.heads.items()}

    def _predictions(self, texts: list[str], weights: dict[str, np.ndarray]) -> list[Prediction]:
        probabilities = self._probabilities(texts, weights)
        best = {}
        for head, proba in probabilities.items():
            index = proba.argmax(axis=1)
            names = self.heads[head].classes.tolist()  # one string per label, shared by every prediction
            best[head] = ([names[i] for i in index.tolist()],
                          np.round(proba[np.arange(len(texts)), index], 6).tolist())
        region, region_score = best["region"]
        topic, topic_score = best["topic"]
        chunk = PredictedChunk({name: (head.classes, probabilities[name].astype(np.float32))  # half the memory
                                for name, head in self.heads.items()}, self, weights)
        return [Prediction(text, UNCERTAIN, 0.0, UNCERTAIN, 0.0) if is_blank(text)
                else Prediction(text, region[i], region_score[i], topic[i], topic_score[i], chunk, i)
                for i, text in enumerate(texts)]

    def _probabilities(self, texts: Sequence[str], weights: dict[str, np.ndarray] | None = None
                       ) -> dict[str, np.ndarray]:
        return self._from_scores(*self.engine.scores(texts), weights)

    def _from_scores(self, scores: np.ndarray, known: np.ndarray, weights: dict[str, np.ndarray] | None = None
                     ) -> dict[str, np.ndarray]:
        """Head -> probabilities from the engine's decision values, adjusted by prior ``weights``."""
        out = {}
        for name, head in self.heads.items():
            proba = softmax(head.inverse_temperature * scores[:, self._slices[name]])
            proba[~known] = head.prior  # nothing it knows in the headline: the model has no opinion
            out[name] = reweight(proba, weights[name]) if weights and name in weights else proba
        return out

    def explain(self, headline: str, k: int = 5, *, home: str | None = None, home_weight: float = HOME_WEIGHT,
                priors: dict[str, np.ndarray] | None = None,
                weights: dict[str, np.ndarray] | None = None) -> Explanation:
        """Why ``headline`` gets its labels: per head the label, the runner-up, and the ``k`` features that
        pushed most towards and against the label, with their exact shares of its decision value.

        ``home`` and ``priors`` as in :meth:`predict` (or ``weights`` from :meth:`prior_weights`); the
        explanation says whether they changed the label.
        """
        if not isinstance(headline, str):
            raise TypeError(f"explain() takes a headline string, not {type(headline).__name__}")
        if k < 1:
            raise ValueError("k must be at least 1")
        if is_blank(headline):  # as predict, which labels it uncertain with no scores to explain
            raise ValueError("a blank headline has nothing to explain")
        weights = weights if weights is not None else self.prior_weights(home, home_weight, priors)
        scores, known = self.engine.scores([headline])
        adjusted, plain = self._from_scores(scores, known, weights), self._from_scores(scores, known)
        items = self.engine.contributions(headline)
        heads = {}
        for name, head in self.heads.items():
            part = self._slices[name]
            heads[name] = explain_head(name, head.classes, adjusted[name][0], plain[name][0],
                                       self.engine.bias[part], [(f, v[part]) for f, v in items], bool(known[0]))
        return Explanation(headline, heads, k)

    def predict_proba(self, texts: Iterable[str], *, home: str | None = None, home_weight: float = HOME_WEIGHT,
                      priors: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """Head -> (n, n_labels) probabilities, columns in ``self.heads[head].classes`` order.

        ``home`` and ``priors`` (head -> a feed's label mix) adjust them as in :meth:`predict`.
        """
        weights = self.prior_weights(home, home_weight, priors)
        sized = isinstance(texts, Sequence) and not isinstance(texts, str)
        parts: dict[str, list[np.ndarray]] = {name: [] for name in self.heads}
        out = {name: np.empty((len(texts) if sized else 0, len(head.classes))) for name, head in self.heads.items()}
        start = 0
        with gc_paused():
            for chunk in self._chunks(texts):
                for name, proba in self._probabilities(chunk, weights).items():
                    if sized:  # filled in place: no 150 MB copy at the end of a million headlines
                        out[name][start:start + len(chunk)] = proba
                    else:
                        parts[name].append(proba)
                start += len(chunk)
        return out if sized else {name: np.concatenate([out[name], *chunks]) for name, chunks in parts.items()}

    def __repr__(self) -> str:
        trained = self.card.get("training_data", {}).get("rows", "?")
        return f"<NewsModel heads={list(self.heads)} trained_on={trained} rows>"
