"""The folded predict engine: a headline's class scores without building its feature matrix.

Every n-gram occurrence is its own feature entry and each block is L2-normalised over occurrences
(:mod:`newsml.ngrams`), so each *unit* of a block (a word for character n-grams, a word pair for word
n-grams, a gazetteer feature) adds a fixed vector of class scores (block weight x idf x weights, summed
over its n-grams) and a fixed scalar (its sum of idf squared). A headline's scores are then, per block,
(sum of its units' vectors) / sqrt(sum of their scalars), plus the bias: one dictionary look-up a
token and one small sparse-times-dense product per block for a whole chunk of headlines. What a token
brings (its stem's id, its character n-gram vector) is worked out the first time it is seen and cached
in a :class:`TokenTable` (tokens repeat); word pairs are found in a hash table saved with the model
(pairs rarely repeat). The n-gram tables are memory-mapped from the model file, so
worker processes share one copy.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from itertools import chain, compress, repeat
from typing import Sequence

import numpy as np

from .gazetteer import Gazetteer
from .ngrams import GAZETTEER_FEATURES, NO_NAMES, block_grams, block_units, gazetteer_units, indicator_rows
from .preprocess import lower_all, stem, words

UNIT_CACHE_LIMIT = 1_000_000
"""Cached tokens before the token table starts over (bounds memory on endless streams)."""

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

    def __init__(self, kind: str, ngram_range: tuple[int, int], grams: list[str],
                 table: np.ndarray, squares: np.ndarray, pairs: np.ndarray | None = None):
        self.kind, self.ngram_range = kind, (int(ngram_range[0]), int(ngram_range[1]))
        self.grams, self.table, self.squares = grams, table, squares
        """The n-grams in id order (row ``i`` of ``table`` and ``squares`` is ``grams[i]``); a word
        block folded by :meth:`fold` lists its unigrams first."""
        self.pairs = pairs
        """For a word block of unigrams and bigrams, the pair index: an open-addressing hash table,
        (2, size) int64, of the keys ``first * size + second`` of the bigrams' two unigram ids (-1: an
        empty slot) and the bigrams' own ids (see :meth:`pair_index`)."""
        # What predicting needs of the vocabulary, built now: the whole of it, except for the default
        # word block, whose bigrams are found through ``pairs`` and which needs only its unigrams (a
        # seventh of it). The whole vocabulary (explanations, other blocks) is built when first asked.
        if self.has_pair_index:
            count = next((i for i, gram in enumerate(grams) if " " in gram), len(grams))
            if any(" " not in gram for gram in grams[count:]):  # the unigram dictionary would miss these
                raise ValueError(f"{kind} vocabulary does not list its unigrams first")
            self.lookup = dict(zip(grams[:count], range(count)))
        else:
            self.lookup = self.vocabulary

    @cached_property
    def vocabulary(self) -> dict[str, int]:
        """Every n-gram's id."""
        return dict(zip(self.grams, range(len(self.grams))))

    @property
    def size(self) -> int:
        return len(self.grams)

    @property
    def has_pair_index(self) -> bool:
        """Whether this is the default word block, whose bigrams are found by :attr:`pairs`."""
        return self.kind == "word" and self.ngram_range == (1, 2)

    @staticmethod
    def pair_index(vocabulary: dict[str, int]) -> np.ndarray:
        """The pair index of ``vocabulary`` (see :attr:`pairs`), with linear probing and at most 40% of
        its slots used. Looking a whole chunk's word pairs up in it is a few vectorised probes, five
        times faster than a binary search over sorted keys. (A bigram's stems are unigrams of the
        vocabulary too: each occurs wherever the bigram does, so a document-frequency cut never keeps
        the bigram and drops them.)"""
        size = len(vocabulary)
        bigrams = [(gram.split(" "), index) for gram, index in vocabulary.items() if " " in gram]
        keys = np.array([vocabulary[first] * size + vocabulary[second] for (first, second), _ in bigrams],
                        dtype=np.int64)
        ids = np.array([index for _, index in bigrams], dtype=np.int64)
        width = 1 << max(4, int(np.ceil(np.log2(2.5 * max(len(keys), 1)))))
        table = np.full((2, width), -1, dtype=np.int64)
        slots, waiting = _pair_slots(keys, width), np.arange(len(keys))
        while len(waiting):  # each round, every waiting key whose slot is free takes it (first come)
            free = table[0, slots[waiting]] < 0
            taken, first = np.unique(slots[waiting[free]], return_index=True)
            placed = waiting[free][first]
            table[0, taken], table[1, taken] = keys[placed], ids[placed]
            waiting = np.setdiff1d(waiting, placed, assume_unique=True)
            slots[waiting] = (slots[waiting] + 1) & (width - 1)
        return table

    @classmethod
    def fold(cls, kind: str, ngram_range: tuple[int, int], vocabulary: dict[str, int], idf: np.ndarray,
             weight: float, weights: np.ndarray) -> FoldedNgrams:
        """The block from a linear model's ``weights`` for its features (one row per n-gram), the
        block's ``weight`` and its ``idf``: each n-gram's score vector and its idf squared, and for the
        default word block its pair index, all computed once here and saved with the model. A word
        block's n-grams are renumbered unigrams first, so that loading it builds a dictionary of its
        unigrams alone (see ``lookup``)."""
        grams = sorted(vocabulary, key=vocabulary.get)
        if kind == "word":
            grams = [g for g in grams if " " not in g] + [g for g in grams if " " in g]
        order = np.array([vocabulary[g] for g in grams], dtype=np.int64)
        idf = np.asarray(idf, dtype=np.float64)[order]
        block = cls(kind, ngram_range, grams, np.ascontiguousarray(weight * idf[:, None] * weights[order]),
                    np.ascontiguousarray(idf ** 2))
        if block.has_pair_index:
            block.pairs = cls.pair_index(block.vocabulary)
        return block

    def unit_sums(self, units: list) -> tuple[np.ndarray, np.ndarray]:
        """Each unit's score vector and scalar: the sums over the n-grams it adds."""
        vocab, kind, ngram_range = self.lookup, self.kind, self.ngram_range
        ids = [[vocab[g] for g in block_grams(kind, ngram_range, u) if g in vocab] for u in units]
        counts = indicator_rows(list(chain.from_iterable(ids)), [len(i) for i in ids], self.size)
        return counts @ self.table, counts @ self.squares

    def unigram_ids(self, tokens: list[str]) -> list[int]:
        """The vocabulary id of each token's stem (-1: none); tokens as written."""
        get = self.lookup.get
        return [get(stem(token), -1) for token in lower_all(tokens)]

    def pair_ids(self, single: np.ndarray, starts: list[int]) -> np.ndarray:
        """For each token, given every token's stem id: the id of the stem pair ending at it (-1: none).
        Word pairs rarely repeat, so they are found for the whole chunk at once in the hash table
        :attr:`pairs` rather than cached."""
        before = np.empty_like(single)
        before[1:] = single[:-1]
        before[:1] = -1
        starts_array = np.asarray(starts, dtype=np.int64)
        before[starts_array[starts_array < len(before)]] = -1  # a first word makes no pair
        pairs = np.full_like(single, -1)
        both = np.flatnonzero((before >= 0) & (single >= 0))
        keys = before[both] * self.size + single[both]
        table, mask = self.pairs, self.pairs.shape[1] - 1
        slots = _pair_slots(keys, self.pairs.shape[1])
        while len(both):  # probe until the key or an empty slot
            found = table[0, slots]
            hit = found == keys
            pairs[both[hit]] = table[1, slots[hit]]
            going = ~hit & (found >= 0)
            both, keys, slots = both[going], keys[going], (slots[going] + 1) & mask
        return pairs

    def pair_sums(self, single: np.ndarray, pairs: np.ndarray, sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Per document: the sum of the score vectors and scalars of its word n-grams (stem ids
        ``single`` and pair ids ``pairs``, one of each per token)."""
        grams = np.column_stack([single, pairs]).ravel()
        found = grams >= 0
        document = np.repeat(np.arange(len(sizes)), np.asarray(sizes, dtype=np.int64) * 2)
        counts = indicator_rows(grams[found], np.bincount(document[found], minlength=len(sizes)), self.size)
        return counts @ self.table, counts @ self.squares

    def sums(self, tokens: list[str], starts: list[int], sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Per document (``sizes[i]`` tokens from ``starts[i]``): the sum of its n-grams' score vectors
        and scalars, for any block. The engine's fast paths give the same for the default blocks."""
        vocab = self.vocabulary
        ids = [[vocab[g] for unit in block_units(self.kind, self.ngram_range, lower_all(tokens[a:a + n]))
                for g in block_grams(self.kind, self.ngram_range, unit) if g in vocab]
               for a, n in zip(starts, sizes)]
        counts = indicator_rows(list(chain.from_iterable(ids)), [len(i) for i in ids], self.size)
        return counts @ self.table, counts @ self.squares


class TokenTable:
    """What the engine needs of each distinct token as written, worked out once and cached, since
    tokens repeat: the vocabulary id of its stem, whether it is longer than one letter, and the summed
    score vector and scalar of its character n-grams. One dictionary look-up a token serves every block."""

    def __init__(self, word: FoldedNgrams | None, char: FoldedNgrams | None, outputs: int):
        self.word, self.char, self.outputs = word, char, outputs
        self._lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self._row_of: dict[str, int] = {}
        self._unigram = np.full(1024, -1, dtype=np.int64)
        self._long = np.zeros(1024, dtype=bool)
        self._vectors = np.zeros((1024, self.outputs))
        self._squares = np.zeros(1024)

    def rows(self, tokens: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each token's row, and the table's columns (stem id, long, char vector, char scalar) by row."""
        with self._lock:
            if len(self._row_of) + len(tokens) > UNIT_CACHE_LIMIT:
                self._clear()
            found = np.fromiter(map(self._row_of.get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
            missing = found < 0
            if missing.any():
                new = list(compress(tokens, missing.tolist()))
                self._add(list(dict.fromkeys(new)))
                found[missing] = list(map(self._row_of.__getitem__, new))
            n = len(self._row_of)
            return found, self._unigram[:n], self._long[:n], self._vectors[:n], self._squares[:n]

    def _add(self, new: list[str]) -> None:
        start = len(self._row_of)
        end = start + len(new)
        if end > len(self._squares):
            size = max(end, 2 * len(self._squares))
            self._unigram = np.resize(self._unigram, size)
            self._long = np.resize(self._long, size)
            self._vectors = np.resize(self._vectors, (size, self.outputs))
            self._squares = np.resize(self._squares, size)
        if self.word is not None:
            self._unigram[start:end] = self.word.unigram_ids(new)
        self._long[start:end] = [len(token) > 1 for token in new]
        if self.char is not None:
            self._vectors[start:end], self._squares[start:end] = self.char.unit_sums(lower_all(new))
        self._row_of.update(zip(new, range(start, end)))


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
        self.tokens = TokenTable(word, char, len(bias))

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
        rows, unigram, long, vectors, squares = self.tokens.rows(tokens)
        known = np.ones(len(cased), dtype=bool)
        if self.word is not None:
            single = unigram[rows]
            if self.word.ngram_range[0] == 1:  # (without word unigrams there is no telling)
                known = self._known((single >= 0) & long[rows], sizes)
            if self.word.has_pair_index:
                _add_normalised(scores, *self.word.pair_sums(single, self.word.pair_ids(single, starts), sizes))
            else:
                _add_normalised(scores, *self.word.sums(tokens, starts, sizes))
        if self.char is not None:
            counts = indicator_rows(rows, sizes, len(squares))
            _add_normalised(scores, counts @ vectors, counts @ squares)
        if self.gazetteer is not None:
            sums, hits, named = self.gazetteer.sums(cased)
            known |= named
            _add_normalised(scores, sums, hits)
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
    def _known(flags: np.ndarray, sizes: list[int]) -> np.ndarray:
        """Headlines with enough words of the vocabulary (two letters or longer: ``flags``) to go on."""
        counts = np.bincount(np.repeat(np.arange(len(sizes)), sizes), weights=flags, minlength=len(sizes))
        return (counts >= 1) & (counts >= KNOWN_SHARE * np.asarray(sizes))


def _pair_slots(keys: np.ndarray, width: int) -> np.ndarray:
    """The home slots of pair keys in a table of ``width`` (a power of two): Fibonacci hashing."""
    shift = np.uint64(64 - (width.bit_length() - 1))
    return ((keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> shift).astype(np.int64)


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
