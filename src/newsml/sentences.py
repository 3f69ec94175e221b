"""Offline English sentence splitting for news text.

Users have no downloaded NLTK data, so instead of the pre-trained ``punkt`` model we build NLTK's
Punkt tokenizer from our own :class:`~nltk.tokenize.punkt.PunktParameters`:

* a curated list of news abbreviations (``U.S.``, ``Mr.``, ``Gen.``, ``Inc.``, ``Sept.``, ``e.g.`` ...)
  that do not end a sentence when a capitalised word follows ("U.S. President Donald Trump");
* orthographic evidence for a short list of function words (``The``, ``He``, ``But``, ``However``
  ...): written capitalised after an abbreviation, an initial or an ellipsis they start a new
  sentence. Names never appear in that list.

Known trade-off: a sentence that really ends with an abbreviation is split only when the next
sentence opens with one of those function words. "...imposed by the U.S. The move..." splits;
"...in the U.S. Trump said..." stays one sentence. We prefer an occasional long sentence to a
sentence cut after "U.S." or "Mr.", which would put a meaningless fragment into a summary.

Paragraphs always end sentences: a blank line, or a single newline (one paragraph per line, as
news sites export text), except where the line does not end with punctuation and the next starts
with a lower-case letter (hard-wrapped prose). Three small repairs run after Punkt: ``"Why?" he
asked.`` stays one sentence, and so does ``No. 10 Downing Street``; after a dotted acronym Punkt does
not know ("J.P.", "S.E.C.") only a capitalised sentence opener starts a new sentence. Chinese and
Japanese full stops (。！？) end sentences too.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from nltk.tokenize.punkt import (
    _ORTHO_BEG_UC,
    _ORTHO_MID_LC,
    PunktParameters,
    PunktSentenceTokenizer,
)

NEWS_ABBREVIATIONS = frozenset({
    # countries, blocs and places
    "u.s", "u.s.a", "u.k", "u.n", "e.u", "u.a.e", "d.c", "n.y", "l.a", "n.j",
    "calif", "fla", "mich", "minn", "tenn", "ariz", "colo", "conn", "okla", "mt", "ft",
    # titles and ranks
    "mr", "mrs", "ms", "messrs", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cmdr", "adm",
    "sgt", "cpl", "pvt", "gov", "sen", "rep", "rev", "hon", "pres", "supt", "insp", "det",
    "st", "jr", "sr", "esq", "fr", "brig",
    # organisations
    "corp", "inc", "ltd", "co", "bros", "assn", "dept", "univ", "govt", "intl",
    # months (AP style abbreviates only these)
    "jan", "feb", "aug", "sept", "sep", "oct", "nov", "dec",
    # Latin and reference words
    "e.g", "i.e", "vs", "etc", "cf", "al", "approx", "est", "nos", "vol", "pp", "ca",
    "a.m", "p.m", "ph.d", "b.a", "m.a",
})
"""Lower-case abbreviation types without their final full stop, as Punkt stores them."""

SENTENCE_OPENERS = frozenset({
    "the", "a", "an", "he", "she", "it", "they", "we", "you", "his", "her", "its", "their", "our",
    "this", "that", "these", "those", "there", "here", "but", "and", "or", "so", "yet", "however",
    "meanwhile", "also", "in", "on", "at", "for", "from", "with", "after", "before", "while",
    "when", "where", "if", "as", "since", "although", "though", "despite", "during", "some",
    "many", "most", "all", "both", "other", "others", "now", "then", "still", "instead", "such",
    "what", "who", "which", "why", "how", "not", "more", "each", "even", "only", "until",
    "because", "whether", "according", "by", "to", "of", "last", "earlier", "later", "further",
})
"""Function words that, capitalised after an abbreviation, start a sentence. No names here:
"Will", "May", "Mark", "New", "United" and the like are left out on purpose."""

_PARAMETERS = PunktParameters()
_PARAMETERS.abbrev_types = set(NEWS_ABBREVIATIONS)
for _word in SENTENCE_OPENERS:
    # Seen capitalised only at sentence starts and lower-case inside sentences: Punkt's
    # orthographic heuristic then reads a capitalised occurrence as a sentence start.
    _PARAMETERS.add_ortho_context(_word, _ORTHO_BEG_UC | _ORTHO_MID_LC)
_PUNKT = PunktSentenceTokenizer(_PARAMETERS)

_LINE_END_PUNCTUATION = tuple(".!?:;\"')]}\u201d\u2019\u2026")
_BLANK_LINES = re.compile(r"\n[^\S\n]*\n\s*")
_SPACES = re.compile(r"\s+")
_QUESTION_BEFORE_SPEECH_TAG = re.compile(r"[?!][\"'\u201d\u2019]*$")
_DOTTED_ACRONYM = re.compile(r"(?:^|[\s(])(?:[^\W\d_]\.){2,}$")  # "S.E.C.", "J.P." (Punkt knows only its list)
_AFTER_CJK_END = re.compile(r"(?<=[\u3002\uff01\uff1f])\s*(?=\S)")  # after 。！？, which Punkt ignores
PUNKT_WINDOW = 10_000
"""Longer paragraphs go to Punkt a window at a time: NLTK stops a regular expression that runs
for more than 5 s (its ReDoS guard), which a megabyte-long paragraph can reach."""


def _paragraphs(text: str) -> list[str]:
    """Lines of ``text`` grouped into paragraphs; hard-wrapped lines are joined back."""
    text = "\n".join(text.splitlines())  # \r\n, \r, \u2028 and friends become \n
    paragraphs: list[str] = []
    for block in _BLANK_LINES.split(text):
        lines: list[str] = []
        for line in block.split("\n"):
            line = line.strip()
            if not line:
                continue
            if lines and line[0].islower() and not lines[-1].endswith(_LINE_END_PUNCTUATION):
                lines.append(line)
            else:
                if lines:
                    paragraphs.append(" ".join(lines))
                lines = [line]
        if lines:
            paragraphs.append(" ".join(lines))
    return paragraphs


def _punkt_sentences(paragraph: str) -> Iterator[str]:
    """Punkt's sentences of one paragraph, ``PUNKT_WINDOW`` characters at a time."""
    start = 0
    while len(paragraph) - start > PUNKT_WINDOW:
        window = paragraph[start:start + PUNKT_WINDOW]
        spans = list(_PUNKT.span_tokenize(window))
        if len(spans) > 1:  # the last sentence may run on past the window: redo it next time
            yield from (window[a:b] for a, b in spans[:-1])
            start += spans[-1][0]
        else:  # no sentence end in sight: cut at the last space
            cut = window.rfind(" ")
            if cut <= 0:
                cut = PUNKT_WINDOW
            yield window[:cut]
            start += cut
    yield from _PUNKT.tokenize(paragraph[start:])


