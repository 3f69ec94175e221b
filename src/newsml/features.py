"""Headline features: word n-gram TF-IDF, character n-gram TF-IDF and gazetteer hits, in one transformer.

``HeadlineFeatures`` is an ordinary scikit-learn transformer (hyperparameters in ``__init__``, learned
state in attributes ending in ``_``), so it drops into a user's ``Pipeline`` and ``GridSearchCV``.
It tokenises each headline once and hands the token lists to three blocks, each a transformer of
token lists. Character n-grams are built per word (like scikit-learn's ``char_wb``) and cached per word,
which makes them cheap on the hot path: a headline costs a few lookups instead of hundreds.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import Normalizer
from sklearn.utils.validation import check_is_fitted

from .gazetteer import load_gazetteer
from .preprocess import stem, tokenize

_UNIT_CACHE_LIMIT = 500_000


def as_texts(X: Iterable[str] | str) -> list[str]:
    """A list of strings from ``X``; a lone string is an error, as in scikit-learn's vectorizers."""
    if isinstance(X, str):
        raise TypeError("expected an iterable of strings, got a single string; wrap it in a list")
    texts = list(X)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"item {i} is {type(text).__name__}, not str")
    return texts


class _CachedNgramTfidf(TransformerMixin, BaseEstimator):
    """TF-IDF over n-grams of token lists, with the n-gram ids of each *unit* cached.

    A unit is whatever the n-grams of one position depend on: for character n-grams the word, for word
    n-grams the word and the few before it. Units repeat across headlines far more than headlines do,
    so the cache turns the per-headline cost into a handful of dictionary lookups.
    """

    def _units(self, tokens: list[str]) -> list:
        raise NotImplementedError

    def _grams(self, unit) -> list[str]:
        raise NotImplementedError

    def fit(self, X: Sequence[list[str]], y=None):
        df: Counter[str] = Counter()
        for tokens in X:
            df.update({g for unit in set(self._units(tokens)) for g in self._grams(unit)})
        kept = sorted(g for g, count in df.items() if count >= self.min_df)
        self.vocabulary_ = {g: i for i, g in enumerate(kept)}
        self._cache = {}
        self.tfidf_ = TfidfTransformer(sublinear_tf=self.sublinear_tf).fit(self._counts(X))
        return self

    def transform(self, X: Sequence[list[str]]) -> sp.csr_matrix:
        check_is_fitted(self, "vocabulary_")
        return self.tfidf_.transform(self._counts(X))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "vocabulary_")
        return np.array(sorted(self.vocabulary_, key=self.vocabulary_.get), dtype=object)

    def _unit_ids(self, unit) -> np.ndarray:
        cache = self.__dict__.setdefault("_cache", {})
        ids = cache.get(unit)
        if ids is None:
            if len(cache) >= _UNIT_CACHE_LIMIT:
                cache.clear()
            vocab = self.vocabulary_
            ids = np.array([vocab[g] for g in self._grams(unit) if g in vocab], dtype=np.int32)
            cache[unit] = ids
        return ids

    def _counts(self, docs: Sequence[list[str]]) -> sp.csr_matrix:
        unit_ids = self._unit_ids
        units_per_doc = [self._units(tokens) for tokens in docs]
        pieces = [unit_ids(u) for units in units_per_doc for u in units]
        sizes = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        doc_of_piece = np.repeat(np.arange(len(docs)), [len(units) for units in units_per_doc])
        indptr = np.zeros(len(docs) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(np.bincount(doc_of_piece, weights=sizes, minlength=len(docs)))
        indices = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int32)
        data = np.ones(len(indices), dtype=np.float64)
        counts = sp.csr_matrix((data, indices, indptr), shape=(len(docs), len(self.vocabulary_)))
        counts.sum_duplicates()
        return counts

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_cache", None)  # rebuilt lazily; not worth megabytes in a model file
        return state


class WordNgramTfidf(_CachedNgramTfidf):
    """TF-IDF over stemmed word n-grams."""

    def __init__(self, ngram_range: tuple[int, int] = (1, 2), min_df: int = 1, sublinear_tf: bool = True):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf

    def _units(self, tokens: list[str]) -> list[tuple[str, ...]]:
        reach = self.ngram_range[1]
        return [tuple(tokens[max(0, i - reach + 1):i + 1]) for i in range(len(tokens))]

    def _grams(self, unit: tuple[str, ...]) -> list[str]:
        """The n-grams that end at the unit's last word."""
        stems = [stem(t) for t in unit]
        low, high = self.ngram_range
        return [" ".join(stems[-n:]) for n in range(low, min(high, len(stems)) + 1)]


