"""The digest of a front page: the lead article summarised and labelled, the headlines grouped.

A front page is plain text: the lead article's paragraphs (a short title line first is optional), a gap
of blank lines, then one headline a line. The gap is the first run of two or more blank lines; without
one, the first blank line.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import numpy as np

from .model import NewsModel, Prediction
from .taxonomy import REGIONS, TOPICS, pair_name

_TITLE_MAX_WORDS = 20
_RANK = {label: i for labels in (REGIONS, TOPICS) for i, label in enumerate(labels)}


class FrontPageError(ValueError):
    """The text is not a front page (no article, no headlines, nothing at all)."""


@dataclass
class FrontPage:
    title: str | None
    article: str
    headlines: list[str]


@dataclass
class Digest:
    """What ``newsml digest`` prints, as data."""

    title: str | None
    region: str
    region_score: float
    topic: str
    topic_score: float
    summary: list[str]
    headlines: list[Prediction]
    groups: dict[str, dict[str, list[Prediction]]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "lead": {"title": self.title, "region": self.region, "region_score": self.region_score,
                     "topic": self.topic, "topic_score": self.topic_score, "summary": self.summary},
            "headlines": [p.to_dict() for p in self.headlines],
            "groups": {region: {topic: [p.headline for p in items] for topic, items in topics.items()}
                       for region, topics in self.groups.items()},
        }


def parse_front_page(text: str) -> FrontPage:
    """Split a front page into its lead article and headlines; FrontPageError if either is missing."""
    if not isinstance(text, str):
        raise TypeError(f"a front page is text (str), not {type(text).__name__}")
    lines, blank, start = _lines(text)
    if start is None:
        raise FrontPageError("the front page is empty (only blank lines)")
    gap = _first_gap(blank, start, minimum=2) or _first_gap(blank, start, minimum=1)
    if gap is None:
        raise FrontPageError("no blank lines between the lead article and the headlines")
    article_lines = [line.strip() for line in lines[start:gap] if line.strip()]
    headlines = [line.strip() for line in lines[gap:] if line.strip()]
    if not headlines:
        raise FrontPageError("no headlines after the lead article")
    title = None
    first = article_lines[0]
    if len(article_lines) > 1 and len(first.split()) <= _TITLE_MAX_WORDS and not re.search(r"[.!?\"')\u201d]$", first):
        title, article_lines = first, article_lines[1:]
    return FrontPage(title, "\n".join(article_lines), headlines)


def lead_article(text: str) -> str | None:
    """The lead article when ``text`` is a front page (article, a gap of two or more blank lines, then
    at least two headline-like lines: short, not ending in a full stop), else None."""
    lines, blank, start = _lines(text)
    gap = _first_gap(blank, start, minimum=2) if start is not None else None
    if gap is None:
        return None
    tail = [line.strip() for line in lines[gap:] if line.strip()]
    if len(tail) < 2 or any(len(line.split()) > _TITLE_MAX_WORDS * 2 or line.endswith(".") for line in tail):
        return None
    return "\n".join(line for line in lines[start:gap] if line.strip())


def _lines(text: str) -> tuple[list[str], list[bool], int | None]:
    """The lines of ``text`` (any line ending), which are blank, and the first that is not (None: all are)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blank = [not line.strip() for line in lines]
    return lines, blank, next((i for i, b in enumerate(blank) if not b), None)


def _first_gap(blank: list[bool], start: int, minimum: int) -> int | None:
    """Index of the first line after the first run of >= ``minimum`` blank lines followed by text."""
    run = 0
    for i in range(start, len(blank)):
        if blank[i]:
            run += 1
        elif run >= minimum:
            return i
        else:
            run = 0
    return None


def make_digest(text: str, model: NewsModel, sentences: int = 3, home: str | None = None) -> Digest:
    """Summarise and label the lead, label and group the headlines (``home``: the page's home region)."""
    from .summarizer import summarize

    page = parse_front_page(text)
    summary = summarize(page.article, sentences=sentences, title=page.title)
    if not summary:
        raise FrontPageError("the lead article has no sentences to summarise")
    lead_texts = ([page.title] if page.title else []) + summary
    lead = {head: p.mean(axis=0) for head, p in model.predict_proba(lead_texts, home=home).items()}
    best = {head: int(np.argmax(p)) for head, p in lead.items()}
    predictions = model.predict(page.headlines, home=home)
    groups: dict[str, dict[str, list[Prediction]]] = {}
    for p in sorted(predictions, key=_taxonomy_order):
        groups.setdefault(p.region, {}).setdefault(p.topic, []).append(p)
    return Digest(
        title=page.title,
        region=str(model.heads["region"].classes[best["region"]]),
        region_score=round(float(lead["region"][best["region"]]), 4),
        topic=str(model.heads["topic"].classes[best["topic"]]),
        topic_score=round(float(lead["topic"][best["topic"]]), 4),
        summary=summary, headlines=predictions, groups=groups,
    )


def _taxonomy_order(p: Prediction) -> tuple:
    """Regions, then topics, in taxonomy order ('uncertain' last); surest first within a group."""
    return _RANK.get(p.region, len(_RANK)), _RANK.get(p.topic, len(_RANK)), -p.region_score * p.topic_score


def render(digest: Digest, fmt: str = "text") -> str:
    """The digest as ``text``, ``markdown`` or ``json``."""
    if fmt == "json":
        return json.dumps(digest.to_dict(), indent=2, ensure_ascii=False)
    markdown = fmt == "markdown"
    lead_label = f"{pair_name(digest.region, digest.topic)} (region {digest.region_score:.2f}, " \
                 f"topic {digest.topic_score:.2f})"
    out = [f"# {digest.title or 'Lead story'}" if markdown else (digest.title or "LEAD STORY").upper(),
           "", f"*{lead_label}*" if markdown else lead_label, ""]
    out += [f"- {s}" if markdown else f"  * {s}" for s in digest.summary]
    out += ["", "## Headlines (scores: region/topic)" if markdown else "HEADLINES (scores: region/topic)"]
    for region, topics in digest.groups.items():
        out += ["", f"### {region}" if markdown else f"{region}"]
        for topic, items in topics.items():
            for p in items:
                scores = f"{p.region_score:.2f}/{p.topic_score:.2f}"
                out.append(f"- **{topic}** ({scores}) {p.headline}" if markdown
                           else f"  {topic:<12} {scores}  {p.headline}")
    return "\n".join(out) + "\n"
