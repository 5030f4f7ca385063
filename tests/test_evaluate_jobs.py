"""evaluate --jsonl --jobs N: worker processes give the same bytes, errors and exit code as one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from imr_rules import bulk

ROOT = Path(__file__).resolve().parent.parent


def _lines() -> list[str]:
    """Cases in JSON lines: the bundled examples with their facts varied, and bad lines among them."""
    examples = [yaml.safe_load(p.read_text()) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    out = []
    for i in range(2 * bulk.CHUNK + 40):
        case = dict(examples[i % len(examples)], case_id=f"case-{i}")
        facts = dict(case.get("facts") or {})
        for j, key in enumerate(sorted(facts)):
            if isinstance(facts[key], bool) and (i >> j) & 1:
                facts[key] = not facts[key]         # a different draft now and then
        case["facts"] = facts
        out.append(json.dumps(case, default=str))
        if i % 97 == 5:
            out.append("{not json")
        if i % 131 == 7:
            out.append(json.dumps({"case_id": "x", "items": [{"name": "kit"}], "facts": {"no_such_fact": 1}}))
        if i % 150 == 9:
            out.append("   ")
    return out


def _evaluate(tmp_path: Path, jobs: int, *paths) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "imr_rules.cli", "evaluate", "--jsonl", "--jobs", str(jobs),
                           *map(str, paths)], capture_output=True, env=env, cwd=tmp_path, timeout=300)


@pytest.mark.timeout(300, method="thread")
def test_workers_write_what_one_process_writes(tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(_lines()) + "\n")
    one = _evaluate(tmp_path, 1, cases, tmp_path / "missing.jsonl")
    two = _evaluate(tmp_path, 2, cases, tmp_path / "missing.jsonl")
    assert one.returncode == two.returncode == 2          # the bad lines and the missing file
    assert two.stdout == one.stdout
    assert two.stderr == one.stderr
    results = [json.loads(line) for line in one.stdout.splitlines()]
    assert len(results) == len([line for line in _lines() if line.strip()]) + 1
    assert sum("error" in r for r in results) >= 5
    assert len({json.dumps(r["items"]) for r in results if "items" in r}) > 2     # drafts differ


def test_a_long_input_goes_to_workers_and_a_short_one_does_not(monkeypatch, tmp_path):
    from imr_rules.evaluate import Evaluator
    from imr_rules.loader import load_rulebase
    started = []
    real = bulk.multiprocessing.get_context
    monkeypatch.setattr(bulk.multiprocessing, "get_context", lambda kind: started.append(kind) or real(kind))
    rb = load_rulebase()
    lines = _lines()
    short, long = tmp_path / "short.jsonl", tmp_path / "long.jsonl"
    short.write_text("\n".join(lines[:10]) + "\n")
    long.write_text("\n".join(lines) + "\n")
    folders = rb.rules_dir, rb.guidelines_dir        # what workers load (the fixture rule base here)
    inline = list(bulk.evaluate_lines([str(short)], rb, Evaluator(rb), 2, *folders))
    assert started == [] and len(inline) == 10
    pooled = list(bulk.evaluate_lines([str(long)], rb, Evaluator(rb), 2, *folders))
    assert started == ["spawn"]
    assert pooled == list(bulk.evaluate_lines([str(long)], rb, Evaluator(rb), jobs=1))


def test_jobs_without_jsonl_is_refused(cli):
    result = cli("evaluate", "--jobs", "2", ROOT / "examples" / "000_724941ea73516dbd.yaml")
    assert result.exit_code == 2
    assert "--jobs works with --jsonl only" in result.output
