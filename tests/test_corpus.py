"""The labelled corpus meets the data card's promises: labels, counts, variety, no duplicates, no leaks."""
from __future__ import annotations

import csv
import re
from collections import Counter

import pytest

from newsml.gazetteer import build_gazetteer, is_title_case
from newsml.preprocess import tokenize, words
from newsml.taxonomy import REGIONS, TOPICS
from newsml.training import NEAR_DUPLICATE, names_a_place, similar_pairs

from conftest import CORPUS, seed_headlines



@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with open(CORPUS, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_header_and_labels_are_known(rows):
    assert list(rows[0]) == ["headline", "region", "topic"]
    assert {r["region"] for r in rows} == set(REGIONS)
    assert {r["topic"] for r in rows} == set(TOPICS)
    assert all(r["headline"].strip() == r["headline"] and r["headline"] for r in rows)


def test_size_and_balance(rows):
    assert len(rows) >= 12_000
    regions = Counter(r["region"] for r in rows)
    topics = Counter(r["topic"] for r in rows)
    pairs = Counter((r["region"], r["topic"]) for r in rows)
    for region in REGIONS:
        assert regions[region] >= (400 if region == "Global" else 800), region
    for topic in TOPICS:
        assert topics[topic] >= (900 if topic in ("sport", "culture") else 600), topic
    for region in REGIONS:
        for topic in TOPICS:
            assert pairs[region, topic] >= 25, (region, topic)


def test_no_exact_or_near_duplicates(rows):
    texts = [r["headline"] for r in rows]
    exact = [t for t, n in Counter(t.casefold() for t in texts).items() if n > 1]
    assert exact == []
    near = [(texts[i], texts[j]) for i, j, _ in similar_pairs(texts, NEAR_DUPLICATE)]
    assert near == []


def test_seed_headlines_are_held_out(rows):
    seeds = seed_headlines()
    assert len(seeds) == 16
    seed_sets = [set(tokenize(seed)) for seed in seeds]
    leaks = []
    for row in rows:  # corpus x seeds only (16 sets), not every pair of the corpus
        tokens = set(tokenize(row["headline"]))
        leaks += [(row["headline"], seed) for seed, other in zip(seeds, seed_sets)
                  if len(tokens & other) >= 0.6 * len(tokens | other)]
    assert leaks == []


NAMES_WITH_WORLD = re.compile(
    r"\bWorld (Bank|Cup|Health|Athletics|Trade|Food|Meteorological|Economic|Series|Championships?|Heritage|"
    r"Rugby|Aquatics|Tour|Anti-Doping|Boxing|Snooker|Darts|Press|Wildlife|Weather|Court|Jewish|Council|Games|"
    r"Rally|Wide Web|Number One|No)\b")
"""Names that contain the word (World Bank, World Cup): they are not the vague cue the test is about."""

@pytest.fixture(scope="module")
def place_free(rows) -> list[dict]:
    """Rows that name no country, city, region or demonym (only people, teams, firms, institutions)."""
    named = names_a_place([r["headline"] for r in rows])
    return [r for r, place in zip(rows, named) if not place]


def test_names_at_least_170_countries(rows):
    gazetteer = build_gazetteer()
    named = {h.name for r in rows for h in gazetteer.find(words(r["headline"])) if h.kind == "country"}
    assert len(named) >= 170, sorted(named)


def test_a_third_name_no_place_in_every_region(rows, place_free):
    assert len(place_free) >= 0.30 * len(rows)
    by_region = Counter(r["region"] for r in place_free)
    totals = Counter(r["region"] for r in rows)
    for region in REGIONS:
        assert by_region[region] >= 0.10 * totals[region], region
    global_rows = [r["headline"] for r in rows if r["region"] == "Global"]
    worded = [t for t in global_rows if re.search(r"\b(global|world|worldwide)\b", NAMES_WITH_WORLD.sub("", t),
                                                  re.IGNORECASE)]
    assert len(worded) <= 0.12 * len(global_rows)  # Global is not "a headline with the word world in it"


def test_lengths_look_like_a_feed(rows):
    lengths = [len(r["headline"].split()) for r in rows]
    assert sum(n <= 6 for n in lengths) >= 0.20 * len(rows)
    assert sum(n >= 13 for n in lengths) >= 0.15 * len(rows)


def test_styles_are_mixed(rows):
    texts = [r["headline"] for r in rows]
    title_case = sum(is_title_case(t.split()) for t in texts)
    questions = sum(t.rstrip().endswith("?") for t in texts)
    colon_form = sum(": " in t[:40] for t in texts)
    quotes = sum(('"' in t or "\u201c" in t) for t in texts)
    abbreviations = sum(any(a in t for a in ("U.S.", "UK", "EU", "UN", "NATO")) for t in texts)
    assert 0.15 * len(texts) <= title_case <= 0.7 * len(texts)
    assert min(questions, colon_form, quotes, abbreviations) >= 50
    live = sum(t.startswith("Live:") for t in texts)
    watch = sum(t.startswith("Watch:") for t in texts)
    explainers = sum(bool(re.match(r"(What we know|Why |What is |Who is |How )", t)) for t in texts)
    obituaries = sum(bool(re.search(r"\bdies\b( at| aged)? \d+", t)) for t in texts)
    assert min(live, watch, obituaries) >= 20 and explainers >= 100
