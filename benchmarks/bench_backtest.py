"""Letters per second for import + evaluate + compare (`imr-rules backtest`).

Text letters (default): generates a corpus of N letters (default 5,000) from
the historical letters in tests/historical (each copy varies the age and
dates, so no two files are identical). PDF letters (--pdf): N copies (default
1,160) of the 116 published letters in tests/historical/real/. Then times
`imr-rules backtest DIR --jobs 1` and `--jobs 2` as subprocesses, wall clock
including start-up, and the peak resident memory of the largest process
(the backtest is meant to hold the same memory at any number of letters).

Usage: python benchmarks/bench_backtest.py [--letters N] [--seed S] [--pdf]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HISTORICAL = ROOT / "tests" / "historical"


def generate(folder: Path, n: int, seed: int) -> int:
    rng = random.Random(seed)
    letters = sorted(HISTORICAL.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in letters]
    for i in range(n):
        k = i % len(texts)
        text = texts[k]
        text = re.sub(r"\b(\d{2})([- ]year[- ]old)", lambda m: f"{rng.randint(20, 80)}{m.group(2)}", text, count=1)
        text = re.sub(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b",
                      lambda m: f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(2000, 2014)}", text)
        (folder / f"{letters[k].stem}-{i:05d}.txt").write_text(text, encoding="utf-8")
    return n


def copy_pdfs(folder: Path, n: int) -> int:
    pdfs = sorted((HISTORICAL / "real").glob("*.pdf"))
    for i in range(n):
        src = pdfs[i % len(pdfs)]
        (folder / f"{src.stem}-{i:05d}.pdf").write_bytes(src.read_bytes())
    return n


def run(args: list[str]) -> tuple[float, float | None]:
    """Seconds of wall clock, and the peak resident memory in MiB of the largest process
    (the command or one of its workers; what /usr/bin/time -v reports) where the OS says."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "imr_rules.cli", *args], stdout=subprocess.DEVNULL,
                                stderr=err, cwd=ROOT)
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(proc.pid, 0)
            returncode = os.waitstatus_to_exitcode(status)
            # ru_maxrss is in KiB on Linux, in bytes on macOS.
            peak = usage.ru_maxrss / (2 ** 20 if sys.platform == "darwin" else 2 ** 10)
        else:
            returncode, peak = proc.wait(), None
        elapsed = time.perf_counter() - start
        if returncode not in (0, 1):
            err.seek(0)
            sys.exit(f"backtest failed ({returncode}): {err.read(2000).decode(errors='replace')}")
    return elapsed, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--letters", type=int, default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pdf", action="store_true", help="the published PDF letters instead of text letters")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "letters"
        corpus.mkdir()
        if args.pdf:
            n = copy_pdfs(corpus, args.letters or 1160)
        else:
            n = generate(corpus, args.letters or 5000, args.seed)
        rows = []
        for jobs in (1, 2):
            report = Path(tmp) / f"report-{jobs}.json"
            secs, peak = run(["backtest", str(corpus), "--jobs", str(jobs), "--json", str(report)])
            summary = json.loads(report.read_text())["summary"]
            rows.append((jobs, secs, peak, summary))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    source = ("copies of the 116 published PDF letters" if args.pdf
              else f"text letters generated from {len(list(HISTORICAL.glob('*.txt')))} historical letters")
    print(f"letters: {n} {source}; {cores} cores; Python {sys.version.split()[0]}")
    print(f"{'run':<28}{'seconds':>9}{'letters/s':>11}{'per core':>10}{'max MiB':>9}  items / covered / agreement")
    for jobs, secs, peak, s in rows:
        print(f"{'backtest --jobs ' + str(jobs):<28}{secs:>9.2f}{n / secs:>11,.0f}{n / secs / jobs:>10,.0f}"
              f"{'n/a' if peak is None else f'{peak:.1f}':>9}  {s['items']} / {s['covered']} / {s['agreement']}")
    goal = 50 if args.pdf else 500
    print(f"speed-up --jobs 2 over --jobs 1: {rows[0][1] / rows[1][1]:.2f}x (goal: >= {goal} letters/s per core)")


if __name__ == "__main__":
    main()
