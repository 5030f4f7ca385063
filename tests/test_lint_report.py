"""lint output formats (text, JSON, SARIF 2.1.0, JUnit) and exit codes."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from imr_rules.lint import VALIDATORS
from imr_rules.lint.findings import Finding
from imr_rules.lint.report import to_junit, to_sarif, to_text

from test_lint_helpers import add_fact, line_of, plant_rules, rule

FINDINGS = [
    Finding("unused-fact", "low", "fact 'x' is read by no rule", "rules/facts.yaml", 40),
    Finding("conflict", "high", "rules 'a' and 'b' both decide", "rules/a.yaml", 12),
    Finding("conflict", "high", "rules 'c' and 'd' both decide", "rules/a.yaml", 3),
]


def test_text_is_sorted_file_line_severity_validator_message():
    assert to_text(FINDINGS).splitlines() == [
        "rules/a.yaml:3: high conflict: rules 'c' and 'd' both decide",
        "rules/a.yaml:12: high conflict: rules 'a' and 'b' both decide",
        "rules/facts.yaml:40: low unused-fact: fact 'x' is read by no rule",
    ]


def test_sarif_has_the_registry_as_rules_and_located_results():
    log = json.loads(to_sarif(FINDINGS, VALIDATORS))
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [v.id for v in VALIDATORS]
    first = run["results"][0]
    assert first["ruleId"] == "unused-fact" and first["level"] == "note"
    assert first["message"]["text"] == "fact 'x' is read by no rule"
    loc = first["locations"][0]["physicalLocation"]
    assert loc == {"artifactLocation": {"uri": "rules/facts.yaml"}, "region": {"startLine": 40}}
    assert run["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == "unused-fact"
    assert [r["level"] for r in run["results"]] == ["note", "error", "error"]


def test_junit_one_testcase_per_validator_and_a_failure_per_finding():
    root = ET.fromstring(to_junit(FINDINGS, VALIDATORS))
    cases = root.findall("./testsuite/testcase")
    assert [c.get("name") for c in cases] == [v.id for v in VALIDATORS]
    failures = {c.get("name"): len(c.findall("failure")) for c in cases}
    assert failures["conflict"] == 2 and failures["unused-fact"] == 1
    assert sum(failures.values()) == 3
    assert root.find("testsuite").get("failures") == "2"


def test_cli_formats_and_fail_on(rules_copy, cli):
    rules, guidelines = rules_copy
    add_fact(rules, "unread")
    # Approves gym memberships where the MTUS contraindication rule (priority 10) denies them.
    plant_rules(rules, rule("twin", "{fact: exercise_contraindicated, is: true}", categories="[gym_membership]",
                            determination="medically_necessary", priority=10))
    args = ("lint", "--rules", rules, "--guidelines", guidelines)
    text = cli(*args)
    assert text.exit_code == 1
    mtus = rules / "mtus-chronic-pain-exercise.yaml"
    assert (f"{mtus}:{line_of(mtus, 'id: mtus-exercise-contraindicated')}: high conflict: rules "
            "'mtus-exercise-contraindicated' (not_medically_necessary) and 'twin' (medically_necessary") in text.output
    assert text.stdout.rstrip().endswith(f"2 findings (1 high, 1 low) from {len(VALIDATORS)} validators")
    as_json = cli(*args, "--format", "json")
    assert as_json.exit_code == 1
    assert sorted(f["validator"] for f in json.loads(as_json.stdout)) == ["conflict", "unused-fact"]
    sarif = json.loads(cli(*args, "--format", "sarif").stdout)
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"conflict", "unused-fact"}
    assert ET.fromstring(cli(*args, "--format", "junit").stdout).tag == "testsuites"
    # A conflict is high: --fail-on high still fails; only low findings never fail at medium.
    assert cli(*args, "--fail-on", "high").exit_code == 1
    # The conflict's witness and rules travel as data in JSON and as properties in SARIF.
    conflict = next(f for f in json.loads(as_json.stdout) if f["validator"] == "conflict")
    assert conflict["data"]["rules"] == ["mtus-exercise-contraindicated", "twin"]
    assert conflict["data"]["witness"] == {"exercise_contraindicated": True}
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "conflict")
    assert result["properties"]["witness"] == {"exercise_contraindicated": True}
    # --min-severity hides what is below it, says so, and exits on what it shows.
    high = cli(*args, "--min-severity", "high")
    assert "unused-fact" not in high.stdout and "high conflict" in high.stdout
    assert high.stdout.rstrip().endswith(f"1 findings (1 high) from {len(VALIDATORS)} validators; 1 below high not shown")
    assert [f["validator"] for f in json.loads(cli(*args, "--min-severity", "medium", "--format", "json").stdout)] \
        == ["conflict"]
    assert cli(*args, "--min-severity", "high", "--fail-on", "low").exit_code == 1


def test_unmatched_patterns_are_one_line_per_fact_in_text():
    def unmatched(line, pattern, group):
        return Finding("pattern-matches-no-letter", "low", f"pattern '{pattern}' of {group} ... matches none",
                       "rules/fact_patterns.yaml", line,
                       (("pattern", pattern), ("group", group), ("what", "match none of the 8 historical letters")))
    findings = [unmatched(90, r"\bb\b", "fact goals_documented"), unmatched(80, r"\ba\b", "fact goals_documented"),
                unmatched(100, r"\bc\b", "fact other"), FINDINGS[0]]
    assert to_text(findings).splitlines() == [
        "rules/fact_patterns.yaml:80: low pattern-matches-no-letter: 2 patterns of fact goals_documented match "
        "none of the 8 historical letters: '\\ba\\b' (line 80), '\\bb\\b' (line 90)",
        "rules/fact_patterns.yaml:100: low pattern-matches-no-letter: pattern '\\bc\\b' of fact other ... matches none",
        "rules/facts.yaml:40: low unused-fact: fact 'x' is read by no rule",
    ]
    assert len(json.loads(__import__("imr_rules.lint.report", fromlist=["to_json"]).to_json(findings))) == 4


def test_cli_shipped_rules_are_clean(cli):
    result = cli("lint", "--historical", "/nonexistent-folder-for-letters")
    assert result.exit_code == 0
    assert result.stdout == f"0 findings from {len(VALIDATORS)} validators\n"
