"""The folded predict engine: a headline's class scores without building its feature matrix.

Every n-gram occurrence is its own feature entry and each block is L2-normalised over occurrences
(:mod:`newsml.ngrams`), so each *unit* of a block (a word for character n-grams, a word pair for word
n-grams, a gazetteer feature) adds a fixed vector of class scores (block weight x idf x weights, summed
over its n-grams) and a fixed scalar (its sum of idf squared). A headline's scores are then, per block,
(sum of its units' vectors) / sqrt(sum of their scalars), plus the bias: a few dictionary look-ups and
one small sparse-times-dense product per block for a whole chunk of headlines. Unit vectors are
computed the first time a unit is seen and cached; the n-gram tables they come from are memory-mapped
from the model file, so worker processes share one copy.
"""
from __future__ import annotations

import threading
from itertools import chain
from typing import Sequence

import numpy as np
import scipy.sparse as sp

from .gazetteer import Gazetteer
from .ngrams import GAZETTEER_FEATURES, NO_NAMES, block_grams, block_units, gazetteer_units, indicator_rows
from .preprocess import lower_all, stem, words

UNIT_CACHE_LIMIT = 1_000_000
"""Cached units per block before the cache starts over (bounds memory on endless streams)."""

KNOWN_SHARE = 0.2
"""A headline counts as known when at least this share of its words (and at least one) are words of
the vocabulary two letters or longer, or when it names something the gazetteer knows. Below that the
model has no evidence (a stray letter, random letters, digits, emoji) and says so with flat scores."""


