"""Extractive summaries of English news articles, offline and deterministic.

A sentence is worth picking when it is central to the article (mean cosine similarity of its
stemmed term vector to every other sentence), near the start (news puts the point first) and
close to the title when there is one. Sentences are then picked greedily by maximal marginal
relevance, so the summary does not say the same thing twice, and returned in article order.

Cost is linear in the length of the text (see :mod:`newsml.scoring`), except redundancy control,
which compares each pick with a pool of the 2k + 10 most relevant sentences: O(k^2) pairs. Above
``MAX_REDUNDANCY_CHECKED`` picks (a summary of a very long text by ``ratio``) sentences are taken
by relevance alone, which keeps the worst case near a second.
"""
from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Iterable, Sequence

import numpy as np

from newsml.preprocess import stem, tokenize
from newsml.scoring import STOP_WORDS, SentenceVectors, degree_centrality, lead_prior
from newsml.sentences import split_sentences

DEFAULT_SENTENCES = 3
MAX_REDUNDANCY_CHECKED = 1000
NEAR_DUPLICATE = 0.8
"""Cosine similarity from which a candidate counts as a restatement of a sentence already picked:
it is then taken only when nothing else is left."""

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
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


class Summarizer:
    """Extractive news summariser: centrality, lead and title scores, then maximal marginal relevance.

    A sentence's relevance is its degree centrality (scaled so the most central sentence has 1)
    plus ``lead_weight`` times a prior that halves every ``lead_half_life`` sentences, plus
    ``title_weight`` times its cosine similarity to the title; a sentence with fewer than
    ``min_content_words`` distinct content words (a caption, a dateline, "Read more") has it
    scaled down in proportion. Sentences are then picked one by one by relevance minus
    ``redundancy_penalty`` times the highest cosine similarity to a sentence already picked;
    a near-duplicate of a picked sentence (``NEAR_DUPLICATE``) comes after every other sentence.
    ``redundancy_penalty=0`` turns both off: the top sentences by relevance are taken.

    Defaults are few and deliberately mild: on BBC News Summary every prior costs a little ROUGE
    against centrality alone (see bench/results/summarize.md), but news from other outlets leans
    harder on its first sentences and headline, and a summary should not repeat itself.
    """

    def __init__(
        self,
        lead_weight: float = 0.2,
        lead_half_life: float = 2.0,
        title_weight: float = 0.2,
        redundancy_penalty: float = 0.2,
        min_content_words: int = 3,
        stop_words: Iterable[str] = STOP_WORDS,
    ) -> None:
        for name, value in (("lead_weight", lead_weight), ("title_weight", title_weight),
                            ("redundancy_penalty", redundancy_penalty),
                            ("min_content_words", min_content_words)):
            if _check_number(name, value) < 0:
                raise ValueError(f"{name} must be >= 0, got {value!r}")
        if _check_number("lead_half_life", lead_half_life) <= 0:
            raise ValueError(f"lead_half_life must be > 0, got {lead_half_life!r}")
        if isinstance(stop_words, str):
            raise TypeError("stop_words must be an iterable of words, not one str")
        self.lead_weight = lead_weight
        self.lead_half_life = lead_half_life
        self.title_weight = title_weight
        self.redundancy_penalty = redundancy_penalty
        self.min_content_words = min_content_words
        self.stop_words = frozenset(word.lower() for word in stop_words)

    def __repr__(self) -> str:
        return (f"Summarizer(lead_weight={self.lead_weight!r}, lead_half_life={self.lead_half_life!r}, "
                f"title_weight={self.title_weight!r}, redundancy_penalty={self.redundancy_penalty!r}, "
                f"min_content_words={self.min_content_words!r})")

    def _terms(self, text: str) -> list[str]:
        stop_words = self.stop_words
        return [stem(token) for token in tokenize(text) if token not in stop_words]

    def score(self, sentences: Sequence[str], title: str | None = None) -> np.ndarray:
        """Relevance of each sentence, in [0, 1] with the best at 1; 0 without any content word."""
        if (isinstance(sentences, str) or not isinstance(sentences, Sequence)
                or not all(isinstance(s, str) for s in sentences)):
            raise TypeError("sentences must be a sequence of str, such as split_sentences(text)")
        vectors = SentenceVectors.from_terms([self._terms(s) for s in sentences])
        return self._relevance(vectors, title)

    def _relevance(self, vectors: SentenceVectors, title: str | None) -> np.ndarray:
        n = vectors.n_sentences
        relevance = degree_centrality(vectors)
        if n and relevance.max() > 0:
            relevance /= relevance.max()
        relevance += self.lead_weight * lead_prior(n, self.lead_half_life)
        if title and self.title_weight:
            relevance += self.title_weight * vectors.similarity_to(vectors.query(self._terms(title)))
        content_words = vectors.term_counts()
        if self.min_content_words:
            relevance *= np.minimum(content_words / self.min_content_words, 1.0)
        relevance[content_words == 0] = 0.0
        best = relevance.max() if n else 0.0
        return relevance / best if best > 0 else relevance

    def _select(self, vectors: SentenceVectors, relevance: np.ndarray, k: int) -> list[int]:
        """Indices of ``k`` sentences by maximal marginal relevance, in article order."""
        by_relevance = np.argsort(-relevance, kind="stable")  # ties: the earlier sentence
        if not self.redundancy_penalty or k > MAX_REDUNDANCY_CHECKED:
            return sorted(by_relevance[:k].tolist())
        pool = by_relevance[: 2 * k + 10]
        if len(pool) == vectors.n_sentences:
            pool, candidates = np.arange(vectors.n_sentences), vectors
        else:
            candidates = vectors.subset(pool)
        gain = relevance[pool]
        max_similarity = np.zeros(len(pool))
        picked = []
        for _ in range(k):
            best = int(np.argmax(gain - self.redundancy_penalty * max_similarity
                                 - (max_similarity >= NEAR_DUPLICATE)))
            picked.append(best)
            gain[best] = -np.inf
            np.maximum(max_similarity, candidates.similarity_to(candidates.row(best)),
                       out=max_similarity)
        return sorted(pool[picked].tolist())

    def summarize(self, text: str, sentences: int | None = None, ratio: float | None = None,
                  title: str | None = None) -> list[str]:
        """The most relevant, least redundant sentences of ``text``, in article order.

        Give ``sentences`` (a count, default 3) or ``ratio`` (a share of the article's sentences,
        0 < ratio <= 1, at least one sentence), not both. Empty text gives []; a text with no
        more sentences than asked is returned whole. HTML fragments are reduced to their text. A
        sentence repeated word for word counts once, so a summary never says the same thing twice.
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
        elif isinstance(sentences, bool) or not isinstance(sentences, numbers.Integral):
            raise TypeError(f"sentences must be an int, not {type(sentences).__name__}")
        elif sentences < 1:
            raise ValueError(f"sentences must be >= 1, got {sentences!r}")

        all_sentences = list(dict.fromkeys(split_sentences(plain_text(text))))  # a repeat says nothing new
        n = len(all_sentences)
        k = max(1, math.floor(ratio * n + 0.5)) if ratio is not None else int(sentences)
        if k >= n:
            return all_sentences
        vectors = SentenceVectors.from_terms([self._terms(s) for s in all_sentences])
        relevance = self._relevance(vectors, plain_text(title) if title else None)
        return [all_sentences[i] for i in self._select(vectors, relevance, k)]


_DEFAULT = Summarizer()


def summarize(text: str, sentences: int | None = None, ratio: float | None = None,
              title: str | None = None) -> list[str]:
    """Extractive summary of ``text`` with the default :class:`Summarizer` (see its ``summarize``)."""
    return _DEFAULT.summarize(text, sentences=sentences, ratio=ratio, title=title)
