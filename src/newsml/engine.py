"""The folded predict engine: a headline's class scores without building its feature matrix.

Every n-gram occurrence is its own feature entry and each block is L2-normalised over occurrences
(:mod:`newsml.ngrams`), so each *unit* of a block (a word for character n-grams, a word pair for word
n-grams, a gazetteer feature) adds a fixed vector of class scores (block weight x idf x weights, summed
over its n-grams) and a fixed scalar (its sum of idf squared). A headline's scores are then, per block,
(sum of its units' vectors) / sqrt(sum of their scalars), plus the bias: a few dictionary look-ups and
one small sparse-times-dense product per block for a whole chunk of headlines. A word's character
n-gram vector is computed the first time the word is seen and cached (words repeat); word n-grams are
looked up directly (word pairs rarely repeat). The n-gram tables are memory-mapped from the model file,
so worker processes share one copy.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain, compress, repeat
from operator import is_
from typing import Sequence

import numpy as np

from .gazetteer import Gazetteer
from .ngrams import GAZETTEER_FEATURES, NO_NAMES, block_grams, block_units, gazetteer_units, indicator_rows
from .preprocess import lower_all, stem, words

UNIT_CACHE_LIMIT = 1_000_000
"""Cached units per block before the cache starts over (bounds memory on endless streams)."""

KNOWN_SHARE = 0.2
"""A headline counts as known when at least this share of its words (and at least one) are words of
the vocabulary two letters or longer, or when it names something the gazetteer knows. Below that the
model has no evidence (a stray letter, random letters, digits, emoji) and says so with flat scores."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a block of work that makes many acyclic objects.

    Scoring makes short-lived lists and tuples by the million and keeps predictions; the collector
    would walk them all again and again without finding a cycle (a third of the time of ``predict``
    over a million headlines). Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class FoldedNgrams:
    """One n-gram block folded into per-n-gram score vectors, with a cache of per-unit sums."""

    def __init__(self, kind: str, ngram_range: tuple[int, int], vocabulary: dict[str, int],
                 table: np.ndarray, squares: np.ndarray, pairs: np.ndarray | None = None):
        self.kind, self.ngram_range = kind, (int(ngram_range[0]), int(ngram_range[1]))
        self.vocabulary, self.table, self.squares = vocabulary, table, squares
        if pairs is None and self.has_pair_index:
            pairs = self.pair_index(vocabulary)
        self.pairs = pairs
        """For a word block of unigrams and bigrams: (2, n) int64, sorted keys ``first * size + second``
        of the bigrams' unigram ids, and the bigrams' own ids (see :meth:`pair_index`)."""
        self._lock = threading.Lock()
        self._clear()

    @property
    def has_pair_index(self) -> bool:
        """Whether this is the default word block, whose bigrams are found by :attr:`pairs`."""
        return self.kind == "word" and self.ngram_range == (1, 2)

    @staticmethod
    def pair_index(vocabulary: dict[str, int]) -> np.ndarray:
        """Every bigram of ``vocabulary`` as the key ``first * size + second`` of its two unigrams'
        ids, sorted, above the bigram's own id: word pairs are then found for a whole chunk at once
        by one binary search. (A bigram's stems are unigrams of the vocabulary too: each occurs
        wherever the bigram does, so a document-frequency cut never keeps the bigram and drops them.)"""
        size = len(vocabulary)
        keys, ids = [], []
        for gram, index in vocabulary.items():
            if " " in gram:
                first, second = gram.split(" ")
                keys.append(vocabulary[first] * size + vocabulary[second])
                ids.append(index)
        order = np.argsort(np.asarray(keys, dtype=np.int64), kind="stable")
        return np.ascontiguousarray(np.array([keys, ids], dtype=np.int64).reshape(2, -1)[:, order])

    @classmethod
    def fold(cls, kind: str, ngram_range: tuple[int, int], vocabulary: dict[str, int], idf: np.ndarray,
             weight: float, weights: np.ndarray) -> FoldedNgrams:
        """The block from a linear model's ``weights`` for its features (one row per n-gram), the
        block's ``weight`` and its ``idf``: each n-gram's score vector and its idf squared."""
        idf = np.asarray(idf, dtype=np.float64)
        return cls(kind, ngram_range, vocabulary, np.ascontiguousarray(weight * idf[:, None] * weights),
                   np.ascontiguousarray(idf ** 2))  # (and the pair index, if any, from the vocabulary)

    def _clear(self) -> None:
        self._row_of: dict = {}
        self._unigram_of: dict[str, int] = {}  # token as written -> id of its stem (-1: none)
        self._vectors = np.zeros((1024, self.table.shape[1]))
        self._squares = np.zeros(1024)

    def _add(self, new_units: list) -> None:
        """Compute and cache the vectors of units not seen before."""
        vocab = self.vocabulary
        kind, ngram_range = self.kind, self.ngram_range
        lowered = lower_all(new_units) if kind == "char" else new_units  # char units come as written
        ids = [[vocab[g] for g in block_grams(kind, ngram_range, u) if g in vocab] for u in lowered]
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

    def sums(self, tokens: list[str], starts: list[int], sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Per document: the sum of its units' score vectors and of their scalars. ``tokens`` is every
        token of the chunk as written, ``starts`` and ``sizes`` where each document's tokens are in it.
        (The default word block goes through :meth:`word_ids` and :meth:`pair_sums` instead.)"""
        if self.kind == "char":
            return self._cached_sums(tokens, sizes)
        docs = [lower_all(tokens[a:a + n]) for a, n in zip(starts, sizes)]
        return self._cached_sums(list(chain.from_iterable(block_units(self.kind, self.ngram_range, d)
                                                          for d in docs)), sizes)

    def word_ids(self, tokens: list[str], starts: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """For each token (as written): the vocabulary id of its stem and of the stem pair ending at it
        (-1: none). A token's stem id is cached; pairs are one binary search over :attr:`pairs` for the
        whole chunk, since word pairs rarely repeat."""
        with self._lock:
            if len(self._unigram_of) + len(tokens) > UNIT_CACHE_LIMIT:
                self._unigram_of = {}
            cache = self._unigram_of
            found = list(map(cache.get, tokens))
            if None in found:
                vocabulary = self.vocabulary
                for token in dict.fromkeys(compress(tokens, map(is_, found, repeat(None)))):
                    cache[token] = vocabulary.get(stem(token.lower()), -1)
                found = list(map(cache.__getitem__, tokens))
        single = np.fromiter(found, dtype=np.int64, count=len(found))
        before = np.empty_like(single)
        before[1:] = single[:-1]
        before[:1] = -1
        starts_array = np.asarray(starts, dtype=np.int64)
        before[starts_array[starts_array < len(before)]] = -1  # a first word makes no pair
        pairs = np.full_like(single, -1)
        both = np.flatnonzero((before >= 0) & (single >= 0))
        if len(both) and self.pairs is not None and self.pairs.shape[1]:
            keys = before[both] * len(self.vocabulary) + single[both]
            at = np.minimum(np.searchsorted(self.pairs[0], keys), self.pairs.shape[1] - 1)
            hit = self.pairs[0, at] == keys
            pairs[both[hit]] = self.pairs[1, at[hit]]
        return single, pairs

    def pair_sums(self, single: np.ndarray, pairs: np.ndarray, sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Per document: the score vectors and scalars of the word n-grams found by :meth:`word_ids`."""
        grams = np.column_stack([single, pairs]).ravel()
        found = grams >= 0
        document = np.repeat(np.arange(len(sizes)), np.asarray(sizes, dtype=np.int64) * 2)
        counts = indicator_rows(grams[found], np.bincount(document[found], minlength=len(sizes)),
                                len(self.vocabulary))
        return counts @ self.table, counts @ self.squares


    def _cached_sums(self, units: list, sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            if len(self._row_of) + len(units) > UNIT_CACHE_LIMIT:
                self._clear()
            rows = list(map(self._row_of.get, units))
            if None in rows:  # (compress and is_ keep the scan over every unit in C)
                self._add(list(dict.fromkeys(compress(units, map(is_, rows, repeat(None))))))
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
        tokens = list(chain.from_iterable(cased))
        starts = np.cumsum([0] + sizes[:-1]).tolist()
        known = np.ones(len(cased), dtype=bool)
        if self.word is not None:
            if self.word.has_pair_index:
                single, pairs = self.word.word_ids(tokens, starts)
                known = self._known(single, tokens, sizes)
                _add_normalised(scores, *self.word.pair_sums(single, pairs, sizes))
            else:
                if self.word.ngram_range[0] == 1:  # (without word unigrams there is no telling)
                    known = self._known(self.word.word_ids(tokens, starts)[0], tokens, sizes)
                _add_normalised(scores, *self.word.sums(tokens, starts, sizes))
        if self.char is not None:
            _add_normalised(scores, *self.char.sums(tokens, starts, sizes))
        if self.gazetteer is not None:
            sums, squares, named = self.gazetteer.sums(cased)
            known |= named
            _add_normalised(scores, sums, squares)
        return scores, known

    def contributions(self, text: str) -> list[tuple[str, np.ndarray]]:
        """What each feature of one headline adds to every decision value, exactly: a word or word pair,
        the character n-grams of a word, a gazetteer feature; with the bias they sum to the decision
        values of :meth:`decision`. Features are named as a reader would recognise them."""
        cased = words(text)
        lowered = lower_all(cased)
        items: dict[str, np.ndarray] = {}
        if self.word is not None:
            named = []
            for unit in block_units(self.word.kind, self.word.ngram_range, lowered):
                surface = [t for t in unit if t]
                for n, gram in enumerate(block_grams(self.word.kind, self.word.ngram_range, unit),
                                         start=self.word.ngram_range[0]):
                    if gram in self.word.vocabulary:
                        label = f'word "{surface[-1]}"' if n == 1 else f'words "{" ".join(surface[-n:])}"'
                        named.append((label, self.word.vocabulary[gram]))
            _add_items(items, self.word, [(label, [i]) for label, i in named])
        if self.char is not None:
            vocabulary, low, high = self.char.vocabulary, *self.char.ngram_range
            _add_items(items, self.char, [(f'letters of "{word}"', [vocabulary[g] for g in
                                           block_grams("char", (low, high), word) if g in vocabulary])
                                          for word in lowered])
        if self.gazetteer is not None:
            hits = self.gazetteer.gazetteer.find(cased)
            names = ", ".join(dict.fromkeys(hit.name for hit in hits))
            units = gazetteer_units(hits)
            norm = np.sqrt(len(units))
            for unit in units:
                label = f"gazetteer {GAZETTEER_FEATURES[unit]}" + (f" ({names})" if names else "")
                items[label] = items.get(label, 0) + self.gazetteer.table[unit] / norm
        return list(items.items())

    @staticmethod
    def _known(single: np.ndarray, tokens: list[str], sizes: list[int]) -> np.ndarray:
        """Headlines with enough words of the vocabulary (two letters or longer) to go on."""
        flags = (single >= 0) & (np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens)) > 1)
        counts = np.bincount(np.repeat(np.arange(len(sizes)), sizes), weights=flags, minlength=len(sizes))
        return (counts >= 1) & (counts >= KNOWN_SHARE * np.asarray(sizes))


def _add_items(items: dict[str, np.ndarray], block: FoldedNgrams, named: list[tuple[str, list[int]]]) -> None:
    """Add each named feature's share of one block: its n-grams' vectors over the block's norm."""
    norm = np.sqrt(sum(float(block.squares[ids].sum()) for _, ids in named if ids))
    for label, ids in named:
        if ids and norm > 0:
            items[label] = items.get(label, 0) + block.table[ids].sum(axis=0) / norm


def _add_normalised(scores: np.ndarray, sums: np.ndarray, squares: np.ndarray) -> None:
    """scores += sums / sqrt(squares) row by row, skipping rows whose block is empty."""
    norms = np.sqrt(squares)
    np.divide(sums, norms[:, None], out=sums, where=norms[:, None] > 0)
    sums[norms == 0] = 0.0
    scores += sums
