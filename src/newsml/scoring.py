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
    """Unit-length sentence vectors with sublinear term frequency (1 + log tf), as sorted triples.

    Sentence ``rows[e]`` has weight ``weights[e]`` on vocabulary term ``terms[e]``; ``rows`` is
    sorted and a sentence without any term has no entry. No IDF: within one article IDF would
    down-weight exactly the topic words that make a sentence central (measured: it costs ROUGE),
    and a background IDF would need a corpus we do not ship. Stop words play its part.
    """

    rows: np.ndarray
    terms: np.ndarray
    weights: np.ndarray
    vocabulary: dict[str, int]
    n_sentences: int

    @classmethod
    def from_terms(cls, sentence_terms: Sequence[Sequence[str]]) -> SentenceVectors:
        """Vectors of sentences given as lists of terms (stems): a repeated term is evidence, not a vote."""
        vocabulary: dict[str, int] = {}
        term_ids: list[int] = []
        for terms in sentence_terms:
            term_ids.extend([vocabulary.setdefault(term, len(vocabulary)) for term in terms])
        n, size = len(sentence_terms), max(len(vocabulary), 1)
        rows = np.repeat(np.arange(n), [len(terms) for terms in sentence_terms])
        pairs, counts = np.unique(rows * size + np.asarray(term_ids, dtype=np.intp),
                                  return_counts=True)
        rows = pairs // size
        weights = 1.0 + np.log(counts)
        weights /= np.sqrt(np.bincount(rows, weights * weights, minlength=n))[rows]
        return cls(rows, pairs % size, weights, vocabulary, n)

    def query(self, terms: Iterable[str]) -> np.ndarray:
        """Dense vector over this vocabulary for ``terms``, weighted like the sentences and scaled
        to unit length before the terms outside the vocabulary are dropped."""
        weights = {term: 1.0 + np.log(count) for term, count in Counter(terms).items()}
        norm = np.sqrt(sum(w * w for w in weights.values()))
        query = np.zeros(len(self.vocabulary))
        for term, weight in weights.items():
            if term in self.vocabulary:
                query[self.vocabulary[term]] = weight / norm
        return query

    def row(self, sentence: int) -> np.ndarray:
        """Dense vector of one sentence."""
        dense = np.zeros(len(self.vocabulary))
        start, stop = np.searchsorted(self.rows, (sentence, sentence + 1))
        dense[self.terms[start:stop]] = self.weights[start:stop]
        return dense

    def similarity_to(self, dense: np.ndarray) -> np.ndarray:
        """Dot product of every sentence with a dense vector: cosine similarity when it is a unit vector."""
        return np.bincount(self.rows, self.weights * dense[self.terms], minlength=self.n_sentences)

    def term_counts(self) -> np.ndarray:
        """Number of distinct terms in each sentence."""
        return np.bincount(self.rows, minlength=self.n_sentences)

    def subset(self, sentences: np.ndarray) -> SentenceVectors:
        """Vectors of ``sentences`` only, renumbered 0, 1, ... in the order given."""
        new_row = np.full(self.n_sentences, -1)
        new_row[sentences] = np.arange(len(sentences))
        kept = np.flatnonzero(new_row[self.rows] >= 0)
        kept = kept[np.argsort(new_row[self.rows[kept]], kind="stable")]
        return SentenceVectors(new_row[self.rows[kept]], self.terms[kept], self.weights[kept],
                               self.vocabulary, len(sentences))


def degree_centrality(vectors: SentenceVectors) -> np.ndarray:
    """Mean cosine similarity of each sentence to all the others, in [0, 1].

    LexRank's degree centrality on the complete weighted similarity graph without self-loops,
    computed as ``x_i . (sum_j x_j) - x_i . x_i`` in linear time. On a symmetric graph the random
    walk's stationary distribution is proportional to degree, so power iteration (LexRank,
    TextRank) would add cost, not information.
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
