"""Extractive summaries of English news articles, offline and deterministic.

A sentence is worth picking when it is central to the article (mean cosine similarity of its
stemmed term vector to every other sentence), near the start (news puts the point first) and
close to the title when there is one. Sentences are then picked greedily by maximal marginal
relevance, so the summary does not say the same thing twice, and returned in article order.

Cost is linear in the length of the text (see :mod:`newsml.scoring`), except redundancy control,
which compares each pick with a pool of the best candidates: O(k * pool). Above
``MAX_REDUNDANCY_CHECKED`` picks (summaries of very long texts by ``ratio``) sentences are taken
by score alone, which keeps a 10,000-sentence text at ``ratio=0.5`` under a second.
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence

import numpy as np

from newsml.preprocess import stem, tokenize
from newsml.scoring import STOP_WORDS, SentenceVectors, degree_centrality, lead_prior
from newsml.sentences import split_sentences

DEFAULT_SENTENCES = 3
MAX_REDUNDANCY_CHECKED = 500

_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^<>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|blockquote|section|article|header|footer|pre|hr)"
    r"\b[^<>]*>",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]+")


def plain_text(text: str) -> str:
    """``text`` without control characters; HTML fragments lose their tags, blocks become paragraphs."""
    if _TAG.search(text):
        text = _SCRIPT_OR_STYLE.sub(" ", _COMMENT.sub(" ", text))
        text = _TAG.sub("", _BLOCK_TAG.sub("\n\n", text))
        text = html.unescape(text)
    return _CONTROL.sub(" ", text)


def _check_number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise TypeError(f"{name} must be a finite number, not {value!r}")
    return float(value)


class Summarizer:
    """Extractive news summariser: centrality + lead prior + title similarity, then MMR.

    Parameters (defaults are principled, not fitted per category):
        lead_weight: weight of the lead prior relative to centrality (both scaled to [0, 1]).
        lead_half_life: the lead prior halves every this many sentences.
        title_weight: weight of cosine similarity to the title, when a title is given.
        redundancy_penalty: MMR penalty on a candidate's highest cosine similarity to a
            sentence already picked; 0 turns redundancy control off.
        stop_words: lower-case words ignored when comparing sentences.
    """

    def __init__(
        self,
        lead_weight: float = 0.5,
        lead_half_life: float = 1.0,
        title_weight: float = 0.5,
        redundancy_penalty: float = 0.3,
        stop_words: Iterable[str] = STOP_WORDS,
    ) -> None:
        for name, value in (("lead_weight", lead_weight), ("title_weight", title_weight),
                            ("redundancy_penalty", redundancy_penalty)):
            if _check_number(name, value) < 0:
                raise ValueError(f"{name} must be >= 0, got {value!r}")
        if _check_number("lead_half_life", lead_half_life) <= 0:
            raise ValueError(f"lead_half_life must be > 0, got {lead_half_life!r}")
        self.lead_weight = lead_weight
        self.lead_half_life = lead_half_life
        self.title_weight = title_weight
        self.redundancy_penalty = redundancy_penalty
        self.stop_words = frozenset(stop_words)

    def __repr__(self) -> str:
        return (f"Summarizer(lead_weight={self.lead_weight!r}, lead_half_life={self.lead_half_life!r}, "
                f"title_weight={self.title_weight!r}, redundancy_penalty={self.redundancy_penalty!r})")

    def _terms(self, text: str) -> list[str]:
        return [stem(token) for token in tokenize(text) if token not in self.stop_words]

    def score(self, sentences: Sequence[str], title: str | None = None) -> np.ndarray:
        """Relevance of each sentence in [0, 1]; sentences without a content word score 0."""
        vectors = SentenceVectors.from_terms([self._terms(s) for s in sentences])
        return self._relevance(vectors, title)

    def _relevance(self, vectors: SentenceVectors, title: str | None) -> np.ndarray:
        n = vectors.n_sentences
        centrality = degree_centrality(vectors)
        relevance = centrality / centrality.max() if n and centrality.max() > 0 else centrality
        relevance = relevance + self.lead_weight * lead_prior(n, self.lead_half_life)
        if title and self.title_weight:
            relevance += self.title_weight * vectors.similarity_to(
                vectors.dense_query(self._terms(title)))
        has_terms = np.bincount(vectors.rows, minlength=n) > 0
        relevance = np.where(has_terms, relevance, 0.0)
        top = relevance.max() if n else 0.0
        return relevance / top if top > 0 else relevance

    def _select(self, vectors: SentenceVectors, relevance: np.ndarray, k: int) -> list[int]:
        """Indices of ``k`` sentences by maximal marginal relevance (ties: earlier sentence)."""
        by_relevance = np.argsort(-relevance, kind="stable")
        if not self.redundancy_penalty or k > MAX_REDUNDANCY_CHECKED:
            return sorted(by_relevance[:k].tolist())
        pool = by_relevance[: min(len(relevance), 3 * k)]
        pool_vectors = _subset(vectors, pool)
        pool_relevance = relevance[pool]
        max_similarity = np.zeros(len(pool))
        picked = np.zeros(len(pool), dtype=bool)
        for _ in range(k):
            gain = np.where(picked, -np.inf, pool_relevance - self.redundancy_penalty * max_similarity)
            best = int(np.argmax(gain))
            picked[best] = True
            max_similarity = np.maximum(max_similarity,
                                        pool_vectors.similarity_to(pool_vectors.row(best)))
        return sorted(pool[picked].tolist())

    def summarize(self, text: str, sentences: int | None = None, ratio: float | None = None,
                  title: str | None = None) -> list[str]:
        """The most relevant, least redundant sentences of ``text``, in article order.

        Give ``sentences`` (a count, default 3) or ``ratio`` (a share of the article's sentences,
        0 < ratio <= 1), not both. Empty text gives []; a text shorter than asked is returned whole.
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        if title is not None and not isinstance(title, str):
            raise TypeError(f"title must be str or None, not {type(title).__name__}")
        if sentences is not None and ratio is not None:
            raise ValueError("give sentences or ratio, not both")
        if ratio is not None:
            ratio = _check_number("ratio", ratio)
            if not 0 < ratio <= 1:
                raise ValueError(f"ratio must be in (0, 1], got {ratio!r}")
        elif sentences is None:
            sentences = DEFAULT_SENTENCES
        elif isinstance(sentences, bool) or not isinstance(sentences, int):
            raise TypeError(f"sentences must be an int, not {type(sentences).__name__}")
        elif sentences < 1:
            raise ValueError(f"sentences must be >= 1, got {sentences!r}")

        all_sentences = split_sentences(plain_text(text))
        n = len(all_sentences)
        k = max(1, math.floor(ratio * n + 0.5)) if ratio is not None else sentences
        if k >= n:
            return all_sentences
        vectors = SentenceVectors.from_terms([self._terms(s) for s in all_sentences])
        chosen = self._select(vectors, self._relevance(vectors, title and plain_text(title)), k)
        return [all_sentences[i] for i in chosen]


def _subset(vectors: SentenceVectors, rows: np.ndarray) -> SentenceVectors:
    """The vectors of ``rows`` only, renumbered 0..len(rows)-1 in the order given (rows stay sorted)."""
    new_row = np.full(vectors.n_sentences, -1)
    new_row[rows] = np.arange(len(rows))
    keep = new_row[vectors.rows] >= 0
    renumbered = new_row[vectors.rows[keep]]
    order = np.argsort(renumbered, kind="stable")
    return SentenceVectors(renumbered[order], vectors.terms[keep][order], vectors.weights[keep][order],
                           vectors.vocabulary, len(rows))


_DEFAULT = Summarizer()


def summarize(text: str, sentences: int | None = None, ratio: float | None = None,
              title: str | None = None) -> list[str]:
    """Extractive summary of ``text`` with the default :class:`Summarizer` (see its ``summarize``)."""
    return _DEFAULT.summarize(text, sentences=sentences, ratio=ratio, title=title)
