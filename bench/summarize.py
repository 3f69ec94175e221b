"""ROUGE and speed of newsml's summariser against Lead-k and sumy, on BBC News Summary.

Prints one Markdown table (per category and overall). Not a test: it needs the data set in
``../shared/data/bbc-news-summary`` (read-only, never copied into the repo) and the ``bench``
extra (sumy, rouge-score). Run from the repo root with no NLTK data installed:

    NLTK_DATA=/tmp/empty-nltk python bench/summarize.py [--limit N] [--categories sport,tech]

Protocol: k = number of sentences in the reference, the same k for every system. The reference
runs its sentences together without spaces, so its sentences are found by matching the article's
sentences inside it (greedily, longest first); a reference piece that matches no whole article
sentence (the data set's own splitter broke "Wham!" or "i.e." differently) counts once for the
article sentence it is part of. ROUGE-1/2/L F1 from ``rouge-score`` with ``use_stemmer=True``;
ROUGE-L is the summary-level ROUGE-Lsum, one sentence per line on both sides. Times are end to end
from raw text (split, tokenise, score, select), in one warm process, ROUGE not included.
"""
from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import platform
import re
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from rouge_score import rouge_scorer
from sumy.nlp.stemmers import Stemmer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

from newsml import preprocess
from newsml.sentences import split_sentences
from newsml.summarizer import Summarizer

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-news-summary"
SUMY_ALGORITHMS = {"LexRank": LexRankSummarizer, "TextRank": TextRankSummarizer,
                   "LSA": LsaSummarizer, "Luhn": LuhnSummarizer}
MIN_FRAGMENT_CHARS = 20
UNTIMED = {"newsml, no title"}  # runs right after "newsml" on the same text: its stem cache is warm


class OfflineSumyTokenizer:
    """What a sumy user without NLTK's punkt data would pass to PlaintextParser."""

    language = "english"
    _WORD = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*")

    def to_sentences(self, paragraph: str) -> list[str]:
        return split_sentences(paragraph)

    def to_words(self, sentence: str) -> list[str]:
        return self._WORD.findall(sentence)


@dataclass
class Article:
    category: str
    title: str
    body: str
    reference_lines: list[str]
    k: int


def read_text(path: Path) -> str:
    """UTF-8, or Latin-1 for the odd file that is not (sport/199.txt)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def reference_sentences(reference: str, article_sentences: list[str]) -> tuple[list[str], int]:
    """The reference cut into sentences, and k, by matching the article's sentences inside it."""
    remaining = reference
    cuts: list[tuple[int, int]] = []
    for sentence in sorted(set(article_sentences), key=len, reverse=True):
        start = remaining.find(sentence)
        if start >= 0:
            end = start + len(sentence)
            remaining = remaining[:start] + "\0" * len(sentence) + remaining[end:]
            cuts.append((start, end))
    fragments = [f.strip() for f in remaining.split("\0") if len(f.strip()) >= MIN_FRAGMENT_CHARS]
    partly_matched = sum(any(f in s for f in fragments)
                         for s in set(article_sentences) if s not in reference)
    bounds = sorted({0, len(reference), *(b for cut in cuts for b in cut)})
    lines = [reference[a:b].strip() for a, b in pairwise(bounds) if reference[a:b].strip()]
    return lines, max(1, len(cuts) + partly_matched)


def load(data: Path, categories: list[str] | None, limit: int | None) -> Iterator[Article]:
    for category_dir in sorted((data / "News Articles").iterdir()):
        if categories and category_dir.name not in categories:
            continue
        for path in sorted(category_dir.glob("*.txt"))[:limit]:
            title, _, body = read_text(path).strip().partition("\n")
            reference = read_text(data / "Summaries" / category_dir.name / path.name).strip()
            lines, k = reference_sentences(reference, split_sentences(body))
            yield Article(category_dir.name, title.strip(), body.strip(), lines, k)


def systems() -> dict[str, Callable[[Article], list[str]]]:
    newsml = Summarizer()
    tokenizer = OfflineSumyTokenizer()
    stemmer = Stemmer("english")
    stop_words = get_stop_words("english")

    def sumy_system(algorithm_class: type) -> Callable[[Article], list[str]]:
        algorithm = algorithm_class(stemmer)
        algorithm.stop_words = stop_words

        def run(article: Article) -> list[str]:
            document = PlaintextParser.from_string(article.body, tokenizer).document
            return [str(sentence) for sentence in algorithm(document, article.k)]
        return run

    return {
        "newsml": lambda a: newsml.summarize(a.body, sentences=a.k, title=a.title),
        "newsml, no title": lambda a: newsml.summarize(a.body, sentences=a.k),
        "Lead-k": lambda a: split_sentences(a.body)[: a.k],
        **{name: sumy_system(cls) for name, cls in SUMY_ALGORITHMS.items()},
    }


def long_texts(articles: list[Article]) -> tuple[str, str]:
    """A ~1,000-word article and a 10,000-sentence text (paragraphs of 4 sentences), both made of
    the benchmark's own articles."""
    paragraphs = [p for a in articles for p in a.body.split("\n\n") if p.strip()]
    words, thousand = 0, []
    for paragraph in paragraphs:
        if words >= 1000:
            break
        thousand.append(paragraph)
        words += len(paragraph.split())
    sentences = [s for a in articles for s in split_sentences(a.body)]
    while len(sentences) < 10_000:
        sentences += sentences
    huge = [" ".join(sentences[i:i + 4]) for i in range(0, 10_000, 4)]
    return "\n\n".join(thousand), "\n\n".join(huge)


