"""Extractive summaries: the seed article, each scoring idea, argument checks and bad input."""
from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import nltk
import numpy as np
import pytest

import newsml.summarizer as summarize_module
from newsml.sentences import split_sentences
from newsml.summarizer import Summarizer, plain_text, summarize

FRONT_PAGE = Path(__file__).resolve().parents[1] / "seeds" / "front_page.txt"
SEED = FRONT_PAGE.read_text(encoding="utf-8").split("\n\n\n")[0]

RATES = """Storms closed schools across the region on Monday, officials said.
The central bank raised interest rates by half a point to fight inflation.
The central bank raised its interest rates by half a point to fight rising inflation.
Inflation has climbed for six months as energy prices rose.
Higher rates will make mortgages and business loans more expensive.
Rates rose.
Economists expect the bank to keep rates high while inflation stays above target.
A local football club celebrated its centenary with a parade."""
RATES_SENTENCES = split_sentences(RATES)
ONLY_CENTRALITY = {"lead_weight": 0, "title_weight": 0, "redundancy_penalty": 0, "min_content_words": 0}


def positions(summary: list[str], sentences: list[str] = RATES_SENTENCES) -> list[int]:
    return [sentences.index(s) for s in summary]


def test_seed_summary_is_three_article_sentences_in_order_led_by_the_lede():
    sentences = split_sentences(SEED)
    summary = summarize(SEED)

    assert len(summary) == 3
    assert positions(summary, sentences) == sorted(positions(summary, sentences))
    assert summary[0] == sentences[0]  # the lede: who said what


def test_summary_needs_no_nltk_data(monkeypatch):
    def no_data(*args, **kwargs):
        raise LookupError("no NLTK data on a user's machine")

    monkeypatch.setattr(nltk.data, "find", no_data)
    monkeypatch.setattr(nltk.data, "load", no_data)
    assert len(summarize(SEED, sentences=2, title="Lukashenko offers Maduro refuge")) == 2


def test_centrality_picks_the_sentences_the_article_is_about():
    summary = Summarizer(**ONLY_CENTRALITY).summarize(RATES, sentences=2)
    assert positions(summary) == [1, 2]  # both about the rate rise; storms and football are not


def test_redundancy_control_skips_a_restatement():
    assert positions(Summarizer().summarize(RATES, sentences=2)) == [1, 6]
    assert positions(Summarizer(redundancy_penalty=0).summarize(RATES, sentences=2)) == [1, 2]


@pytest.mark.parametrize("k", [1, 2, 3])
def test_redundancy_control_over_a_pool_of_the_best_candidates(k):
    text = SEED + "\n" + RATES  # 21 sentences: for k <= 3 the pool (2k + 10) leaves some out
    sentences = split_sentences(text)
    summary = Summarizer().summarize(text, sentences=k)
    picked = positions(summary, sentences)
    assert len(set(picked)) == k and picked == sorted(picked)
    assert int(np.argmax(Summarizer().score(sentences))) in picked
    assert not {14, 15} <= set(picked)  # the two versions of the rate rise


def test_very_long_summaries_are_ranked_by_relevance_alone(monkeypatch):
    monkeypatch.setattr(summarize_module, "MAX_REDUNDANCY_CHECKED", 1)
    assert positions(Summarizer().summarize(RATES, sentences=2)) == [1, 2]


def test_lead_prior_favours_the_first_sentence():
    assert 0 not in positions(Summarizer(**ONLY_CENTRALITY).summarize(RATES, sentences=1))
    assert positions(Summarizer(**{**ONLY_CENTRALITY, "lead_weight": 5}).summarize(RATES, sentences=1)) == [0]


def test_title_pulls_in_the_sentence_it_names():
    title = "Football club centenary parade"
    assert 7 not in positions(Summarizer().summarize(RATES, sentences=2))
    assert 7 in positions(Summarizer(title_weight=3).summarize(RATES, sentences=2, title=title))
    assert Summarizer(title_weight=0).summarize(RATES, sentences=2, title=title) == \
        Summarizer().summarize(RATES, sentences=2)


def test_sentences_with_too_few_content_words_are_scaled_down():
    short = RATES_SENTENCES.index("Rates rose.")
    assert short in positions(Summarizer(**ONLY_CENTRALITY).summarize(RATES, sentences=3))
    assert short not in positions(Summarizer(**{**ONLY_CENTRALITY, "min_content_words": 3})
                                  .summarize(RATES, sentences=3))


def test_scores_are_relevance_in_unit_range():
    scores = Summarizer().score(RATES_SENTENCES + ["!!! ???"])
    assert scores.shape == (len(RATES_SENTENCES) + 1,)
    assert scores.max() == pytest.approx(1.0) and scores.min() >= 0
    assert scores[-1] == 0  # no content word
    assert np.argmax(scores) == 1


@pytest.mark.parametrize("sentences", ["One sentence. Another.", [1, 2], None])
def test_scores_need_a_sequence_of_sentences(sentences):
    with pytest.raises(TypeError, match="sequence of str"):
        Summarizer().score(sentences)


