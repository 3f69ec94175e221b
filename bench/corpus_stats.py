"""Counts for the data card (seeds/README.md): per region, per topic, per pair, and countries named.

    python bench/corpus_stats.py [seeds/headlines.csv]
"""
from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

from newsml.gazetteer import load_gazetteer
from newsml.preprocess import tokenize
from newsml.taxonomy import REGIONS, TOPICS

CORPUS = Path(__file__).resolve().parents[1] / "seeds" / "headlines.csv"


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
    gazetteer = load_gazetteer()
    named = Counter(e.country for r in rows for e in {x for x in gazetteer.find(tokenize(r["headline"]))
                                                      if x.kind in ("country", "demonym", "capital")})
    print(f"{len(named)} countries and territories named (by name, demonym or capital)")
    missing = sorted(gazetteer.countries() - set(named))
    print(f"known to the gazetteer but never named: {', '.join(missing) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