def time_once(function: Callable[[], object]) -> float:
    """Wall time in ms of one call."""
    gc.collect()
    start = time.perf_counter()
    function()
    return 1000 * (time.perf_counter() - start)


def peak_mib(function: Callable[[], object]) -> float:
    """Peak memory allocated during one call (tracemalloc, which sees numpy's arrays too)."""
    gc.collect()
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def clear_stem_cache() -> None:
    """Forget every cached stem, as in a fresh process."""
    preprocess.stem.cache_clear()


def median_ms(function: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


Scores = dict[str, dict[str, list[tuple[float, float, float]]]]  # system -> category -> per article


def run_all(articles: list[Article]) -> tuple[Scores, dict[str, dict[str, float]]]:
    """ROUGE of every system on every article, and seconds spent per system and category."""
    runs = systems()
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    rouge: Scores = {n: {} for n in runs}
    seconds: dict[str, dict[str, float]] = {n: {} for n in runs}
    for article in articles:
        reference = "\n".join(article.reference_lines)
        for name, run in runs.items():  # interleaved, so drift in machine speed hits all alike
            start = time.perf_counter()
            summary = run(article)
            elapsed = time.perf_counter() - start
            seconds[name][article.category] = seconds[name].get(article.category, 0.0) + elapsed
            score = scorer.score(reference, "\n".join(summary))
            rouge[name].setdefault(article.category, []).append(
                (score["rouge1"].fmeasure, score["rouge2"].fmeasure, score["rougeLsum"].fmeasure))
    return rouge, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, help="articles per category")
    parser.add_argument("--categories", help="comma-separated, e.g. business,tech")
    args = parser.parse_args()
    categories = args.categories.split(",") if args.categories else None
    articles = list(load(args.data, categories, args.limit))
    rouge, seconds = run_all(articles)

    names = list(rouge)
    timed = [n for n in names if n not in UNTIMED]
    no_rouge = [""] * len(names)
    print(row(["", "articles"] + [f"{n} R1 / R2 / RL" for n in names]
              + [f"{n} ms/article" for n in timed] + ["TextRank ÷ newsml time", "newsml ÷ Lead-k time"]))
    print("|" + "---|" * (2 + len(names) + len(timed) + 2))

    def rouge_cell(scores: list[tuple[float, float, float]]) -> str:
        return " / ".join(f"{100 * statistics.fmean(s[i] for s in scores):.1f}" for i in range(3))

    def timing_cells(ms: dict[str, float]) -> list[str]:
        return ([f"{ms[n]:.2f}" if n in ms else "" for n in timed]
                + [f"{ms['TextRank'] / ms['newsml']:.1f}x" if "TextRank" in ms else "",
                   f"{ms['newsml'] / ms['Lead-k']:.2f}x"])

    groups = {c: [c] for c in sorted({a.category for a in articles})}
    groups["**overall**"] = [c for cats in groups.values() for c in cats]
    for label, cats in groups.items():
        count = sum(a.category in cats for a in articles)
        ms = {n: 1000 * sum(seconds[n][c] for c in cats) / count for n in timed}
        print(row([label, str(count)]
                  + [rouge_cell([s for c in cats for s in rouge[n][c]]) for n in names]
                  + timing_cells(ms)))

    thousand, huge = long_texts(articles)
    newsml = Summarizer()
    tokenizer = OfflineSumyTokenizer()
    textrank = TextRankSummarizer(Stemmer("english"))
    textrank.stop_words = get_stop_words("english")
    k = 5
    ms = {"newsml": median_ms(lambda: newsml.summarize(thousand, sentences=k), 21),
          "Lead-k": median_ms(lambda: split_sentences(thousand)[:k], 21),
          "TextRank": median_ms(lambda: textrank(
              PlaintextParser.from_string(thousand, tokenizer).document, k), 5)}
    print(row([f"1,000-word article ({len(thousand.split())} words, k={k}), median of repeats", "1"]
              + no_rouge + timing_cells(ms)))

    n_huge = len(split_sentences(huge))
    lead_ms = time_once(lambda: split_sentences(huge)[:3])
    for label, call in (("sentences=3", lambda: newsml.summarize(huge, sentences=3)),
                        ("ratio=0.1", lambda: newsml.summarize(huge, ratio=0.1)),
                        ("ratio=0.5", lambda: newsml.summarize(huge, ratio=0.5))):
        newsml_ms, mib = time_once(call), peak_mib(call)
        print(row([f"{n_huge:,}-sentence text ({len(huge) / 2**20:.1f} MiB), {label}; "
                   f"newsml peak memory {mib:.0f} MiB", "1"] + no_rouge
                  + [f"{newsml_ms:.0f}" if n == "newsml" else f"{lead_ms:.0f}" if n == "Lead-k"
                     else "not run (dense n x n)" if n == "TextRank" else "" for n in timed]
                  + ["", f"{newsml_ms / lead_ms:.2f}x"]))

    clear_stem_cache()
    cold = time_once(lambda: newsml.summarize(thousand, sentences=k))
    print(row(["1,000-word article, newsml's first call with an empty stem cache", "1"]
              + no_rouge + timing_cells({"newsml": cold, "Lead-k": ms["Lead-k"]})))
    backend = "PyStemmer (C)" if importlib.util.find_spec("Stemmer") else "pure Python"
    print(f"\nsnowballstemmer backend: {backend}; Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs.")


if __name__ == "__main__":
    main()
