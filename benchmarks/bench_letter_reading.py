"""Letter reading is linear in the letter's size (normalize + the whole importer).

Times, in this process, the importer on letters of growing size built two
ways: a real letter whose case summary is repeated up to 1 MB, and the pathological
"reha-\\n" x N (a hyphenated line end on every line, which was quadratic:
4.3 s at 16k lines, over 120 s at 166k). Each size is 2x the one before, so
a linear reader shows a ratio near 2 from one row to the next (a quadratic
one near 4). Figures go into docs/performance.md.

Usage: python benchmarks/bench_letter_reading.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imr_rules.letters import LetterError, import_letter, load_fact_patterns, normalize  # noqa: E402

PATTERNS = load_fact_patterns(ROOT / "rules" / "fact_patterns.yaml")
SEED = (ROOT / "tests" / "historical" / "001_f0193407169a11a4.txt").read_text(encoding="utf-8")


def best_of(fn, text: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        try:
            fn(text)
        except LetterError:
            pass           # "reha-" x N is not a letter: reading it up to that verdict is what is timed
        best = min(best, time.perf_counter() - start)
    return best


def whole(text: str) -> None:
    import_letter(text, source_file="bench.txt", sha256="0" * 64, patterns=PATTERNS)


def table(title: str, make, sizes) -> None:
    print(title)
    print(f"{'bytes':>10}{'normalize s':>14}{'import s':>11}{'x prev':>8}")
    prev = None
    for size in sizes:
        text = make(size)
        n, w = best_of(normalize, text), best_of(whole, text)
        ratio = f"{w / prev:.2f}" if prev else "-"
        print(f"{len(text.encode()):>10,}{n:>14.3f}{w:>11.3f}{ratio:>8}")
        prev = w


def padded(size: int) -> str:
    """The seed letter grown to ``size`` bytes by repeating its clinical case summary."""
    head, sep, rest = SEED.partition("IMR ISSUES")
    summary = head[head.index("CLINICAL CASE SUMMARY"):]
    grow = max(0, size - len(SEED))
    return head + (summary * (grow // len(summary) + 1))[:grow] + sep + rest


def main() -> None:
    sizes = [1 << k for k in range(16, 21)]          # 64 KB .. 1 MB
    table("a real letter, its case summary repeated", padded, sizes)
    table('"reha-\\n" repeated', lambda size: "reha-\n" * (size // 6), sizes)


if __name__ == "__main__":
    main()
