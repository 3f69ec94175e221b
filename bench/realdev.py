"""Real-headline benchmark: BBC homepage headlines labelled by the BBC's own sections, and AG News titles.

    python bench/realdev.py [--model DIR] [--previous DIR] [--errors 30]

Reads ``../shared/data/bbc-headlines/dev.tsv`` (13,298 headlines, 2021-07 to 2022-06; region and topic
from the BBC URL section, empty = not mapped) and the AG News test titles (coarse classes: Sports ->
sport, Business -> economy, Sci/Tech -> science, World -> any other topic). Never copied into the repo,
never trained on: this is a measure, printed as a table for the shipped model and, side by side, for
``--previous`` (another model directory, e.g. an earlier release converted with ``newsml convert``).
The labels are noisy (a desk is not a topic), so per-class numbers matter more than the last digit.
Also prints region accuracy with a home-region prior (``home="Europe"``, the BBC's home) and with feed
priors adapted to the batch (EM of Saerens et al. 2002), and the most confident errors. Asserts nothing.
"""
from __future__ import annotations

import argparse
import csv
import html
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

import newsml
from newsml.taxonomy import REGIONS, TOPICS
from newsml.training import names_a_place

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
AG_CLASSES = {"1": "World", "2": "Sports", "3": "Business", "4": "Sci/Tech"}
AG_TOPIC = {"Sports": "sport", "Business": "economy", "Sci/Tech": "science"}


def read_dev(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def read_ag(path: Path) -> tuple[list[str], list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    clean = [html.unescape(re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), r["title"]).replace("\\", " "))
             for r in rows]
    return clean, [AG_CLASSES[r["label"]] for r in rows]


def measure(model, rows: list[dict], ag: tuple[list[str], list[str]] | None, **options) -> dict:
    """Accuracies of one model (with predict ``options`` such as ``home``) on the dev set and AG News."""
    headlines = [r["headline"] for r in rows]
    predictions = model.predict(headlines, **options) if options else model.predict(headlines)
    gazetteer = model.engine.gazetteer
    out: dict = {"region": {}, "topic": {}, "predictions": predictions}
    for head in ("region", "topic"):
        labelled = [(r[head], getattr(p, head), p) for r, p in zip(rows, predictions) if r[head]]
        out[head]["all"] = (sum(t == g for t, g, _ in labelled), len(labelled))
        for label in (REGIONS if head == "region" else TOPICS):
            subset = [(t, g) for t, g, _ in labelled if t == label]
            if subset:
                out[head][label] = (sum(t == g for t, g in subset), len(subset))
    if gazetteer is not None:
        named = names_a_place(headlines)
        out["no_place"] = [(r["region"], p.region, p.region_score)
                           for r, p, place in zip(rows, predictions, named) if r["region"] and not place]
    if ag is not None:
        titles, classes = ag
        topics = [p.topic for p in model.predict(titles)]
        hits = [AG_TOPIC.get(c) == t if c in AG_TOPIC else t not in AG_TOPIC.values()
                for c, t in zip(classes, topics)]
        out["ag"] = {c: (sum(h for h, k in zip(hits, classes) if k == c), classes.count(c))
                     for c in AG_CLASSES.values()}
        out["ag"]["all"] = (sum(hits), len(hits))
    return out


def rate(pair: tuple[int, int] | None) -> str:
    return "" if not pair or not pair[1] else f"{pair[0] / pair[1]:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    parser.add_argument("--previous", default=None, help="another model directory to compare with")
    parser.add_argument("--data", default=str(SHARED / "bbc-headlines" / "dev.tsv"))
    parser.add_argument("--ag", default=str(SHARED / "ag-news" / "test.csv"))
    parser.add_argument("--errors", type=int, default=30, help="most confident errors to list")
    args = parser.parse_args()

    rows = read_dev(Path(args.data))
    ag = read_ag(Path(args.ag)) if Path(args.ag).is_file() else None
    models = {"shipped": newsml.load_model(args.model)}
    if args.previous:
        models["previous"] = newsml.load_model(args.previous)
    results = {name: measure(model, rows, ag) for name, model in models.items()}
    names = list(results)
    print(f"BBC dev set: {len(rows):,} headlines; {sum(bool(r['region']) for r in rows):,} with a region, "
          f"{sum(bool(r['topic']) for r in rows):,} with a topic\n")
    print(f"{'':24}" + "".join(f"{n:>12}" for n in names) + f"{'rows':>8}")
    for head in ("region", "topic"):
        first = results[names[0]][head]
        for label in ["all", *[k for k in first if k != "all"]]:
            title = f"{head} accuracy" if label == "all" else f"  {label}"
            print(f"{title:24}" + "".join(f"{rate(results[n][head].get(label)):>12}" for n in names)
                  + f"{first[label][1]:>8}")
    if "no_place" in results[names[0]]:
        print()
        for n in names:
            no_place = results[n]["no_place"]
            correct = np.array([t == g for t, g, _ in no_place])
            scores = np.array([s for _, _, s in no_place])
            print(f"{n}: headlines naming no country, city, region or demonym, with a BBC region: {len(no_place)}, "
                  f"accuracy {correct.mean():.3f}, mean region score {scores.mean():.3f}")
            confusion = Counter((t, g) for t, g, _ in no_place)
            predicted = sorted({g for _, g, _ in no_place}, key=list(REGIONS).index)
            print("  " + "true \\ predicted".ljust(16) + "".join(f"{g[:10]:>11}" for g in predicted))
            for t in sorted({t for t, _, _ in no_place}, key=list(REGIONS).index):
                print(f"  {t:16}" + "".join(f"{confusion[t, g]:>11}" for g in predicted))
    if ag is not None:
        print("\nAG News test titles, coarse agreement (7,600):")
        for label in ["all", *AG_CLASSES.values()]:
            print(f"  {label:22}" + "".join(f"{rate(results[n]['ag'][label]):>12}" for n in names))
    model = models["shipped"]
    home = measure(model, rows, None, home="Europe")
    adapted = measure(model, rows, None, adapt_priors=True)
    print(f"\nshipped model, region accuracy: default {rate(results['shipped']['region']['all'])}, "
          f"home=Europe {rate(home['region']['all'])}, adapted priors {rate(adapted['region']['all'])}")
    print(f"{'':24}{'default':>12}{'home':>12}{'adapted':>12}")
    for label in REGIONS:
        if label in home["region"]:
            print(f"  {label:22}{rate(results['shipped']['region'].get(label)):>12}"
                  f"{rate(home['region'].get(label)):>12}{rate(adapted['region'].get(label)):>12}")
    if args.errors:
        predictions = results["shipped"]["predictions"]
        for head in ("region", "topic"):
            errors = sorted(((getattr(p, f"{head}_score"), r[head], getattr(p, head), r["headline"])
                             for r, p in zip(rows, predictions) if r[head] and r[head] != getattr(p, head)),
                            reverse=True)[:args.errors]
            print(f"\n{args.errors} most confident {head} errors (score, BBC, ours, headline):")
            for score, truth, guess, headline in errors:
                print(f"  {score:.2f}  {truth:12} {guess:12} {headline}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
