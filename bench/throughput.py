"""Labelling throughput: ``newsml label`` end to end vs bare ``model.predict`` vs a plain TF-IDF + LinearSVC.

    python bench/throughput.py [--rows 1000000] [--jobs 2] [--model models/newsml] [--previous DIR]

Makes a CSV of headlines by recombining corpus headlines (first half of one, second half of another),
then, in one run: the CLI end to end (process start to exit, output written), the shipped model's
``predict`` and ``predict_proba`` over the same list in memory (one process, one core), one headline at
a time, and scikit-learn's ``TfidfVectorizer`` + ``LinearSVC`` (one head) predicting the same list.
Also the start-up cost (labelling a 16-line file end to end) and ``load_model`` time. Peak RSS is
summed over the CLI's process tree. With ``--previous`` (another model directory, e.g. the last release's),
the two models' ``predict_proba`` and ``load_model`` are timed in turns in this one process, so that a
drift of the machine's speed cannot pass for a change of the model's. Prints a table; asserts nothing.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_headlines(n: int, seed: int = 0) -> list[str]:
    with open(ROOT / "seeds" / "headlines.csv", encoding="utf-8", newline="") as handle:
        corpus = [r["headline"].split() for r in csv.DictReader(handle)]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        a, b = rng.choice(corpus), rng.choice(corpus)
        out.append(" ".join(a[: len(a) // 2] + b[len(b) // 2:]))
    return out


def run_measured(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) summed over the process tree, sampled every 50 ms."""
    import psutil

    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        root = psutil.Process(process.pid)
        while not done.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree))
            except psutil.Error:
                pass
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    done.set()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err.decode()}")
    return seconds, peak / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    parser.add_argument("--previous", default=None, help="another model directory to compare with, in turns")
    args = parser.parse_args()

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    from newsml.modelfile import bundled_path, load_model_file

    headlines = make_headlines(args.rows)
    loads = []
    for _ in range(5):
        started = time.perf_counter()
        model = load_model_file(args.model or bundled_path("newsml"))
        loads.append(time.perf_counter() - started)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "big.csv", Path(tmp) / "out.csv"
        with open(source, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "headline"])
            writer.writerows(enumerate(headlines))
        cli = [sys.executable, "-m", "newsml.cli", "label", str(source), "-o", str(target), "--quiet"]
        if args.model:
            cli += ["--model", args.model]
        for jobs in sorted({1, args.jobs}):
            seconds, rss = run_measured(cli + ["--jobs", str(jobs)])
            rows.append((f"newsml label big.csv -o out.csv --jobs {jobs}", args.rows / seconds, rss))
        with open(target, encoding="utf-8") as handle:
            assert sum(1 for _ in handle) == args.rows + 1, "output rows != input rows"

        small = Path(tmp) / "front.txt"
        small.write_text("\n".join(headlines[:16]) + "\n", encoding="utf-8")
        startup = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run(cli[:4] + [str(small), "--quiet"] + (["--model", args.model] if args.model else []),
                           check=True, stdout=subprocess.DEVNULL)
            startup.append(time.perf_counter() - started)

    # Steady-state speed: the caches of tokens and names are warmed on 20,000 headlines first (the CLI
    # figures above include everything). predict_proba runs first: a million predictions, once freed,
    # leave the heap fragmented and slow whatever runs after them in the same process by 5-10%.
    model.predict_proba(headlines[:20_000])
    started = time.perf_counter()
    model.predict_proba(headlines)
    proba = args.rows / (time.perf_counter() - started)
    started = time.perf_counter()
    model.predict(headlines)
    bare = args.rows / (time.perf_counter() - started)
    rows.append(("bare model.predict, in memory, 1 process", bare, None))
    rows.append(("bare model.predict_proba, in memory, 1 process", proba, None))
    singles = headlines[:2000]
    started = time.perf_counter()
    for headline in singles:
        model.predict(headline)
    single_ms = (time.perf_counter() - started) / len(singles) * 1000

    with open(ROOT / "seeds" / "headlines.csv", encoding="utf-8", newline="") as handle:
        corpus = list(csv.DictReader(handle))
    plain_vectorizer = TfidfVectorizer().fit([r["headline"] for r in corpus])
    plain = LinearSVC().fit(plain_vectorizer.transform([r["headline"] for r in corpus]), [r["region"] for r in corpus])
    started = time.perf_counter()
    plain.predict(plain_vectorizer.transform(headlines))
    rows.append(("TfidfVectorizer + LinearSVC, 1 head, in memory", args.rows / (time.perf_counter() - started), None))

    print(f"{args.rows:,} recombined headlines; {os.cpu_count()} cores\n")
    print(f"{'system':50} {'headlines/s':>12} {'vs bare predict':>16} {'peak RSS MB':>12}")
    for name, rate, rss in rows:
        print(f"{name:50} {rate:12,.0f} {rate / bare:15.2f}x {'' if rss is None else f'{rss:12,.0f}'}")
    print(f"\nstart-up: labelling a 16-line file end to end, median of 5: {statistics.median(startup):.2f} s "
          f"(min {min(startup):.2f} s)")
    print(f"one headline at a time: model.predict(headline) {single_ms:.3f} ms (mean of {len(singles):,})")
    print(f"load_model of the default model: median of 5 {statistics.median(loads):.3f} s")
    if args.previous:
        compare_in_turns({"shipped": args.model or str(bundled_path("newsml")), "previous": args.previous},
                         headlines[:200_000])
    return 0


def compare_in_turns(directories: dict[str, str], headlines: list[str], rounds: int = 2) -> None:
    """predict_proba speed and median load time of each model, measured in turns (ABAB) in one process."""
    from newsml.modelfile import load_model_file

    speeds: dict[str, list[float]] = {name: [] for name in directories}
    loads: dict[str, list[float]] = {name: [] for name in directories}
    for _ in range(rounds):
        for name, directory in directories.items():
            for _ in range(3):
                started = time.perf_counter()
                model = load_model_file(directory)
                loads[name].append(time.perf_counter() - started)
            model.predict_proba(headlines[:20_000])
            started = time.perf_counter()
            model.predict_proba(headlines)
            speeds[name].append(len(headlines) / (time.perf_counter() - started))
    print(f"\nin turns, {len(headlines):,} headlines, {rounds} rounds:")
    for name in directories:
        print(f"  {name:9} predict_proba " + ", ".join(f"{v:,.0f}" for v in speeds[name])
              + f" headlines/s; load_model median {statistics.median(loads[name]):.3f} s")


if __name__ == "__main__":
    sys.exit(main())