def _continues(previous: str, sentence: str) -> bool:
    """True where Punkt broke a sentence that the repairs in the module docstring keep whole."""
    if _DOTTED_ACRONYM.search(previous):  # "J.P. Morgan", "The S.E.C. is": only an opener starts a sentence
        word = sentence.split(" ", 1)[0].strip("\"'\u201c\u2018(")
        return word[:1].islower() or word.lower() not in SENTENCE_OPENERS
    if sentence[0].islower():
        return _QUESTION_BEFORE_SPEECH_TAG.search(previous[-4:]) is not None
    return sentence[0].isdigit() and (previous == "No." or previous.endswith(" No."))


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` in order, each on one line with single spaces.

    Needs no NLTK data; linear in the length of ``text``. The Unicode ellipsis is read (and
    returned) as three full stops so that Punkt treats it like ``...``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    sentences: list[list[str]] = []  # each sentence as the pieces Punkt cut it into
    for paragraph in _paragraphs(text.replace("\u2026", "...")):
        new_paragraph = True
        for punkt_sentence in _punkt_sentences(_SPACES.sub(" ", paragraph)):
            for piece in _AFTER_CJK_END.split(punkt_sentence.strip()):
                if not piece:
                    continue
                if not new_paragraph and _continues(sentences[-1][-1], piece):
                    sentences[-1].append(piece)
                else:
                    sentences.append([piece])
                new_paragraph = False
    return [" ".join(pieces) for pieces in sentences]
