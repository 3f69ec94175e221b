"""``HeadlineFeatures``: word n-gram TF-IDF, character n-gram TF-IDF and gazetteer hits, in one transformer.

An ordinary scikit-learn transformer (hyperparameters in ``__init__``, learned state in attributes
ending in ``_``), so it drops into a user's ``Pipeline`` and ``GridSearchCV``. It tokenises each headline
once and hands the tokens to the blocks of :mod:`newsml.ngrams`, which hold the learned state.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .ngrams import FeatureBuilder, GazetteerIndexer, NgramIndexer
from .preprocess import tokenize


def as_texts(X: Iterable[str] | str) -> list[str]:
    """A list of strings from ``X``; a lone string is an error, as in scikit-learn's vectorizers."""
    if isinstance(X, str):
        raise TypeError("expected an iterable of strings, got a single string; wrap it in a list")
    texts = list(X)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"item {i} is {type(text).__name__}, not str")
    return texts


class HeadlineFeatures(TransformerMixin, BaseEstimator):
    """Stemmed word n-grams, character n-grams within words, and gazetteer regions, side by side.

    Each block is L2-normalised on its own and then scaled by its weight; a weight of 0 drops the block.
    """

    def __init__(
        self,
        word_ngram_range: tuple[int, int] = (1, 2),
        word_min_df: int = 1,
        char_ngram_range: tuple[int, int] = (3, 5),
        char_min_df: int = 2,
        word_weight: float = 1.5,
        char_weight: float = 1.0,
        gazetteer_weight: float = 0.5,
    ):
        self.word_ngram_range = word_ngram_range
        self.word_min_df = word_min_df
        self.char_ngram_range = char_ngram_range
        self.char_min_df = char_min_df
        self.word_weight = word_weight
        self.char_weight = char_weight
        self.gazetteer_weight = gazetteer_weight

    def fit(self, X: Iterable[str], y=None) -> HeadlineFeatures:
        blocks = [
            ("word", self.word_weight, NgramIndexer("word", self.word_ngram_range, self.word_min_df)),
            ("char", self.char_weight, NgramIndexer("char", self.char_ngram_range, self.char_min_df)),
            ("gazetteer", self.gazetteer_weight, GazetteerIndexer()),
        ]
        kept = [block for block in blocks if block[1] > 0]
        if not kept:
            raise ValueError("every feature block has weight 0; give at least one a positive weight")
        self.builder_ = FeatureBuilder(kept).fit([tokenize(t) for t in as_texts(X)])
        return self

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        """The feature matrix in canonical form (sorted, merged entries), as estimators expect it.

        (Prediction skips the merge: repeated entries give the same dot products.)
        """
        check_is_fitted(self, "builder_")
        matrix = self.builder_.transform([tokenize(t) for t in as_texts(X)])
        matrix.sum_duplicates()
        return matrix

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "builder_")
        return np.array(self.builder_.feature_names(), dtype=object)
