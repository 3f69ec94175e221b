"""Sentence vectors and the scores an extractive summary is chosen by.

Every function here costs O(number of (sentence, term) pairs): the sentence-similarity graph is
never built. Degree centrality on the complete cosine-similarity graph needs only each
sentence's dot product with the sum of all sentence vectors, so a 10,000-sentence text costs
the same per sentence as a 20-sentence article.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves
""".split())
"""Function words, after our tokeniser's clean-up (possessive 's dropped). "us" is left out on
purpose: our tokeniser turns "U.S." into "us"."""


@dataclass(frozen=True)
class SentenceVectors:
    """L2-normalised term-frequency vectors of the sentences, stored as coordinate triples.

    ``rows[e]``, ``terms[e]`` and ``weights[e]`` say that sentence ``rows[e]`` has weight
    ``weights[e]`` on vocabulary term ``terms[e]``. Sentences without any term have no entry.
    """

    rows: np.ndarray
    terms: np.ndarray
    weights: np.ndarray
    vocabulary: dict[str, int]
    n_sentences: int

    @classmethod
    def from_terms(cls, sentence_terms: Sequence[Sequence[str]]) -> SentenceVectors:
        """Vectors with sublinear term frequency (1 + log tf): a repeated word is evidence, not a vote."""
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        terms: list[int] = []
        counts: list[int] = []
        for row, words in enumerate(sentence_terms):
            for word, count in Counter(words).items():
                rows.append(row)
                terms.append(vocabulary.setdefault(word, len(vocabulary)))
                counts.append(count)
        row_array = np.asarray(rows, dtype=np.intp)
        weights = 1.0 + np.log(np.asarray(counts, dtype=float))
        norms = np.sqrt(np.bincount(row_array, weights * weights, minlength=len(sentence_terms)))
        if weights.size:
            weights /= norms[row_array]
        return cls(row_array, np.asarray(terms, dtype=np.intp), weights, vocabulary,
                   len(sentence_terms))

    def dense_query(self, words: Iterable[str]) -> np.ndarray:
        """Unit vector over this vocabulary for ``words`` (words outside it are dropped)."""
        query = np.zeros(len(self.vocabulary))
        for word, count in Counter(words).items():
            term = self.vocabulary.get(word)
            if term is not None:
                query[term] = 1.0 + np.log(count)
        norm = np.linalg.norm(query)
        return query / norm if norm else query

    def similarity_to(self, dense_vector: np.ndarray) -> np.ndarray:
        """Dot product of every sentence with ``dense_vector`` (cosine when both are unit)."""
        return np.bincount(self.rows, self.weights * dense_vector[self.terms],
                           minlength=self.n_sentences)

    def row(self, sentence: int) -> np.ndarray:
        """Dense vector of one sentence."""
        dense = np.zeros(len(self.vocabulary))
        start, stop = np.searchsorted(self.rows, (sentence, sentence + 1))  # rows are sorted
        dense[self.terms[start:stop]] = self.weights[start:stop]
        return dense


def degree_centrality(vectors: SentenceVectors) -> np.ndarray:
    """Mean cosine similarity of each sentence to all the others, in [0, 1].

    This is LexRank's degree centrality on the complete, weighted similarity graph without
    self-loops, computed as ``x_i . (sum_j x_j) - x_i . x_i`` in linear time. On a symmetric
    graph the stationary distribution of the random walk is proportional to degree, so a power
    iteration would add cost, not information.
    """
    n = vectors.n_sentences
    if n < 2:
        return np.zeros(n)
    total = np.bincount(vectors.terms, vectors.weights, minlength=len(vectors.vocabulary))
    self_similarity = np.bincount(vectors.rows, vectors.weights ** 2, minlength=n)
    return np.maximum(vectors.similarity_to(total) - self_similarity, 0.0) / (n - 1)


def lead_prior(n_sentences: int, half_life: float) -> np.ndarray:
    """1 for the first sentence, halving every ``half_life`` sentences: news puts the point first."""
    return 0.5 ** (np.arange(n_sentences) / half_life)
