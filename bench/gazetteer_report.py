"""Inspect the v2 gazetteer: names by kind and source, hits that disagree with the corpus labels, speed.

A hit "disagrees" when none of its regions is the headline's label. Many disagreements are right (a US
strike in Syria names the US; a Global story names countries), so read the listed ones: the names that
come back often with the wrong meaning are the false hits to fix in the facts file or the build rules.

    python bench/gazetteer_report.py [--show N] [--examples NAME]
"""
from __future__ import annotations

import argparse
import csv
import json
import time
from collections import Counter
from pathlib import Path

from newsml.gazetteer import FACTS_FILE, KINDS, Gazetteer, data_text, build_gazetteer, parse_facts
from newsml.preprocess import unpack
from newsml.preprocess import words

CORPUS = Path(__file__).resolve().parent.parent / "seeds" / "headlines.csv"


def count_names(gazetteer: Gazetteer) -> None:
    """Names by kind and by source (the facts file or the data packages)."""
    fact_names = {fact.name for fact in parse_facts(data_text(FACTS_FILE))}
    data = gazetteer.to_dict()
    by_kind: Counter[tuple[str, str]] = Counter()
    for name, kind in zip(unpack(data["names"]), data["kinds_of"]):
        by_kind[KINDS[kind], "facts" if name in fact_names else "packages"] += 1
    kinds = sorted({kind for kind, _ in by_kind})
    print(f"{'kind':14} {'packages':>9} {'facts':>7}")
    for kind in kinds:
        print(f"{kind:14} {by_kind[kind, 'packages']:9} {by_kind[kind, 'facts']:7}")
    print(f"{'total':14} {sum(v for (k, s), v in by_kind.items() if s == 'packages'):9} "
          f"{sum(v for (k, s), v in by_kind.items() if s == 'facts'):7}")


def disagreements(gazetteer: Gazetteer, rows: list[dict], show: int) -> None:
    """Hit counts, the share whose regions miss the label, and the most frequent such names."""
    hits = missed = rows_hit = 0
    names: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for row in rows:
        found = gazetteer.find(words(row["headline"]))
        rows_hit += bool(found)
        for hit in found:
            hits += 1
            if row["region"] not in hit.regions:
                missed += 1
                names[hit.name] += 1
                examples.setdefault(hit.name, []).append(f"{row['region']}: {row['headline']}")
    print(f"{hits} hits in {rows_hit}/{len(rows)} headlines; {missed} disagree with the label "
          f"({missed / hits:.1%})")
    for name, count in names.most_common(show):
        print(f"{count:4} {name}  e.g. {examples[name][0]}")


def speed(gazetteer: Gazetteer, rows: list[dict]) -> None:
    """Mean find() time per corpus headline (tokens prepared beforehand), and from_dict time."""
    token_lists = [words(row["headline"]) for row in rows]
    find = gazetteer.find
    best = float("inf")
    for _ in range(7):
        start = time.perf_counter()
        for tokens in token_lists:
            find(tokens)
        best = min(best, time.perf_counter() - start)
    print(f"find: {best / len(token_lists) * 1e6:.2f} us per headline (best of 7 passes over the corpus)")
    data = json.loads(json.dumps(gazetteer.to_dict()))
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        Gazetteer.from_dict(data)
        best = min(best, time.perf_counter() - start)
    print(f"from_dict: {best * 1e3:.1f} ms for {len(gazetteer)} names; JSON {len(json.dumps(data)) / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=80, help="how many disagreeing names to list")
    parser.add_argument("--examples", metavar="NAME", help="list every disagreeing headline for NAME")
    args = parser.parse_args()
    gazetteer = build_gazetteer()
    rows = list(csv.DictReader(CORPUS.open(encoding="utf-8")))
    if args.examples:
        for row in rows:
            for hit in gazetteer.find(words(row["headline"])):
                if hit.name == args.examples:
                    print(f"{row['region']:12} {hit.regions} {row['headline']}")
        return
    count_names(gazetteer)
    disagreements(gazetteer, rows, args.show)
    speed(gazetteer, rows)


if __name__ == "__main__":
    main()