class FoldedNgrams:
    """One n-gram block folded into per-n-gram score vectors, with a cache of per-unit sums."""

    def __init__(self, kind: str, ngram_range: tuple[int, int], vocabulary: dict[str, int],
                 table: np.ndarray, squares: np.ndarray):
        self.kind, self.ngram_range = kind, (int(ngram_range[0]), int(ngram_range[1]))
        self.vocabulary, self.table, self.squares = vocabulary, table, squares
        self._lock = threading.Lock()
        self._clear()

    def known_words(self, tokens: list[str]) -> list[bool]:
        """For each token: a word of two letters or more that is a word n-gram of the vocabulary."""
        flags = list(map(self._known.get, tokens))
        if None in flags:
            vocabulary = self.vocabulary
            with self._lock:
                for token in tokens:
                    if token not in self._known:
                        self._known[token] = len(token) > 1 and stem(token) in vocabulary
            flags = list(map(self._known.__getitem__, tokens))
        return flags

    def _clear(self) -> None:
        self._known: dict[str, bool] = {}
        self._row_of: dict = {}
        self._vectors = np.zeros((1024, self.table.shape[1]))
        self._squares = np.zeros(1024)

    def _add(self, new_units: list) -> None:
        """Compute and cache the vectors of units not seen before."""
        vocab = self.vocabulary
        kind, ngram_range = self.kind, self.ngram_range
        ids = [[vocab[g] for g in block_grams(kind, ngram_range, u) if g in vocab] for u in new_units]
        counts = indicator_rows(list(chain.from_iterable(ids)), [len(i) for i in ids], len(vocab))
        start = len(self._row_of)
        end = start + len(new_units)
        if end > len(self._squares):
            size = max(end, 2 * len(self._squares))
            self._vectors = np.resize(self._vectors, (size, self.table.shape[1]))
            self._squares = np.resize(self._squares, size)
        self._vectors[start:end] = counts @ self.table
        self._squares[start:end] = counts @ self.squares
        self._row_of.update(zip(new_units, range(start, end)))

    def units(self, lowered: list[str], starts: list[int], docs: list[list[str]]) -> list:
        """The units of a chunk, flat: ``lowered`` is every token of it, ``starts`` where each document
        starts in it (each token is the last word of exactly one unit, so units line up with tokens)."""
        if self.kind == "char":
            return lowered
        if self.ngram_range[1] != 2:
            return list(chain.from_iterable(block_units(self.kind, self.ngram_range, d) for d in docs))
        before = [""] + lowered[:-1]
        for start in starts:
            before[start] = ""
        return list(zip(before, lowered))

    def sums(self, units: list, sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Per document (``sizes[i]`` units each): the sum of its units' score vectors and of their scalars."""
        with self._lock:
            if len(self._row_of) + len(units) > UNIT_CACHE_LIMIT:
                self._clear()
            rows = list(map(self._row_of.get, units))
            if None in rows:
                self._add(list(dict.fromkeys(u for u, r in zip(units, rows) if r is None)))
                rows = list(map(self._row_of.__getitem__, units))
            n = len(self._row_of)
            counts = indicator_rows(rows, sizes, n)
            return counts @ self._vectors[:n], counts @ self._squares[:n]


class FoldedGazetteer:
    """The gazetteer block folded: one score vector per gazetteer feature, each occurrence weighing 1."""

    def __init__(self, gazetteer: Gazetteer, table: np.ndarray):
        if table.shape[0] != len(GAZETTEER_FEATURES):
            raise ValueError(f"gazetteer table has {table.shape[0]} rows, expected {len(GAZETTEER_FEATURES)}")
        self.gazetteer, self.table = gazetteer, table

    def sums(self, cased_docs: Sequence[list[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per document: the sum of its features' score vectors, their count, and whether it names anything."""
        units = [gazetteer_units(self.gazetteer.find(tokens)) for tokens in cased_docs]
        counts = indicator_rows(list(chain.from_iterable(units)), list(map(len, units)), len(GAZETTEER_FEATURES))
        named = np.array([u is not NO_NAMES for u in units], dtype=bool)
        return counts @ self.table, np.asarray(counts.sum(axis=1)).ravel(), named


class FoldedEngine:
    """Class scores (decision values) of every head at once, for lists of headline texts."""

    def __init__(self, word: FoldedNgrams | None, char: FoldedNgrams | None,
                 gazetteer: FoldedGazetteer | None, bias: np.ndarray):
        self.word, self.char, self.gazetteer, self.bias = word, char, gazetteer, bias

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """(n, n_outputs) decision values: every head's classes side by side."""
        return self.scores(texts)[0]

    def scores(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Decision values, and for each headline whether the model knows anything in it (see
        ``KNOWN_SHARE``)."""
        cased = list(map(words, texts))
        scores = np.tile(self.bias, (len(cased), 1))
        sizes = list(map(len, cased))
        lowered = lower_all(list(chain.from_iterable(cased)))
        known = self._known_words(lowered, sizes)
        if self.word is not None or self.char is not None:
            starts = np.cumsum([0] + sizes[:-1]).tolist()
            docs = [lowered[a:a + n] for a, n in zip(starts, sizes)] \
                if self.word is not None and self.word.ngram_range[1] != 2 else []
            for block in (self.word, self.char):
                if block is not None:
                    _add_normalised(scores, *block.sums(block.units(lowered, starts, docs), sizes))
        if self.gazetteer is not None:
            sums, squares, named = self.gazetteer.sums(cased)
            known |= named
            _add_normalised(scores, sums, squares)
        return scores, known

    def _known_words(self, lowered: list[str], sizes: list[int]) -> np.ndarray:
        if self.word is None:
            return np.ones(len(sizes), dtype=bool)
        flags = np.array(self.word.known_words(lowered), dtype=np.float64)
        counts = indicator_rows(range(len(lowered)), sizes, len(lowered)) @ flags
        return (counts >= 1) & (counts >= KNOWN_SHARE * np.asarray(sizes))


def _add_normalised(scores: np.ndarray, sums: np.ndarray, squares: np.ndarray) -> None:
    """scores += sums / sqrt(squares) row by row, skipping rows whose block is empty."""
    norms = np.sqrt(squares)
    np.divide(sums, norms[:, None], out=sums, where=norms[:, None] > 0)
    sums[norms == 0] = 0.0
    scores += sums
