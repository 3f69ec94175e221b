"""Feature blocks: what a headline's features are, defined once for training and for predicting.

A headline's features come in blocks (stemmed word n-grams, character n-grams within words, gazetteer
hits). Every block is built from *units*: a word for character n-grams, a word with the words before it
for word n-grams, a gazetteer feature for the gazetteer. Each n-gram occurrence is its own entry
weighted by its smoothed idf, and a block's row is L2-normalised over occurrences, so a unit always
adds the same entries. :mod:`newsml.engine` relies on exactly that to fold the weights of a fitted
model into one vector per unit; :class:`FeatureBlocks` here builds the sparse matrix that training and
the reference tests use. The unit and n-gram definitions below are shared by both.
"""
from __future__ import annotations

from collections import Counter
from itertools import chain
from typing import Sequence

import numpy as np
import scipy.sparse as sp

from .gazetteer import KINDS, PLACE_KINDS, Gazetteer, Hit
from .preprocess import stem
from .taxonomy import REGIONS


def char_grams(word: str, low: int, high: int) -> list[str]:
    """Character n-grams of one word padded with spaces (scikit-learn's ``char_wb``)."""
    padded = f" {word} "
    return [padded[i:i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)]


def word_units(tokens: list[str], reach: int) -> list[tuple[str, ...]]:
    """Each word with the ``reach - 1`` words before it (``""`` before the first word)."""
    if reach == 2:  # the default, on the hot path
        return list(zip([""] + tokens, tokens))
    padded = [""] * (reach - 1) + tokens
    return list(zip(*(padded[k:] for k in range(reach))))


def word_grams(unit: tuple[str, ...], low: int, high: int) -> list[str]:
    """The stemmed word n-grams that end at the unit's last word."""
    stems = [stem(t) for t in unit if t]
    return [" ".join(stems[-n:]) for n in range(low, min(high, len(stems)) + 1)]


def block_units(kind: str, ngram_range: tuple[int, int], tokens: list[str]) -> list:
    """The units of a ``char`` block (the words) or a ``word`` block (see :func:`word_units`)."""
    return tokens if kind == "char" else word_units(tokens, ngram_range[1])


def block_grams(kind: str, ngram_range: tuple[int, int], unit) -> list[str]:
    """The n-grams one unit adds to a ``char`` or ``word`` block."""
    low, high = ngram_range
    return char_grams(unit, low, high) if kind == "char" else word_grams(unit, low, high)


GAZETTEER_FEATURES: tuple[str, ...] = (
    *(f"any={r}" for r in REGIONS), *(f"first={r}" for r in REGIONS),
    *(f"{kind}={r}" for kind in KINDS for r in REGIONS), *(f"ambiguous={r}" for r in REGIONS),
    "none", "mixed",
)
"""The gazetteer block's features: regions named, by kind of name, the first region named (the first
place's, if a place is named: "Instagram pranksters held in Iran" happened where Iran is, not where the
firm is), the candidate regions of names left ambiguous, and whether none or several regions are named.
Names themselves are left to the word features; region-level features let the model generalise to
places it never saw."""
_GAZETTEER_INDEX = {name: i for i, name in enumerate(GAZETTEER_FEATURES)}
_FIRST = {r: _GAZETTEER_INDEX[f"first={r}"] for r in REGIONS}
_HIT = {(kind, r): (_GAZETTEER_INDEX[f"any={r}"], _GAZETTEER_INDEX[f"{kind}={r}"])
        for kind in KINDS for r in REGIONS}
_AMBIGUOUS = {r: _GAZETTEER_INDEX[f"ambiguous={r}"] for r in REGIONS}
_MIXED = _GAZETTEER_INDEX["mixed"]
NO_NAMES = [_GAZETTEER_INDEX["none"]]
"""The gazetteer units of a headline that names nothing the gazetteer knows."""


def gazetteer_units(hits: list[Hit]) -> list[int]:
    """The gazetteer feature ids of one headline's hits, one per occurrence (a shared list: read only)."""
    if not hits:
        return NO_NAMES
    if len(hits) == 1:  # the common case, remembered: a name's units depend only on its kind and regions
        key = (hits[0].kind, hits[0].regions)
        units = _ONE_NAME.get(key)
        if units is None:
            units = _ONE_NAME[key] = _units(hits)
        return units
    return _units(hits)


_ONE_NAME: dict[tuple[str, tuple[str, ...]], list[int]] = {}


