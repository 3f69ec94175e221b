"""Feature extraction without scikit-learn: token lists in, L2-normalised sparse rows out.

These plain objects hold the learned vocabularies and weights. The scikit-learn transformer in
:mod:`newsml.features` fits them; a saved model keeps only them, so predicting never imports
scikit-learn (process start-up stays short) and model files do not depend on its version.
"""
from __future__ import annotations

from collections import Counter
from itertools import chain
from typing import Sequence

import numpy as np
import scipy.sparse as sp

from .gazetteer import KINDS, load_gazetteer
from .preprocess import stem
from .taxonomy import REGIONS

_UNIT_CACHE_LIMIT = 500_000


def char_grams(word: str, low: int, high: int) -> list[str]:
    """Character n-grams of one word padded with spaces (scikit-learn's ``char_wb``)."""
    padded = f" {word} "
    return [padded[i:i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)]


def _normalise_rows(data: np.ndarray, indptr: np.ndarray) -> None:
    """Scale each row's entries, in place, to unit L2 norm (empty rows stay empty)."""
    rows = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=len(indptr) - 1))
    data /= np.where(norms > 0, norms, 1.0)[rows]


class NgramIndexer:
    """TF-IDF over n-grams of token lists, with the n-gram ids of each *unit* cached.

    A unit is whatever the n-grams at one position depend on: for character n-grams the word, for
    word n-grams the word and the few before it. Units repeat across headlines far more than headlines
    do, so the cache turns the per-headline cost into a handful of dictionary lookups.

    Each occurrence of an n-gram is its own matrix entry, weighted by its smoothed idf; repeats add up
    in a linear model's dot product and the L2 norm is taken over occurrences. That skips sorting and
    merging every row, which is most of the cost of a conventional TF-IDF on short texts.
    """

    def __init__(self, kind: str, ngram_range: tuple[int, int], min_df: int):
        if kind not in ("word", "char"):
            raise ValueError(f"kind must be 'word' or 'char', not {kind!r}")
        low, high = ngram_range
        if not 1 <= low <= high:
            raise ValueError(f"bad ngram_range {ngram_range}")
        self.kind, self.ngram_range, self.min_df = kind, (low, high), min_df
        self.vocabulary: dict[str, int] = {}
        self.idf = np.zeros(0)
        self._cache: dict = {}

    def units(self, tokens: list[str]) -> list:
        """Char n-grams: the words. Word n-grams: each word with the ``high - 1`` words before it
        (``""`` before the first word)."""
        if self.kind == "char":
            return tokens
        reach = self.ngram_range[1]
        if reach == 2:  # the default, on the hot path
            return list(zip([""] + tokens, tokens))
        padded = [""] * (reach - 1) + tokens
        return list(zip(*(padded[k:] for k in range(reach))))

    def grams(self, unit) -> list[str]:
        low, high = self.ngram_range
        if self.kind == "char":
            return char_grams(unit, low, high)
        stems = [stem(t) for t in unit if t]  # the n-grams that end at the unit's last word
        return [" ".join(stems[-n:]) for n in range(low, min(high, len(stems)) + 1)]

    def fit(self, docs: Sequence[list[str]]) -> NgramIndexer:
        df: Counter[str] = Counter()
        for tokens in docs:
            df.update({g for unit in set(self.units(tokens)) for g in self.grams(unit)})
        kept = sorted(g for g, count in df.items() if count >= self.min_df)
        self.vocabulary = {g: i for i, g in enumerate(kept)}
        counts = np.array([df[g] for g in kept], dtype=np.float64)
        self.idf = np.log((1.0 + len(docs)) / (1.0 + counts)) + 1.0  # scikit-learn's smooth idf
        self._cache = {}
        return self

    @property
    def size(self) -> int:
        return len(self.vocabulary)

    def _unit_ids(self, unit) -> np.ndarray:
        """The n-gram ids of a unit not in the cache yet, now cached."""
        if len(self._cache) >= _UNIT_CACHE_LIMIT:
            self._cache.clear()
        vocab = self.vocabulary
        ids = np.array([vocab[g] for g in self.grams(unit) if g in vocab], dtype=np.int32)
        self._cache[unit] = ids
        return ids

    def transform(self, docs: Sequence[list[str]]) -> sp.csr_matrix:
        units_per_doc = [self.units(tokens) for tokens in docs]
        all_units = list(chain.from_iterable(units_per_doc))
        pieces = list(map(self._cache.get, all_units))
        for i in [i for i, ids in enumerate(pieces) if ids is None]:
            cached = self._cache.get(all_units[i])  # a repeat of an earlier miss in this batch
            pieces[i] = cached if cached is not None else self._unit_ids(all_units[i])
        indices = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int32)
        sizes = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        doc_of_piece = np.repeat(np.arange(len(docs)), [len(units) for units in units_per_doc])
        per_doc = np.bincount(doc_of_piece, weights=sizes, minlength=len(docs)).astype(np.int64)
        indptr = np.concatenate(([0], np.cumsum(per_doc)))
        data = self.idf[indices]
        _normalise_rows(data, indptr)
        return sp.csr_matrix((data, indices, indptr), shape=(len(docs), self.size))

    def feature_names(self) -> list[str]:
        return sorted(self.vocabulary, key=self.vocabulary.get)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_cache": {}}  # rebuilt lazily; not worth megabytes in a model file


