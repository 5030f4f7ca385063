"""imr-rules test: rule examples through the real pipeline, and branch coverage."""

from __future__ import annotations

from conftest import HISTORICAL
from imr_rules.coverage import coverage, render_coverage
from imr_rules.examples_runner import run_examples
from imr_rules.loader import load_rulebase

from test_lint_helpers import line_of, plant_rules, rule


def test_every_example_passes_and_every_active_rule_has_one(rb):
    results = run_examples(rb)
    assert [r.test_id for r in results if r.failed or r.skipped] == []
    assert {r.rule.id for r in results} == {r.id for r in rb.active_rules}


def test_cli_reports_pass_count(cli, rb):
    result = cli("test")
    assert result.exit_code == 0
    n = sum(len(r.examples) for r in rb.active_rules)
    assert result.stdout == f"{n} passed, 0 failed\n"


def test_wrong_determination_and_wrong_deciding_rule_fail_like_pytest(rules_copy, cli):
    rules, guidelines = rules_copy
    mtus = rules / "mtus-chronic-pain-exercise.yaml"
    text = mtus.read_text()
    # The knee kit example of the goals rule now claims the need rule decides it.
    text = text.replace("expect: {determination: not_medically_necessary, deciding_rule: "
                        "mtus-equipment-goals-not-documented}",
                        "expect: {determination: not_medically_necessary, deciding_rule: "
                        "mtus-equipment-need-not-documented}")
    # The approved kit example now expects a denial.
    text = text.replace("expect: {determination: medically_necessary, deciding_rule: "
                        "mtus-equipment-criteria-documented}",
                        "expect: {determination: not_medically_necessary}")
    mtus.write_text(text)
    result = cli("test", "--rules", rules, "--guidelines", guidelines)
    assert result.exit_code == 1
    knee = line_of(mtus, "- name: Knee home exercise kit")
    kit = line_of(mtus, "- name: Home exercise kit (stability ball")
    lines = result.stdout.splitlines()
    assert (f"FAILED {mtus}:{knee}::mtus-equipment-goals-not-documented[example 1] - expected "
            "not_medically_necessary decided by mtus-equipment-need-not-documented, got not_medically_necessary "
            "decided by mtus-equipment-goals-not-documented") in lines
    assert (f"FAILED {mtus}:{kit}::mtus-equipment-criteria-documented[example 1] - expected "
            "not_medically_necessary, got medically_necessary decided by mtus-equipment-criteria-documented") in lines
    assert lines[-1].endswith(" passed, 2 failed")


def test_deciding_rule_null_means_no_rule_decides(rules_copy):
    rules, guidelines = rules_copy
    ok = ("    examples:\n      - name: Gym membership\n        facts: {exercise_contraindicated: false}\n"
          "        expect: {determination: insufficient_information, deciding_rule: null}\n"
          "      - name: Gym membership\n        facts: {exercise_contraindicated: true}\n"
          "        expect: {determination: not_medically_necessary, deciding_rule: null}\n")
    plant_rules(rules, rule("extra", "{fact: exercise_contraindicated, is: true}", categories="[gym_membership]",
                            priority=10, examples=ok))
    results = {r.number: r for r in run_examples(load_rulebase(rules, guidelines)) if r.rule.id == "extra"}
    assert results[1].failure is None
    assert results[2].failure == ("expected not_medically_necessary decided by no rule, got not_medically_necessary "
                                  "decided by mtus-exercise-contraindicated, extra")


def test_examples_of_draft_rules_are_skipped(rules_copy, cli):
    rules, guidelines = rules_copy
    plant_rules(rules, rule("drafty", "{fact: goals_documented, is: false}", status="draft",
                            determination="medically_necessary"))
    result = cli("test", "--rules", rules, "--guidelines", guidelines)
    assert result.exit_code == 0
    assert result.stdout.rstrip().endswith("0 failed, 1 skipped (rules not active)")


def test_coverage_marks_outcomes_seen_by_examples_and_historical_cases(rb, tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("case_id: c1\nitems:\n  - {id: i1, name: Gym membership}\n"
                    "facts: {exercise_contraindicated: false}\n")
    cov = coverage(rb, [str(tmp_path)])
    by_rule = {rc.rule.id: rc for rc in cov.rules}
    contra = by_rule["mtus-exercise-contraindicated"].branches[0]
    # The examples only ever state the contraindication as true or leave it out.
    assert contra.seen[True] == {"E"} and contra.seen[None] == {"E"}
    assert contra.seen[False] == {"H"}
    gym = by_rule["odg-low-back-gym-criteria-documented"]
    assert [b.label for b in gym.branches] == ["all", "equipment_need_documented == true",
                                               "goals_documented == true", "outcome_monitoring_documented == true"]
    assert gym.branches[0].seen[None] == {"H"}       # the case states none of the criteria
    text = render_coverage(cov)
    assert "exercise_contraindicated == true" in text and "false[-H]" in text
    total, by_examples, by_any = cov.totals()
    assert by_examples < by_any <= total


def test_coverage_cli_with_a_case_folder(cli, tmp_path):
    (tmp_path / "c.yaml").write_text("case_id: c\nitems:\n  - {id: i, name: Knee exercise kit}\n")
    (tmp_path / "notes.yaml").write_text("just: notes\n")
    result = cli("test", "--coverage", tmp_path)
    assert result.exit_code == 0
    assert "branch outcomes exercised:" in result.output
    assert f"note: skipped {tmp_path / 'notes.yaml'}:" in result.output


def test_coverage_reads_letters(rb):
    cov = coverage(rb, [str(HISTORICAL / "dev-05-contraindicated.txt")])
    contra = next(rc for rc in cov.rules if rc.rule.id == "mtus-exercise-contraindicated")
    assert contra.decided == {"E", "H"} and contra.branches[0].seen[True] == {"E", "H"}
    assert cov.notes == []


def test_coverage_counts_a_letter_and_its_case_file_once(rb, tmp_path):
    """The reviewed case file stands for its letter: the letter is not read as well."""
    (tmp_path / "x.txt").write_text("not a letter: reading it would add a note\n")
    (tmp_path / "x.yaml").write_text("case_id: x\nitems:\n  - {id: i, name: Gym membership}\n")
    assert coverage(rb, [str(tmp_path)]).notes == []