def _units(hits: list[Hit]) -> list[int]:
    ids: list[int] = []
    regions: set[str] = set()
    first = first_place = None
    for hit in hits:
        if len(hit.regions) == 1:
            region = hit.regions[0]
            ids.extend(_HIT[hit.kind, region])
            regions.add(region)
            first = first or region
            if first_place is None and hit.kind in PLACE_KINDS:
                first_place = region
        else:
            ids.extend(_AMBIGUOUS[r] for r in hit.regions)
    first = first_place or first
    if first is not None:
        ids.append(_FIRST[first])
    if len(regions) > 1:
        ids.append(_MIXED)
    return ids


def indicator_rows(columns: list[int], sizes: list[int], width: int) -> sp.csr_matrix:
    """A matrix of ones at ``columns``, the first ``sizes[0]`` of them in row 0 and so on (repeats kept)."""
    indptr = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=indptr[1:])
    return sp.csr_matrix((np.ones(len(columns)), np.asarray(columns, dtype=np.int64), indptr),
                         shape=(len(sizes), width))


def normalise_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Scale each row to unit L2 norm over its entries (repeats counted), in place; empty rows stay empty."""
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(rows, weights=matrix.data ** 2, minlength=matrix.shape[0]))
    matrix.data /= np.where(norms > 0, norms, 1.0)[rows]
    return matrix


class NgramBlock:
    """TF-IDF over word or character n-grams: the learned vocabulary and idf of one block."""

    def __init__(self, kind: str, ngram_range: tuple[int, int], min_df: int):
        if kind not in ("word", "char"):
            raise ValueError(f"kind must be 'word' or 'char', not {kind!r}")
        low, high = ngram_range
        if not 1 <= low <= high:
            raise ValueError(f"bad ngram_range {ngram_range}")
        self.kind, self.ngram_range, self.min_df = kind, (int(low), int(high)), int(min_df)
        self.vocabulary_: dict[str, int] = {}
        self.idf_ = np.zeros(0)

    def units(self, tokens: list[str]) -> list:
        return block_units(self.kind, self.ngram_range, tokens)

    def grams(self, unit) -> list[str]:
        return block_grams(self.kind, self.ngram_range, unit)

    def fit(self, docs: Sequence[list[str]]) -> NgramBlock:
        df: Counter[str] = Counter()
        for tokens in docs:
            df.update({g for unit in set(self.units(tokens)) for g in self.grams(unit)})
        kept = sorted(g for g, count in df.items() if count >= self.min_df)
        self.vocabulary_ = {g: i for i, g in enumerate(kept)}
        counts = np.array([df[g] for g in kept], dtype=np.float64)
        self.idf_ = np.log((1.0 + len(docs)) / (1.0 + counts)) + 1.0  # scikit-learn's smooth idf
        return self

    @property
    def size(self) -> int:
        return len(self.vocabulary_)

    def unit_grams(self, unit) -> list[int]:
        """Vocabulary ids of the n-grams a unit adds (one per occurrence)."""
        vocab = self.vocabulary_
        return [vocab[g] for g in self.grams(unit) if g in vocab]

    def transform(self, docs: Sequence[list[str]]) -> sp.csr_matrix:
        ids, sizes, known = [], [], {}
        for tokens in docs:
            size = 0
            for unit in self.units(tokens):
                grams = known.get(unit)
                if grams is None:
                    grams = known[unit] = self.unit_grams(unit)
                ids.extend(grams)
                size += len(grams)
            sizes.append(size)
        matrix = indicator_rows(ids, sizes, self.size)
        matrix.data = self.idf_[matrix.indices].astype(np.float64)
        return normalise_rows(matrix)

    def feature_names(self) -> list[str]:
        return sorted(self.vocabulary_, key=self.vocabulary_.get)


class GazetteerBlock:
    """Gazetteer hits as features (see :data:`GAZETTEER_FEATURES`); ``fit`` keeps the gazetteer."""

    kind = "gazetteer"

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer_ = gazetteer

    @property
    def size(self) -> int:
        return len(GAZETTEER_FEATURES)

    def fit(self, docs) -> GazetteerBlock:
        return self

    def transform_words(self, cased_docs: Sequence[list[str]]) -> sp.csr_matrix:
        units = [gazetteer_units(self.gazetteer_.find(words)) for words in cased_docs]
        return normalise_rows(indicator_rows(list(chain.from_iterable(units)), [len(u) for u in units], self.size))

    def feature_names(self) -> list[str]:
        return list(GAZETTEER_FEATURES)
