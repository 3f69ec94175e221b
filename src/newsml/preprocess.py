"""Normalising, tokenising and stemming, with no downloaded NLTK data.

Everything here is on the hot path of labelling millions of headlines, so stems and token clean-ups
are cached and the tokeniser is one compiled regular expression. It runs on the standard ``re`` engine
rather than NLTK's ``RegexpTokenizer``, which wraps every call in a ReDoS timeout meant for
caller-supplied patterns and costs several times more; our pattern is fixed and linear, and input is
capped at ``MAX_CHARS``.

Stemming is the Snowball English (Porter 2) algorithm from ``snowballstemmer``, the Snowball project's
own package, which runs its C build (``PyStemmer``, a dependency) when installed: about 0.3 us a new
word instead of 34 us. NLTK ships the same algorithm, but ``import nltk`` loads much of NLTK, SciPy's
stats and scikit-learn (about 1.8 s), which would dominate the start-up of every ``newsml label`` run;
``snowballstemmer`` loads in milliseconds and needs no data files either.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

MAX_CHARS = 10_000
"""Longer input is cut to this many characters before analysis: a headline is never this long."""

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ",
})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"\s+")

# Dotted abbreviations (U.S., U.K.) first so they stay one token, then numbers with their decimal
# point, then words with inner apostrophes or hyphens.
_TOKEN = re.compile(
    r"(?:[^\W\d_]\.){2,}"
    r"|\d+(?:[.,]\d+)*%?"
    r"|[^\W_]+(?:['\-][^\W_]+)*"
)
_POSSESSIVE = re.compile(r"'s?$")
_STEMMER = snowballstemmer.stemmer("english")


def normalize(text: str) -> str:
    """Unicode NFKC, straight quotes and dashes, no control characters, single spaces."""
    text = text[:MAX_CHARS]
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()


@lru_cache(maxsize=200_000)
def _clean_token(token: str) -> str:
    if token.endswith("."):  # dotted abbreviation: u.s. -> us
        return token.replace(".", "")
    return _POSSESSIVE.sub("", token)


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens of ``text``; possessives dropped, ``U.S.`` becomes ``us``.

    Only the Unicode folding of :func:`normalize` matters to the tokeniser (it skips spaces and
    control characters anyway), so ASCII text goes straight to the regular expression.
    """
    text = text[:MAX_CHARS]
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return [_clean_token(t) for t in _TOKEN.findall(text.lower())]


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """Snowball (Porter 2) stem of one lower-case token, cached."""
    return _STEMMER.stemWord(token)


def stem_tokens(text: str) -> list[str]:
    """Tokens of ``text`` reduced to their stems: the word features' vocabulary."""
    return [stem(t) for t in tokenize(text)]