class CharNgramTfidf(_CachedNgramTfidf):
    """TF-IDF over character n-grams taken inside word boundaries (scikit-learn's ``char_wb``)."""

    def __init__(self, ngram_range: tuple[int, int] = (2, 5), min_df: int = 2, sublinear_tf: bool = True):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf

    def _units(self, tokens: list[str]) -> list[str]:
        return tokens

    def _grams(self, word: str) -> list[str]:
        padded = f" {word} "
        low, high = self.ngram_range
        return [padded[i:i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)]


class GazetteerFeatures(TransformerMixin, BaseEstimator):
    """Counts of gazetteer regions found in a headline, by kind of name, plus the first region named.

    Only regions are emitted, never the names themselves: the word features already see the names, and
    region-level features let the model generalise to places it never saw in training.
    """

    def fit(self, X: Sequence[list[str]], y=None) -> GazetteerFeatures:
        self.vectorizer_ = DictVectorizer(dtype=np.float64).fit(self._dicts(X))
        self.normalizer_ = Normalizer()
        return self

    def transform(self, X: Sequence[list[str]]) -> sp.csr_matrix:
        check_is_fitted(self, "vectorizer_")
        counts = self.vectorizer_.transform(self._dicts(X))
        counts.data = np.log1p(counts.data)
        return self.normalizer_.transform(counts)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.get_feature_names_out()

    @staticmethod
    def _dicts(docs: Sequence[list[str]]) -> list[dict[str, float]]:
        gazetteer = load_gazetteer()
        out = []
        for tokens in docs:
            found = gazetteer.find(tokens)
            features: Counter[str] = Counter()
            for entry in found:
                features[f"region={entry.region}"] += 1
                features[f"{entry.kind}={entry.region}"] += 1
            features[f"first={found[0].region}" if found else "none"] += 1
            if len({e.region for e in found}) > 1:
                features["mixed"] += 1
            out.append(features)
        return out


class HeadlineFeatures(TransformerMixin, BaseEstimator):
    """Word n-gram TF-IDF (stems), character n-gram TF-IDF and gazetteer features, side by side.

    Each block is L2-normalised on its own and then scaled by its weight; a weight of 0 drops the block.
    """

    def __init__(
        self,
        word_ngram_range: tuple[int, int] = (1, 2),
        word_min_df: int = 1,
        char_ngram_range: tuple[int, int] = (2, 5),
        char_min_df: int = 2,
        sublinear_tf: bool = True,
        word_weight: float = 1.0,
        char_weight: float = 1.0,
        gazetteer_weight: float = 0.5,
    ):
        self.word_ngram_range = word_ngram_range
        self.word_min_df = word_min_df
        self.char_ngram_range = char_ngram_range
        self.char_min_df = char_min_df
        self.sublinear_tf = sublinear_tf
        self.word_weight = word_weight
        self.char_weight = char_weight
        self.gazetteer_weight = gazetteer_weight

    def _union(self) -> FeatureUnion:
        blocks = [
            ("word", self.word_weight, WordNgramTfidf(
                ngram_range=self.word_ngram_range, min_df=self.word_min_df, sublinear_tf=self.sublinear_tf)),
            ("char", self.char_weight, CharNgramTfidf(
                ngram_range=self.char_ngram_range, min_df=self.char_min_df, sublinear_tf=self.sublinear_tf)),
            ("gazetteer", self.gazetteer_weight, GazetteerFeatures()),
        ]
        kept = [(name, weight, block) for name, weight, block in blocks if weight > 0]
        if not kept:
            raise ValueError("every feature block has weight 0; give at least one a positive weight")
        return FeatureUnion(
            [(name, block) for name, _, block in kept],
            transformer_weights={name: weight for name, weight, _ in kept},
        )

    def fit(self, X: Iterable[str], y=None) -> HeadlineFeatures:
        self.union_ = self._union().fit([tokenize(t) for t in as_texts(X)])
        return self

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        check_is_fitted(self, "union_")
        return self.union_.transform([tokenize(t) for t in as_texts(X)]).tocsr()

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "union_")
        return self.union_.get_feature_names_out()
