"""Throughput of `imr-rules evaluate --jsonl` against the raw durable_rules loop.

Generates 20,000 items (in cases of 1-4 items) with the bundled rules' item
names and facts, then measures in the same run:

- raw:  the engine calls the evaluator makes for these items (every assert
        into a ruleset, reading its firings, retracting the fact), recorded
        and replayed alone (engine.raw_loop) on the same compiled rules;
- host: the yardstick of earlier versions of this benchmark: durable's own
        Host API (assert_fact, delete_state, a Python callback per firing),
        every engine rule of the item's category, both sides;
- ours: `imr-rules evaluate --jsonl` as a subprocess, wall clock, including
        interpreter start-up, rule loading, JSON parsing and rendering;
- ours in-process: the same cases through Evaluator.evaluate_json;
- one case: wall clock of `imr-rules evaluate` on one seed case (median of 5).

Reports items/s and the ratio ours/raw time (goal: at most 1.5) and writes
nothing else. Usage: python benchmarks/bench_evaluate.py [--items N] [--seed S]
(benchmarks/bench_scale.py measures generated rule bases of 10 to 5,000 rules.)
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imr_rules.cases import parse_case_json_line  # noqa: E402
from imr_rules.engine import raw_loop  # noqa: E402
from imr_rules.evaluate import Evaluator  # noqa: E402
from imr_rules.loader import load_rulebase  # noqa: E402

NAMES = ["1 LUMBAR REHABILITATION KIT", "1 CERVICAL REHABILITATION KIT", "1 SHOULDER REHABILITATION KIT",
         "Home Exercise Kit (Exer ball, air pump, backnobber II, Exer Band Kit, Travel bag)",
         "Gym membership x 12 months", "Knee home exercise kit", "Exercise ball and resistance bands",
         "8 sessions of aquatic therapy", "tramadol 50mg #60"]
FACTS = ["equipment_need_documented", "goals_documented", "outcome_monitoring_documented", "exercise_contraindicated"]


def generate(n_items: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    lines, made = [], 0
    while made < n_items:
        k = min(rng.randint(1, 4), n_items - made)
        facts = {f: rng.choice([True, False]) for f in FACTS if rng.random() < 0.8}
        case = {"case_id": f"bench-{len(lines)}", "ur_decision": "non_certified",
                "items": [{"name": rng.choice(NAMES)} for _ in range(k)], "facts": facts}
        lines.append(json.dumps(case))
        made += k
    return lines


def host_loop(evaluator: Evaluator, cases) -> tuple[callable, int]:
    """A loop over the items through durable's Host API (see the module docstring), and its firings."""
    from durable import engine as durable

    from imr_rules.decision import classify
    from imr_rules.engine import RULESET_SIZE

    class Quiet(durable.Host):
        def _run(self):          # no background dispatch threads, as the project's own engine
            pass

    host, fired, rulesets = Quiet(), [0], {}
    definitions, by_category = {}, {}

    def count(_context):
        fired[0] += 1

    for category in evaluator.compiled.categories:
        rules = [r for side in ("holds", "fails") for r in getattr(evaluator.compiled.category(category), side)]
        for i in range(0, len(rules), RULESET_SIZE - 1):
            name = f"bench{len(definitions)}"
            chunk = {"_": {"all": [{"m": {"kind": "item"}}], "run": lambda c: None}}
            chunk.update({f"r{j}": {"all": [{"m": r.condition}], "run": count}
                          for j, r in enumerate(rules[i:i + RULESET_SIZE - 1])})
            definitions[name] = chunk
            by_category.setdefault(category, []).append(name)
    host.set_rulesets(definitions)
    facts = []
    for case in cases:
        for item in case.items:
            category, region = classify(evaluator.rb, item)
            compiled = evaluator.compiled.category(category)
            if compiled is not None:
                facts.append((by_category[category], compiled.fact("1", region, case.item_facts(item))))

    def loop():
        for names, fact in facts:
            for name in names:
                try:
                    host.assert_fact(name, fact)
                finally:
                    host.delete_state(name, "1")
    loop()
    return loop, fired[0]


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best is kept")
    args = ap.parse_args()
    cli = [sys.executable, "-m", "imr_rules.cli"]

    rb = load_rulebase()
    evaluator = Evaluator(rb)
    lines = generate(args.items, args.seed)
    cases = [parse_case_json_line(line, "bench", i, rb) for i, line in enumerate(lines, 1)]
    n = sum(len(c.items) for c in cases)
    # The engine calls of one evaluation, recorded; the caches are emptied so
    # that the timed runs below do the same work.
    evaluator.engine.trace = []
    for c in cases:
        evaluator.evaluate_json(c)
    trace, evaluator.engine.trace = evaluator.engine.trace, None

    def fresh():
        for cache in (evaluator._classified, evaluator._applicable, evaluator._texts, evaluator._json,
                      evaluator._verdicts, evaluator._undecided, evaluator._frames):
            cache.clear()
        return [evaluator.evaluate_json(c) for c in cases]

    host, host_firings = host_loop(evaluator, cases)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cases.jsonl"
        path.write_text("\n".join(lines) + "\n")
        raw = min(timed(lambda: raw_loop(trace)) for _ in range(args.repeat))
        hosted = min(timed(host) for _ in range(args.repeat))
        inproc = min(timed(fresh) for _ in range(args.repeat))
        ours = min(timed(lambda: subprocess.run(cli + ["evaluate", "--jsonl", str(path)], check=True,
                                                stdout=subprocess.DEVNULL, cwd=ROOT))
                   for _ in range(args.repeat))
    seed_case = str(ROOT / "examples" / "001_f0193407169a11a4.yaml")
    one = statistics.median(timed(lambda: subprocess.run(cli + ["evaluate", seed_case], check=True,
                                                         stdout=subprocess.DEVNULL, cwd=ROOT)) for _ in range(5))
    firings = raw_loop(trace)
    engine_rules = len(evaluator.compiled.engine_rules())

    print(f"items: {n} in {len(lines)} cases; {engine_rules} engine rules; {len(trace) / n:.2f} asserts and "
          f"{firings / n:.2f} rule firings per item (and the sentinels'); Python {sys.version.split()[0]}")
    print(f"{'measurement':<48}{'seconds':>10}{'items/s':>12}{'x raw':>8}{'x host':>8}")
    for label, secs in (("raw: the evaluator's engine calls, replayed", raw),
                        (f"host: durable Host loop, both sides ({host_firings / n:.1f} firings)", hosted),
                        ("evaluate in-process (decide + JSON)", inproc),
                        ("imr-rules evaluate --jsonl (subprocess)", ours)):
        print(f"{label:<48}{secs:>10.3f}{n / secs:>12,.0f}{secs / raw:>8.2f}{secs / hosted:>8.2f}")
    print(f"one case through the CLI (median of 5): {one:.3f} s wall")
    print(f"ours/raw {ours / raw:.2f}, ours/host {ours / hosted:.2f}  (goal of earlier versions: ours/host <= 1.5)")


if __name__ == "__main__":
    main()
