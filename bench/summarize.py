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
import re
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rouge_score import rouge_scorer
from sumy.nlp.stemmers import Stemmer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

from newsml.sentences import split_sentences
from newsml.summarize import Summarizer

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-news-summary"
SUMY_ALGORITHMS = {"LexRank": LexRankSummarizer, "TextRank": TextRankSummarizer,
                   "LSA": LsaSummarizer, "Luhn": LuhnSummarizer}
MIN_FRAGMENT_CHARS = 20


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
    lines = [reference[a:b].strip() for a, b in zip(bounds, bounds[1:]) if reference[a:b].strip()]
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
    """A ~1,000-word article and a 10,000-sentence text, made of the benchmark's own articles."""
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
    return "\n\n".join(thousand), " ".join(sentences[:10_000])


def time_once(function: Callable[[], object]) -> tuple[float, float]:
    """Wall time in ms and traced peak memory in MiB of one call."""
    gc.collect()
    tracemalloc.start()
    start = time.perf_counter()
    function()
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return 1000 * elapsed, peak / 2**20


def median_ms(function: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, help="articles per category")
    parser.add_argument("--categories", help="comma-separated, e.g. business,tech")
    args = parser.parse_args()
    categories = args.categories.split(",") if args.categories else None
    articles = list(load(args.data, categories, args.limit))
    runs = systems()
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    rouge = {name: {} for name in runs}  # system -> category -> list of (r1, r2, rl)
    seconds = dict.fromkeys(runs, 0.0)
    for article in articles:
        reference = "\n".join(article.reference_lines)
        for name, run in runs.items():  # interleaved, so drift in machine speed hits all alike
            start = time.perf_counter()
            summary = run(article)
            seconds[name] += time.perf_counter() - start
            score = scorer.score(reference, "\n".join(summary))
            rouge[name].setdefault(article.category, []).append(
                (score["rouge1"].fmeasure, score["rouge2"].fmeasure, score["rougeLsum"].fmeasure))

    names = list(runs)
    ms = {name: 1000 * seconds[name] / len(articles) for name in names}
    header = (["", "articles"] + [f"{n} R1/R2/RL" for n in names]
              + [f"{n} ms" for n in names] + ["TextRank / newsml time", "newsml / Lead-k time"])
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))

    def cells(scores: list[tuple[float, float, float]]) -> str:
        return " / ".join(f"{100 * statistics.fmean(s[i] for s in scores):.1f}" for i in range(3))

    blank = [""] * len(names)
    for category in sorted({a.category for a in articles}):
        count = sum(a.category == category for a in articles)
        print("| " + " | ".join([category, str(count)] + [cells(rouge[n][category]) for n in names]
                                + blank + ["", ""]) + " |")
    overall = [cells([s for c in rouge[n].values() for s in c]) for n in names]
    print("| " + " | ".join(["**overall**", str(len(articles))] + overall
                            + [f"{ms[n]:.2f}" for n in names]
                            + [f"{ms['TextRank'] / ms['newsml']:.1f}x",
                               f"{ms['newsml'] / ms['Lead-k']:.2f}x"]) + " |")

    thousand, huge = long_texts(articles)
    newsml = Summarizer()
    tokenizer = OfflineSumyTokenizer()
    textrank = TextRankSummarizer(Stemmer("english"))
    textrank.stop_words = get_stop_words("english")
    k = 5
    thousand_ms = {
        "newsml": median_ms(lambda: newsml.summarize(thousand, sentences=k), 20),
        "Lead-k": median_ms(lambda: split_sentences(thousand)[:k], 20),
        "TextRank": median_ms(lambda: textrank(
            PlaintextParser.from_string(thousand, tokenizer).document, k), 5),
    }
    row = [f"1,000-word article ({len(thousand.split())} words, k={k})", "1"] + blank
    row += [f"{thousand_ms[n]:.2f}" if n in thousand_ms else "" for n in names]
    row += [f"{thousand_ms['TextRank'] / thousand_ms['newsml']:.1f}x",
            f"{thousand_ms['newsml'] / thousand_ms['Lead-k']:.2f}x"]
    print("| " + " | ".join(row) + " |")
    for label, call in (("10,000 sentences, k=3", lambda: newsml.summarize(huge, sentences=3)),
                        ("10,000 sentences, ratio=0.1",
                         lambda: newsml.summarize(huge, ratio=0.1))):
        newsml_ms, newsml_mib = time_once(call)
        lead_ms, _ = time_once(lambda: split_sentences(huge)[:3])
        row = [f"{label} ({len(huge) / 2**20:.1f} MiB; peak {newsml_mib:.0f} MiB traced)", "1"]
        row += blank + [f"{newsml_ms:.0f}" if n == "newsml" else
                        f"{lead_ms:.0f}" if n == "Lead-k" else
                        "not run (dense n x n)" if n == "TextRank" else "" for n in names]
        row += ["", f"{newsml_ms / lead_ms:.2f}x"]
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
