"""Scale to a real guideline set: evaluate, start-up, lint and backtest on generated rule bases.

Every measurement runs this checkout ("ours") and, with --base REV, the same
commands of another revision of this repository (extracted with git archive
into a temporary folder, run with the same interpreter) in the same run,
alternating, so the ratios hold on a busy machine. Figures are medians.

- evaluate: `imr-rules evaluate --jsonl` on ITEMS generated items (cases of
  1-4 items; each fact the items' rules read stated with probability 0.5)
  at 1, 10, 100 and 500 rules per item category (10 categories); items/s
  end to end, in one process and with --jobs (one worker per core), and
  ours' engine share (the engine calls it made, replayed);
- start-up: one case through the CLI at 1,000 and 5,000 rules, ours with
  the rule base cache off (a first run) and on (a later one);
- lint: `imr-rules lint --format json` at 100 and 1,000 rules with up to 12
  facts per rule; seconds and findings left "not checked";
- backtest: peak memory of `imr-rules backtest DIR --json F --junit F`
  over LETTERS generated letters (/usr/bin/time's maximum resident size).

The rule bases have 200 facts (the cap of older versions) and carry excerpt
checksums only for ours. Usage:

    python benchmarks/bench_scale.py [--base REV] [--items 10000] [--runs 3]
        [--only evaluate,startup,lint,backtest] [--letters 2000,16000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from rulegen import generate, generated_case_lines  # noqa: E402

CATEGORIES = 10


class Version:
    """A version of imr-rules to run: this checkout, or a revision extracted to a folder."""

    def __init__(self, name: str, root: Path):
        self.name, self.root = name, root

    def command(self, *args) -> list[str]:
        return [sys.executable, "-m", "imr_rules.cli", *map(str, args)]

    def env(self, cache: bool = True) -> dict:
        env = dict(os.environ, PYTHONPATH=str(self.root), PYTHONHASHSEED="0")
        if not cache:
            env["IMR_RULES_CACHE"] = "off"
        return env

    def run(self, *args, cache: bool = True, stdin=None, check=True, timeout=1800,
            output: Path | None = None) -> tuple[float, subprocess.CompletedProcess]:
        """Seconds of one run; ``output``: a file for its standard output (as a user redirects
        a bulk run), else it is captured through a pipe."""
        start = time.perf_counter()
        if output is not None:
            with open(output, "wb") as out:
                proc = subprocess.run(self.command(*args), env=self.env(cache), cwd=self.root, stdout=out,
                                      stderr=subprocess.PIPE, stdin=stdin, timeout=timeout)
        else:
            proc = subprocess.run(self.command(*args), env=self.env(cache), cwd=self.root, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, stdin=stdin, timeout=timeout)
        elapsed = time.perf_counter() - start
        if check and proc.returncode not in (0, 1):
            sys.exit(f"{self.name}: {' '.join(map(str, args))} failed ({proc.returncode}): {proc.stderr[-2000:]!r}")
        return elapsed, proc

    def peak(self, *args) -> tuple[float, float]:
        """(seconds, peak resident MiB) of one run."""
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", *self.command(*args)], env=self.env(), cwd=self.root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            sys.exit(f"{self.name}: backtest failed: {proc.stderr[-2000:]}")
        return elapsed, int(proc.stderr.strip().splitlines()[-1]) / 1024


def extract(rev: str, folder: Path) -> Path:
    archive = folder / "base.tar"
    subprocess.run(["git", "archive", "--format=tar", "-o", str(archive), rev], cwd=ROOT, check=True)
    with tarfile.open(archive) as t:
        t.extractall(folder / "base", filter="data")
    return folder / "base"


def rulebase(tmp: Path, per_category: int, categories: int = CATEGORIES) -> tuple[Path, Path]:
    """(ours, without checksums) copies of one generated rule base."""
    out = []
    for checksums in (True, False):
        folder = tmp / f"rb-{categories}x{per_category}-{'ours' if checksums else 'plain'}"
        if not folder.exists():
            generate(folder, categories=categories, rules_per_category=per_category, facts=200, seed=1,
                     checksums=checksums)
        out.append(folder)
    return out[0], out[1]


def alternate(runs: int, *commands) -> list[list[float]]:
    """Seconds of each command, run in turn ``runs`` times (A B A B ...)."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for i, command in enumerate(commands):
            times[i].append(command())
    return times


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def bench_evaluate(ours: Version, base: Version | None, tmp: Path, items: int, runs: int) -> None:
    print(f"\nevaluate --jsonl, {items} items, {CATEGORIES} categories (medians of {runs}; seconds, items/s)")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    print(f"{'rules/category':>15}{'ours s':>9}{'items/s':>10}{'engine':>9}{'x engine':>10}"
          + (f"{f'-j {cores} s':>9}{'items/s':>10}" if cores > 1 else "")
          + (f"{'base s':>9}{'items/s':>10}{'base/ours':>11}" if base else ""))
    for per in (1, 10, 100, 500):
        mine, plain = rulebase(tmp, per)
        cases = mine / "cases.jsonl"
        if not cases.exists():
            cases.write_text("\n".join(generated_case_lines(mine, items)) + "\n")
        n_base = items if per < 500 else max(1000, items // 5)
        base_cases = plain / "cases.jsonl"
        if base and not base_cases.exists():
            base_cases.write_text("\n".join(generated_case_lines(mine, n_base)) + "\n")
        # Results go to a file, as `evaluate --jsonl cases > results` writes them: a pipe read
        # by this process would share the cores with the run.
        out = tmp / "results.jsonl"
        commands = [lambda: ours.run("evaluate", "--jsonl", cases, "--rules", mine / "rules", "--guidelines",
                                     mine / "guidelines", output=out)[0]]
        if cores > 1:       # --jobs: one worker per core
            commands.append(lambda: ours.run("evaluate", "--jsonl", "--jobs", cores, cases, "--rules", mine / "rules",
                                             "--guidelines", mine / "guidelines", output=out)[0])
        if base:
            commands.append(lambda: base.run("evaluate", "--jsonl", base_cases, "--rules", plain / "rules",
                                             "--guidelines", plain / "guidelines", output=out)[0])
        times = alternate(runs if per < 500 or not base else 1, *commands)
        engine = _engine_share(mine, cases)
        line = (f"{per:>15}{median(times[0]):>9.2f}{items / median(times[0]):>10,.0f}{engine:>9.2f}"
                f"{median(times[0]) / engine:>10.2f}")
        if cores > 1:
            line += f"{median(times[1]):>9.2f}{items / median(times[1]):>10,.0f}"
        if base:
            t = times[-1]
            line += f"{median(t):>9.2f}{n_base / median(t):>10,.0f}" \
                    f"{(median(t) / n_base) / (median(times[0]) / items):>11.1f}"
        print(line, flush=True)


def _engine_share(rb_dir: Path, cases: Path) -> float:
    """Seconds of the engine calls ours makes for these cases, replayed alone (best of 3)."""
    code = (
        "import sys, time\n"
        "from imr_rules.loader import load_rulebase\nfrom imr_rules.evaluate import Evaluator\n"
        "from imr_rules.engine import raw_loop\nfrom imr_rules.inputs import jsonl_cases\n"
        f"rb = load_rulebase({str(rb_dir / 'rules')!r}, {str(rb_dir / 'guidelines')!r})\n"
        "ev = Evaluator(rb)\nev.engine.trace = []\n"
        f"for _, _, case in jsonl_cases([{str(cases)!r}], rb): ev.evaluate_json(case)\n"
        "trace = ev.engine.trace; ev.engine.trace = None\nbest = 1e9\n"
        "for _ in range(3):\n    t = time.perf_counter(); raw_loop(trace); best = min(best, time.perf_counter() - t)\n"
        "print(best)\n")
    out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return float(out.split()[-1])


def bench_startup(ours: Version, base: Version | None, tmp: Path, runs: int) -> None:
    print(f"\none case through the CLI (medians of {runs}; seconds)")
    print(f"{'rules':>7}{'ours, first run':>17}{'ours, later':>13}" + (f"{'base':>9}{'base/ours later':>17}" if base else ""))
    for categories, per in ((10, 100), (50, 100)):
        mine, plain = rulebase(tmp, per, categories)
        case = tmp / "one.json"
        name = json.loads((mine / "manifest.json").read_text())["items"]
        case.write_text(json.dumps({"case_id": "one", "items": [{"name": sorted(name)[0]}]}))
        ours.run("evaluate", case, "--rules", mine / "rules", "--guidelines", mine / "guidelines")  # fill the cache
        commands = [
            lambda: ours.run("evaluate", case, "--rules", mine / "rules", "--guidelines", mine / "guidelines",
                             cache=False)[0],
            lambda: ours.run("evaluate", case, "--rules", mine / "rules", "--guidelines", mine / "guidelines")[0]]
        if base:
            commands.append(lambda: base.run("evaluate", case, "--rules", plain / "rules", "--guidelines",
                                             plain / "guidelines")[0])
        times = alternate(runs, *commands)
        line = f"{categories * per:>7}{median(times[0]):>17.2f}{median(times[1]):>13.2f}"
        if base:
            line += f"{median(times[2]):>9.2f}{median(times[2]) / median(times[1]):>17.1f}"
        print(line, flush=True)


def bench_lint(ours: Version, base: Version | None, tmp: Path, runs: int) -> None:
    print("\nlint --format json, up to 12 facts per rule (seconds; findings not checked)")
    print(f"{'rules':>7}{'ours s':>9}{'unchecked':>11}{'findings':>10}" + (f"{'base s':>9}{'unchecked':>11}" if base else ""))
    for categories, per in ((1, 100), (10, 100)):
        mine, plain = rulebase(tmp, per, categories)
        results = {}

        def lint(version, folder, key):
            def go():
                secs, proc = version.run("lint", "--format", "json", "--rules", folder / "rules", "--guidelines",
                                         folder / "guidelines", "--historical", tmp / "no-letters")
                results[key] = json.loads(proc.stdout)
                return secs
            return go
        commands = [lint(ours, mine, "ours")] + ([lint(base, plain, "base")] if base else [])
        times = alternate(runs if categories == 1 else 1, *commands)
        unchecked = lambda k: sum("not checked" in f["message"] for f in results[k])  # noqa: E731
        line = f"{categories * per:>7}{median(times[0]):>9.2f}{unchecked('ours'):>11}{len(results['ours']):>10}"
        if base:
            line += f"{median(times[1]):>9.2f}{unchecked('base'):>11}"
        print(line, flush=True)


def bench_backtest(ours: Version, base: Version | None, tmp: Path, sizes: list[int]) -> None:
    from bench_backtest import generate as letters
    print("\nbacktest DIR --jobs 1 --json F --junit F (peak resident MiB; seconds)")
    print(f"{'letters':>9}{'ours MiB':>10}{'ours s':>9}" + (f"{'base MiB':>10}{'base s':>9}" if base else ""))
    for n in sizes:
        corpus = tmp / f"letters-{n}"
        if not corpus.exists():
            corpus.mkdir()
            letters(corpus, n, 1)
        row = []
        for version in [ours] + ([base] if base else []):
            secs, mib = version.peak("backtest", corpus, "--jobs", "1", "--json", tmp / "bt.json", "--junit",
                                     tmp / "bt.xml", "--force")
            row += [mib, secs]
        print(f"{n:>9}" + "".join(f"{row[i]:>10.1f}{row[i + 1]:>9.1f}" for i in range(0, len(row), 2)), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", help="a git revision to compare with (e.g. main)")
    ap.add_argument("--items", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="evaluate,startup,lint,backtest")
    ap.add_argument("--letters", default="2000,16000")
    ap.add_argument("--keep", type=Path, help="generate into (and reuse) this folder instead of a temporary one")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        ours = Version("ours", ROOT)
        base = Version(args.base, extract(args.base, Path(scratch))) if args.base else None
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(f"Python {sys.version.split()[0]}; {cores} cores; base: {args.base or 'none'}")
        only = set(args.only.split(","))
        if "evaluate" in only:
            bench_evaluate(ours, base, tmp, args.items, args.runs)
        if "startup" in only:
            bench_startup(ours, base, tmp, args.runs)
        if "lint" in only:
            bench_lint(ours, base, tmp, args.runs)
        if "backtest" in only:
            bench_backtest(ours, base, tmp, [int(n) for n in args.letters.split(",")])


if __name__ == "__main__":
    main()
