"""Interrupt loop: ``newsml label --jobs N`` stopped by SIGINT or SIGTERM at random moments, many times.

    python bench/interrupts.py [--runs 50] [--jobs 2] [--model DIR]

For each run: start labelling a large CSV with worker processes, wait a random 0.5-4 s, send SIGINT or
SIGTERM (alternating), and measure how long the process takes to exit, its exit code, whether any
output or temporary file is left, and whether any worker outlives it. Prints a summary; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
from collections import Counter
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    rng = random.Random(0)
    exits, codes, leftovers, orphans, hung = [], [], 0, 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "big.csv"
        with open(source, "w", encoding="utf-8") as handle:
            handle.write("id,headline\n")
            handle.writelines(f"{i},Quake {i} hits Peru as rescuers search rubble for survivors\n"
                              for i in range(1_500_000))
        for run in range(args.runs):
            folder = Path(tmp) / f"run{run}"
            folder.mkdir()
            command = [sys.executable, "-m", "newsml.cli", "label", str(source), "-o", str(folder / "out.csv"),
                       "--jobs", str(args.jobs), "-q"] + (["--model", args.model] if args.model else [])
            # SIGINT's default action, as in a terminal (a shell's background job starts with it ignored)
            process = subprocess.Popen(command, stderr=subprocess.DEVNULL,
                                       preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
            time.sleep(rng.uniform(0.5, 4.0))
            family = [process.pid] + [c.pid for c in psutil.Process(process.pid).children(recursive=True)]
            sig = (signal.SIGINT, signal.SIGTERM)[run % 2]
            sent = time.perf_counter()
            process.send_signal(sig)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                hung += 1
                process.kill()
                process.wait()
            exits.append(time.perf_counter() - sent)
            codes.append((sig.name, process.returncode))
            leftovers += bool(list(folder.iterdir()))
            time.sleep(0.2)
            survivors = [pid for pid in family[1:] if psutil.pid_exists(pid)
                         and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
            orphans += len(survivors)
            for pid in survivors:
                os.kill(pid, signal.SIGKILL)
    print(f"{args.runs} runs of newsml label --jobs {args.jobs}, interrupted after 0.5-4 s")
    print(f"exit after the signal: median {statistics.median(exits):.2f} s, max {max(exits):.2f} s; "
          f"runs over 2 s: {sum(e > 2 for e in exits)}; hung (killed after 60 s): {hung}")
    print(f"exit codes: {dict(sorted(Counter(codes).items()))}")
    print(f"runs that left a file behind: {leftovers}; workers that outlived their parent: {orphans}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
