"""Same inputs, byte-identical output, stamped with a fingerprint of the files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from imr_rules.loader import load_rulebase

SEEDS = [str(ROOT / "examples" / "000_724941ea73516dbd.yaml"), str(ROOT / "examples" / "001_f0193407169a11a4.yaml")]


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "imr_rules.cli", *args], capture_output=True, cwd=cwd, check=True,
                          env={"PYTHONHASHSEED": "random", "PATH": "/usr/bin:/bin"}).stdout


@pytest.mark.shipped
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


def test_fast_json_lines_equal_the_plain_rendering(evaluator):
    """evaluate_json (cached item texts) is byte-identical to rendering evaluate()."""
    import itertools

    from conftest import make_case
    from imr_rules.render import to_json
    names = ["1 LUMBAR REHABILITATION KIT", "Gym membership", "tramadol", "Home exercise kit", "knee kit"]
    values = [True, False, None]
    for i, (need, goals, contra) in enumerate(itertools.product(values, values, values)):
        facts = {"equipment_need_documented": need, "goals_documented": goals, "exercise_contraindicated": contra}
        facts = {k: v for k, v in facts.items() if v is not None}
        case = make_case(*names[: 1 + i % len(names)], facts=facts, ur_decision=[None, "non_certified"][i % 2])
        for _ in range(2):       # the second time comes from the cache
            assert evaluator.evaluate_json(case) == to_json(evaluator.evaluate(case), None)


def test_cached_item_frames_take_each_items_fired_rules(rules_copy):
    """Items decided alike share their JSON frame; the rules that hold (fired_rules) differ."""
    from conftest import make_case
    from imr_rules.evaluate import Evaluator
    from imr_rules.render import to_json
    from test_lint_helpers import plant_rules, rule
    rules, guidelines = rules_copy
    plant_rules(rules, rule("late-note", "{fact: outcome_monitoring_documented, is: true}",
                            categories="[gym_membership]", priority=99, examples=None))
    evaluator = Evaluator(load_rulebase(rules, guidelines))
    fired = []
    for monitoring in (True, False, None, True):
        facts = {"equipment_need_documented": False, "goals_documented": True}
        if monitoring is not None:
            facts["outcome_monitoring_documented"] = monitoring
        case = make_case("Gym membership", facts=facts)
        line = evaluator.evaluate_json(case)
        assert line == to_json(evaluator.evaluate(case), None)
        fired.append(json.loads(line)["items"][0]["fired_rules"])
    assert fired[0] != fired[1] and "late-note" in fired[0] and "late-note" not in fired[1]