class GazetteerIndexer:
    """Gazetteer hits as features: regions named, by kind of name, and the first region named.

    Only regions are emitted, never the names themselves: the word features already see the names, and
    region-level features let the model generalise to places it never saw in training. The feature set
    is fixed by the taxonomy; ``fit`` keeps the gazetteer itself, so a saved model goes on seeing the
    names it was trained with. As in :class:`NgramIndexer`, each hit is its own entry and the L2 norm
    is taken over hits.
    """

    def __init__(self):
        self.gazetteer = None
        names = [f"any={r}" for r in REGIONS] + [f"first={r}" for r in REGIONS]
        names += [f"{kind}={r}" for kind in KINDS for r in REGIONS] + ["none", "mixed"]
        self.vocabulary = {name: i for i, name in enumerate(names)}

    @property
    def size(self) -> int:
        return len(self.vocabulary)

    def fit(self, docs: Sequence[list[str]]) -> GazetteerIndexer:
        self.gazetteer = load_gazetteer()
        return self

    def transform(self, docs: Sequence[list[str]]) -> sp.csr_matrix:
        gazetteer, vocab = self.gazetteer, self.vocabulary
        first = {r: vocab[f"first={r}"] for r in REGIONS}
        hits = {(kind, r): (vocab[f"any={r}"], vocab[f"{kind}={r}"]) for kind in KINDS for r in REGIONS}
        none, mixed = vocab["none"], vocab["mixed"]
        rows: list[list[int]] = []
        for tokens in docs:
            found = gazetteer.find(tokens)
            if not found:
                rows.append([none])
                continue
            ids = [i for e in found for i in hits[e.kind, e.region]]
            ids.append(first[found[0].region])
            if any(e.region != found[0].region for e in found):
                ids.append(mixed)
            rows.append(ids)
        indptr = np.concatenate(([0], np.cumsum([len(r) for r in rows]))).astype(np.int64)
        indices = np.fromiter(chain.from_iterable(rows), dtype=np.int32, count=int(indptr[-1]))
        data = np.ones(len(indices))
        _normalise_rows(data, indptr)
        return sp.csr_matrix((data, indices, indptr), shape=(len(docs), self.size))

    def feature_names(self) -> list[str]:
        return list(self.vocabulary)


class FeatureBuilder:
    """Token lists through every block, each scaled by its weight, side by side in one sparse matrix."""

    def __init__(self, blocks: list[tuple[str, float, NgramIndexer | GazetteerIndexer]]):
        self.blocks = blocks

    def fit(self, docs: Sequence[list[str]]) -> FeatureBuilder:
        for _, _, block in self.blocks:
            block.fit(docs)
        return self

    @property
    def size(self) -> int:
        return sum(block.size for _, _, block in self.blocks)

    def transform(self, docs: Sequence[list[str]]) -> sp.csr_matrix:
        parts = []
        for _, weight, block in self.blocks:
            part = block.transform(docs)
            part.data *= weight
            parts.append(part)
        return sp.hstack(parts, format="csr")

    def feature_names(self) -> list[str]:
        return [f"{name}__{f}" for name, _, block in self.blocks for f in block.feature_names()]
