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
# point, then words with inner apostrophes or hyphens. Text without a full stop has no abbreviation to
# find, and the shorter pattern saves a quarter of the tokenising time.
# Currency symbols are tokens of their own: "£7,500" says UK before any word does.
_TOKEN = re.compile(
    r"(?:[^\W\d_]\.){2,}"
    r"|\d+(?:[.,]\d+)*%?"
    r"|[^\W_]+(?:['\-][^\W_]+)*"
    r"|[$£€¥₹₦₽₺₩₱₪]"
)
_TOKEN_WITHOUT_ABBREVIATIONS = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W_]+(?:['\-][^\W_]+)*|[$£€¥₹₦₽₺₩₱₪]")


def _ascii_only(pattern: re.Pattern) -> re.Pattern:
    """The same pattern with explicit ASCII classes, for ASCII text (97% of headlines): the same
    tokens, found a quarter faster than through the Unicode classes."""
    return re.compile(pattern.pattern.replace(r"[^\W\d_]", "[A-Za-z]").replace(r"[^\W_]", "[A-Za-z0-9]")
                      .replace(r"\d", "[0-9]"))


_ASCII_TOKEN, _ASCII_TOKEN_WITHOUT_ABBREVIATIONS = map(_ascii_only, (_TOKEN, _TOKEN_WITHOUT_ABBREVIATIONS))
_POSSESSIVE = re.compile(r"'[sS]?(?![^\W_])")  # Trump's -> Trump, students' -> students
_STEMMER = snowballstemmer.stemmer("english")


def normalize(text: str) -> str:
    """Unicode NFKC, straight quotes and dashes, no control characters, single spaces."""
    text = text[:MAX_CHARS]
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()


def words(text: str) -> list[str]:
    """Word tokens of ``text`` with their case kept; possessives dropped, ``U.S.`` becomes ``US``.

    The gazetteer needs the case ("US" is a country, "us" a pronoun); the n-gram features use
    :func:`tokenize`, the same tokens lower-cased. Possessives go in one pass over the text, and only
    dotted abbreviations (the one kind of token that ends with a full stop) lose their dots.
    """
    text = text[:MAX_CHARS]
    plain = text.isascii()
    if not plain:
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
        plain = text.isascii()
    if "'" in text:
        text = _POSSESSIVE.sub("", text)
    if "." not in text:
        return (_ASCII_TOKEN_WITHOUT_ABBREVIATIONS if plain else _TOKEN_WITHOUT_ABBREVIATIONS).findall(text)
    return [t.replace(".", "") if t[-1] == "." else t for t in (_ASCII_TOKEN if plain else _TOKEN).findall(text)]


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens of ``text``: :func:`words` lower-cased."""
    return lower_all(words(text))


def lower_all(tokens: list[str]) -> list[str]:
    """Tokens lower-cased in one pass (tokens never contain spaces)."""
    return " ".join(tokens).lower().split(" ") if tokens else []


_INVISIBLE_ASCII = "".join(map(chr, range(33))) + "\x7f"


def is_blank(text: str) -> bool:
    """True if ``text`` shows nothing: only spaces, control and zero-width characters."""
    if text.isascii():
        return not text.strip(_INVISIBLE_ASCII)
    return not normalize(text)


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """Snowball (Porter 2) stem of one lower-case token, cached."""
    return _STEMMER.stemWord(token)


PACK_SEPARATOR = "|"
"""Between the strings of a packed list (see :func:`pack`): no token, n-gram or name holds one."""


def pack(strings: list[str]) -> str:
    """A list of tokens, n-grams or names as one string for a model file: JSON parses one long string
    without escapes several times faster than a list of strings or one joined by newlines."""
    if any(PACK_SEPARATOR in s for s in strings):
        raise ValueError(f"cannot pack a string holding {PACK_SEPARATOR!r}")
    return PACK_SEPARATOR.join(strings)


def unpack(packed: str) -> list[str]:
    """The list that :func:`pack` made (an empty string is an empty list)."""
    if not isinstance(packed, str):
        raise TypeError("a packed list is one string")
    return packed.split(PACK_SEPARATOR) if packed else []
