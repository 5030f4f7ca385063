"""Same inputs, byte-identical output, stamped with a fingerprint of the files."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT
from imr_rules.loader import load_rulebase

SEEDS = [str(ROOT / "examples" / "000_724941ea73516dbd.yaml"), str(ROOT / "examples" / "001_f0193407169a11a4.yaml")]


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "imr_rules.cli", *args], capture_output=True, cwd=cwd, check=True,
                          env={"PYTHONHASHSEED": "random", "PATH": "/usr/bin:/bin"}).stdout


def test_output_is_byte_identical_across_processes():
    for fmt in ("json", "text", "markdown"):
        first = run("evaluate", *SEEDS, "--format", fmt)
        assert first and first == run("evaluate", *SEEDS, "--format", fmt)


def test_fingerprint_follows_rule_and_guideline_content(rules_copy):
    rules, guidelines = rules_copy
    base = load_rulebase(rules, guidelines).fingerprint
    assert base == load_rulebase().fingerprint           # same bytes, same stamp, wherever they live
    path = rules / "odg-neck-exercise.yaml"
    path.write_text(path.read_text() + "\n# a comment is a change too\n")
    changed = load_rulebase(rules, guidelines).fingerprint
    assert changed != base
    g = guidelines / "odg-neck.yaml"
    g.write_text(g.read_text() + "\n")
    assert load_rulebase(rules, guidelines).fingerprint not in (base, changed)
