"""Offline sentence splitting: the seed article, news abbreviations, quotes, paragraphs, bad input."""
from __future__ import annotations

from pathlib import Path

import nltk
import pytest

from newsml.sentences import PUNKT_WINDOW, split_sentences

FRONT_PAGE = Path(__file__).resolve().parents[1] / "seeds" / "front_page.txt"


def seed_article() -> str:
    """The paragraphs before the first run of blank lines in the seed file."""
    return FRONT_PAGE.read_text(encoding="utf-8").split("\n\n\n")[0]


def test_seed_article_splits_into_its_13_sentences():
    sentences = split_sentences(seed_article())

    assert len(sentences) == 13
    assert not any(s.endswith("U.S.") for s in sentences)
    assert sentences[1].startswith("Lukashenko made the remarks during an interview with U.S. media")
    assert sentences[6].startswith("Washington has increased")
    assert "U.S. President Donald Trump" in sentences[6]
    assert all(s in " ".join(seed_article().split()) for s in sentences)


def test_needs_no_nltk_data(monkeypatch):
    def no_data(*args, **kwargs):
        raise LookupError("no NLTK data on a user's machine")

    monkeypatch.setattr(nltk.data, "find", no_data)
    monkeypatch.setattr(nltk.data, "load", no_data)
    assert split_sentences("Mr. Smith went to Washington. He came back.") == [
        "Mr. Smith went to Washington.", "He came back."]


@pytest.mark.parametrize("text", [
    "U.S. President Donald Trump spoke to U.K. and E.U. officials at the U.N. on Tuesday.",
    "Mr. Smith, Mrs. Jones, Ms. Lee and Dr. Patel met Gen. Ross, Lt. Col. Hart and Sgt. Lopez.",
    "Sen. Warren, Rep. Ocasio-Cortez and Gov. Newsom praised Prof. Stiglitz of St. Louis.",
    "Acme Corp., Widgets Inc., Foo Ltd. and Bar Co. were founded by Jim Smith Jr. on Sept. 11.",
    "The talks ran from Jan. 3 to Feb. 9, e.g. in Geneva, i.e. in Switzerland, vs. last year.",
    "President John F. Kennedy met Martin Luther King Jr. in the White House.",
    "Profits rose 3.25% to $10.9bn, or 1.5 times the 2.7bn expected.",
    "He lives at No. 10 Downing Street with his family.",
    '"Why?" he asked the minister.',
    "The meeting ended at 5 p.m. on Friday in Washington, D.C. after talks.",
    "Analysts, e.g. those at J.P. Morgan, were surprised by the S.E.C. and the F.B.I. Director.",
    "The S.E.C. is investigating a loss of $1.5bn in 2023.",
])
def test_abbreviations_initials_and_numbers_do_not_end_a_sentence(text):
    assert split_sentences(text) == [text]


@pytest.mark.parametrize("text, expected", [
    ('He said "no." Then he left.', ['He said "no."', "Then he left."]),
    ("He said \u201cno.\u201d Then he left.", ["He said \u201cno.\u201d", "Then he left."]),
    ("(It was late.) Then it rained.", ["(It was late.)", "Then it rained."]),
    ("Is it over? Nobody knows! Wait.", ["Is it over?", "Nobody knows!", "Wait."]),
    ("He paused... Then he spoke.", ["He paused...", "Then he spoke."]),
    ("He paused\u2026 Then he spoke.", ["He paused...", "Then he spoke."]),
    ("It fell 2.5% in 2004. Analysts were surprised.", ["It fell 2.5% in 2004.", "Analysts were surprised."]),
])
def test_quotes_brackets_ellipses_and_numbers_at_a_sentence_end(text, expected):
    assert split_sentences(text) == expected


def test_abbreviation_at_a_sentence_end_splits_before_a_function_word_only():
    # The documented trade-off: "U.S." followed by a capitalised name stays in one sentence.
    assert split_sentences("Sanctions were imposed by the U.S. The move angered Moscow.") == [
        "Sanctions were imposed by the U.S.", "The move angered Moscow."]
    assert split_sentences("He lives in the U.S. Trump said so.") == ["He lives in the U.S. Trump said so."]


def test_paragraph_breaks_always_end_a_sentence():
    text = ("Headline Without A Full Stop\nFirst paragraph, one line. Second sentence\n"
            "New paragraph after a single newline.\r\n\r\nAfter a blank line.")
    assert split_sentences(text) == [
        "Headline Without A Full Stop", "First paragraph, one line.", "Second sentence",
        "New paragraph after a single newline.", "After a blank line."]


def test_hard_wrapped_lines_are_joined_and_spaces_collapsed():
    text = "The minister said the plan\nwould   cost  more than\nexpected. Critics agreed."
    assert split_sentences(text) == [
        "The minister said the plan would cost more than expected.", "Critics agreed."]


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\n"])
def test_empty_text_has_no_sentences(text):
    assert split_sentences(text) == []


@pytest.mark.parametrize("value", [None, b"bytes. More bytes.", 42])
def test_non_str_input_is_a_type_error(value):
    with pytest.raises(TypeError, match="text must be str"):
        split_sentences(value)


def test_foreign_text_is_split_too():
    assert split_sentences("Москва — столица России. Это большой город.") == [
        "Москва — столица России.", "Это большой город."]
    assert split_sentences("北京是中国的首都。上海很大！东京呢？") == [
        "北京是中国的首都。", "上海很大！", "东京呢？"]


def test_binary_junk_gives_stripped_non_empty_sentences():
    junk = bytes(range(256)).decode("latin-1") * 20
    sentences = split_sentences(junk)
    assert sentences and all(s and s.strip() == s for s in sentences)


def test_a_long_paragraph_splits_as_if_it_were_short():
    sentences = [f"Minister number {i} met Mr. Smith of the U.S. on Sept. {i % 28 + 1} in Geneva."
                 for i in range(800)]
    paragraph = " ".join(sentences)
    assert len(paragraph) > 5 * PUNKT_WINDOW
    assert split_sentences(paragraph) == sentences


def test_a_long_paragraph_without_sentence_ends_is_cut_into_bounded_pieces():
    pieces = split_sentences("word " * 10_000 + "x. " * 5_000)
    assert " ".join(pieces).split() == ["word"] * 10_000 + ["x."] * 5_000
    assert all(len(piece) <= PUNKT_WINDOW for piece in pieces)


def test_money_at_a_sentence_end_ends_it():
    # "bn." is not an abbreviation: British outlets end sentences with "£1.5bn." all the time
    assert split_sentences("Profits rose to £1.5bn. Shares fell 3%.") == ["Profits rose to £1.5bn.", "Shares fell 3%."]