def test_ratio_is_a_share_of_the_sentences():
    n = len(split_sentences(SEED))  # 13
    assert len(summarize(SEED, ratio=0.5)) == 7
    assert len(summarize(SEED, ratio=0.01)) == 1
    assert summarize(SEED, ratio=1) == split_sentences(SEED)
    assert len(summarize(SEED, sentences=n - 1)) == n - 1
    assert len(summarize(SEED, sentences=np.int64(2))) == len(summarize(SEED, ratio=np.float32(0.15))) == 2


def test_a_text_shorter_than_asked_is_returned_whole():
    assert summarize("Only one sentence here.", sentences=3) == ["Only one sentence here."]
    assert summarize(SEED, sentences=50) == split_sentences(SEED)


@pytest.mark.parametrize("text", ["", "   \n\t  ", "<p> </p>"])
def test_empty_text_has_an_empty_summary(text):
    assert summarize(text) == []
    assert summarize(text, ratio=0.5) == []


@pytest.mark.parametrize("kwargs, error, message", [
    ({"sentences": 0}, ValueError, "sentences must be >= 1"),
    ({"sentences": -2}, ValueError, "sentences must be >= 1"),
    ({"sentences": 2.5}, TypeError, "sentences must be an int"),
    ({"sentences": "3"}, TypeError, "sentences must be an int"),
    ({"sentences": True}, TypeError, "sentences must be an int"),
    ({"ratio": 0}, ValueError, r"ratio must be in \(0, 1\]"),
    ({"ratio": 1.5}, ValueError, r"ratio must be in \(0, 1\]"),
    ({"ratio": -0.1}, ValueError, r"ratio must be in \(0, 1\]"),
    ({"ratio": float("nan")}, ValueError, "ratio must be finite"),
    ({"ratio": "half"}, TypeError, "ratio must be a number"),
    ({"sentences": 2, "ratio": 0.5}, ValueError, "not both"),
    ({"title": 7}, TypeError, "title must be str"),
])
def test_bad_arguments_are_one_line_errors(kwargs, error, message):
    with pytest.raises(error, match=message) as raised:
        summarize(SEED, **kwargs)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("text", [None, b"An article. In bytes.", 3.14, ["A list.", "Of sentences."]])
def test_non_str_text_is_a_type_error(text):
    with pytest.raises(TypeError, match="text must be str"):
        summarize(text)


@pytest.mark.parametrize("kwargs, error", [
    ({"lead_weight": -1}, ValueError), ({"title_weight": -0.1}, ValueError),
    ({"redundancy_penalty": -1}, ValueError), ({"min_content_words": -1}, ValueError),
    ({"lead_half_life": 0}, ValueError), ({"lead_weight": "high"}, TypeError),
    ({"lead_half_life": float("inf")}, ValueError), ({"stop_words": "the"}, TypeError),
])
def test_bad_hyperparameters_are_rejected_at_construction(kwargs, error):
    with pytest.raises(error):
        Summarizer(**kwargs)


def test_html_fragment_is_summarised_as_text():
    fragment = ("<div class='story'><h1>Rates rise</h1><p>The central bank raised interest rates "
                "&amp; warned of inflation.</p><script>track('x. y. z.');</script><p>Shares fell "
                "<b>sharply</b> after the rate decision.</p><!-- ad. -->"
                "<p>Football results follow.</p></div>")
    summary = summarize(fragment, sentences=2)
    assert len(summary) == 2
    assert "The central bank raised interest rates & warned of inflation." in summary
    assert not any(c in " ".join(summary) for c in "<>") and "track" not in " ".join(summary)
    assert plain_text("a < b and c > d") == "a < b and c > d"  # not a tag: left alone


def test_binary_junk_and_foreign_text_give_a_sensible_summary():
    junk = (bytes(range(256)).decode("latin-1") * 50) + "\x00\x00 end."
    summary = summarize(junk, sentences=2)
    assert 1 <= len(summary) <= 2 and not any("\x00" in s for s in summary)

    russian = "Москва — столица России. Город очень большой. В Москве живут миллионы людей. Погода хорошая."
    assert len(summarize(russian, sentences=2)) == 2
    chinese = "北京是中国的首都。上海很大。广州也很大。"
    assert summarize(chinese, sentences=1)[0] in split_sentences(chinese)


def test_long_text_stays_sparse_and_bounded():
    # 10,000 sentences: a dense similarity matrix alone would take 800 MB.
    rng = np.random.default_rng(0)
    vocabulary = [f"word{i}" for i in range(3000)]
    text = "\n".join(" ".join(rng.choice(vocabulary, size=12)).capitalize() + "." for _ in range(10_000))
    assert len(text) > 1_000_000
    tracemalloc.start()
    try:
        summary = summarize(text, sentences=5)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(summary) == 5
    assert peak < 100 * 2**20


def test_deterministic_across_hash_seeds():
    code = ("import json, pathlib, newsml.summarizer as s;"
            f"print(json.dumps(s.summarize(pathlib.Path({str(FRONT_PAGE)!r}).read_text('utf-8')"
            ".split('\\n\\n\\n')[0], sentences=4, title='Lukashenko says Maduro welcome in Belarus')))")
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
    assert summarize(SEED, sentences=4) == summarize(SEED, sentences=4)
