"""``HeadlineFeatures``: word n-gram TF-IDF, character n-gram TF-IDF and gazetteer hits, in one transformer.

An ordinary scikit-learn transformer (hyperparameters in ``__init__``, learned state in attributes
ending in ``_``, tags saying it takes strings), so it drops into a user's ``Pipeline`` and
``GridSearchCV``. It tokenises each headline once and hands the tokens to the blocks of
:mod:`newsml.ngrams`, which hold the learned state. This sparse path is what training fits on and the
reference the folded predict engine (:mod:`newsml.engine`) is tested against.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .gazetteer import build_gazetteer
from .ngrams import GazetteerBlock, NgramBlock
from .preprocess import words


def as_texts(X: Iterable[str] | str) -> list[str]:
    """A list of strings from ``X``; a lone string is an error, as in scikit-learn's vectorizers."""
    if isinstance(X, str):
        raise TypeError("expected an iterable of strings, got a single string; wrap it in a list")
    if isinstance(X, np.ndarray) and X.ndim != 1:
        raise ValueError(f"expected a 1-d sequence of headlines, got an array of shape {X.shape}")
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
        cased = [words(t) for t in as_texts(X)]
        lowered = [[w.lower() for w in doc] for doc in cased]
        blocks = []
        if self.word_weight > 0:
            blocks.append(("word", float(self.word_weight),
                           NgramBlock("word", self.word_ngram_range, self.word_min_df).fit(lowered)))
        if self.char_weight > 0:
            blocks.append(("char", float(self.char_weight),
                           NgramBlock("char", self.char_ngram_range, self.char_min_df).fit(lowered)))
        if self.gazetteer_weight > 0:
            blocks.append(("gazetteer", float(self.gazetteer_weight), GazetteerBlock(build_gazetteer())))
        if not blocks:
            raise ValueError("every feature block has weight 0; give at least one a positive weight")
        self.blocks_ = blocks
        return self

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        """The feature matrix in canonical form (sorted, merged entries), as estimators expect it."""
        check_is_fitted(self, "blocks_")
        cased = [words(t) for t in as_texts(X)]
        lowered = [[w.lower() for w in doc] for doc in cased]
        parts = []
        for _, weight, block in self.blocks_:
            part = block.transform_words(cased) if block.kind == "gazetteer" else block.transform(lowered)
            part.data *= weight
            parts.append(part)
        matrix = sp.hstack(parts, format="csr")
        matrix.sum_duplicates()
        return matrix

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "blocks_")
        return np.array([f"{name}__{f}" for name, _, block in self.blocks_ for f in block.feature_names()],
                        dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags
