"""Counts for the data card (seeds/README.md): per region, topic and pair, place-free share, lengths, styles.

    python bench/corpus_stats.py [seeds/headlines.csv]
"""
from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path

from newsml.gazetteer import build_gazetteer, is_title_case
from newsml.preprocess import words
from newsml.taxonomy import REGIONS, TOPICS
from newsml.training import names_a_place

CORPUS = Path(__file__).resolve().parents[1] / "seeds" / "headlines.csv"
STYLES = {
    "Title Case": lambda t: is_title_case(t.split()),
    "question (ends with ?)": lambda t: t.rstrip().endswith("?"),
    "quote": lambda t: "'" in t[:1] or '"' in t or "\u2018" in t,
    "live page (Live: ...)": lambda t: t.startswith("Live:"),
    "video (Watch: ...)": lambda t: t.startswith("Watch:"),
    "explainer (What/Why/How/Who ...)": lambda t: bool(re.match(r"(What we know|Why |What is |Who is |How )", t)),
    "obituary (dies at N)": lambda t: bool(re.search(r"\bdies\b( at| aged)? \d+", t)),
    "colon form (X: ...)": lambda t: ": " in t[:40],
}


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    pairs = Counter((r["region"], r["topic"]) for r in rows)
    print(f"{len(rows)} headlines\n")
    print("| topic \\ region | " + " | ".join(REGIONS) + " | total |")
    print("|---" * (len(REGIONS) + 2) + "|")
    for topic in TOPICS:
        cells = [str(pairs[region, topic]) for region in REGIONS]
        print(f"| {topic} | " + " | ".join(cells) + f" | {sum(pairs[r, topic] for r in REGIONS)} |")
    totals = [str(sum(pairs[region, t] for t in TOPICS)) for region in REGIONS]
    print("| **total** | " + " | ".join(totals) + f" | {len(rows)} |\n")
    gazetteer = build_gazetteer()
    hits = [gazetteer.find(words(r["headline"])) for r in rows]
    free = Counter(r["region"] for r, place in zip(rows, names_a_place([r["headline"] for r in rows])) if not place)
    totals_by_region = Counter(r["region"] for r in rows)
    print(f"naming no country, city, region or demonym: {sum(free.values()) / len(rows):.0%} "
          f"({', '.join(f'{r} {free[r] / totals_by_region[r]:.0%}' for r in REGIONS)})")
    countries = {h.name for found in hits for h in found if h.kind == "country"}
    print(f"{len(countries)} countries and territories named by name")
    lengths = [len(r["headline"].split()) for r in rows]
    print(f"words: mean {sum(lengths) / len(rows):.1f}; 6 or fewer {sum(n <= 6 for n in lengths) / len(rows):.0%}; "
          f"13 or more {sum(n >= 13 for n in lengths) / len(rows):.0%}")
    print("styles: " + "; ".join(f"{name} {sum(map(test, (r['headline'] for r in rows)))}"
                                 for name, test in STYLES.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
