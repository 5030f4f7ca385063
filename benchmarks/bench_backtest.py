"""Letters per second for import + evaluate + compare (`imr-rules backtest`).

Text letters (default): generates a corpus of N letters (default 5,000) from
the historical letters in tests/historical (each copy varies the age and
dates, so no two files are identical). PDF letters (--pdf): N copies (default
1,160) of the 116 published letters in tests/historical/real/. Then times
`imr-rules backtest DIR --jobs 1` and `--jobs 2` as subprocesses, wall clock
including start-up.

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


def run(args: list[str]) -> tuple[float, dict]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "imr_rules.cli", *args], capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"backtest failed ({proc.returncode}): {proc.stderr[:2000]}")
    return elapsed, proc


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
            secs, _ = run(["backtest", str(corpus), "--jobs", str(jobs), "--json", str(report)])
            summary = json.loads(report.read_text())["summary"]
            rows.append((jobs, secs, summary))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    source = ("copies of the 116 published PDF letters" if args.pdf
              else f"text letters generated from {len(list(HISTORICAL.glob('*.txt')))} historical letters")
    print(f"letters: {n} {source}; {cores} cores; Python {sys.version.split()[0]}")
    print(f"{'run':<28}{'seconds':>9}{'letters/s':>11}{'per core':>10}  items / covered / agreement")
    for jobs, secs, s in rows:
        print(f"{'backtest --jobs ' + str(jobs):<28}{secs:>9.2f}{n / secs:>11,.0f}{n / secs / jobs:>10,.0f}  "
              f"{s['items']} / {s['covered']} / {s['agreement']}")
    goal = 50 if args.pdf else 500
    print(f"speed-up --jobs 2 over --jobs 1: {rows[0][1] / rows[1][1]:.2f}x (goal: >= {goal} letters/s per core)")


if __name__ == "__main__":
    main()
