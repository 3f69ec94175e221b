"""Peak memory of predicting a million headlines from a generator, in a fresh process.

    python bench/memory.py [--rows 1000000] [--model DIR]

``newsml.predict`` reads any iterable in chunks, so the features of a million headlines never exist at
once; what stays is the list of predictions returned. Prints rows, seconds and peak RSS; asserts nothing.
"""
from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    import newsml

    with open(ROOT / "seeds" / "headlines.csv", encoding="utf-8", newline="") as handle:
        corpus = [r["headline"].split() for r in csv.DictReader(handle)]
    rng = random.Random(0)

    def headlines():
        for _ in range(args.rows):
            a, b = rng.choice(corpus), rng.choice(corpus)
            yield " ".join(a[: len(a) // 2] + b[len(b) // 2:])

    model = newsml.load_model(args.model)
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    predictions = model.predict(headlines())
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"newsml.predict(generator of {len(predictions):,} headlines): {seconds:.1f} s; "
          f"peak RSS {peak:,.0f} MB (after loading the model: {loaded:,.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
