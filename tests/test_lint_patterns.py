"""lint: fact patterns (unknown facts, never matching a historical letter) and duplicate item patterns."""

from __future__ import annotations

from imr_rules.lint import lint
from imr_rules.loader import load_rulebase

from test_lint_helpers import line_of

LETTER = """ IMR ISSUES, DECISIONS AND RATIONALES

 Home exercise kit:  Upheld

 Decision rationale: In this case there is no documentation of the goals of the kit.
"""


def _patterns_file(rules, goals_topic: str, extra_fact: str = "") -> None:
    (rules / "fact_patterns.yaml").write_text(f"""version: 1
findings_start: ['\\bin this case\\b']
skip_clauses: ['\\bunless\\b']
clause_breaks: [';']
negation: ['\\bno\\b']
facts:
  goals_documented:
    topic:
      - '\\bgoals?\\b'
      - '{goals_topic}'
    affirm: ['\\bdocumented\\b']
{extra_fact}""")


def test_fact_pattern_matching_no_historical_letter(rules_copy, tmp_path):
    rules, guidelines = rules_copy
    _patterns_file(rules, "\\bzebra crossings?\\b")
    letters = tmp_path / "historical"
    letters.mkdir()
    (letters / "one.txt").write_text(LETTER)
    rb = load_rulebase(rules, guidelines)
    found = [f for f in lint(rb, [letters]) if f.validator == "pattern-matches-no-letter"]
    # '\bgoals?\b', '\bin this case\b' and '\bno\b' match the letter; ';', 'unless', 'documented' and the zebra do not.
    assert sorted(f.message.split("'")[1] for f in found) == [";", "\\bdocumented\\b", "\\bunless\\b",
                                                              "\\bzebra crossings?\\b"]
    zebra = next(f for f in found if "zebra" in f.message)
    assert zebra.line == line_of(rules / "fact_patterns.yaml", "zebra") and zebra.severity == "low"
    assert "fact goals_documented topic" in zebra.message
    # Without historical letters the check has nothing to say.
    assert not [f for f in lint(rb, []) if f.validator == "pattern-matches-no-letter"]


def test_fact_patterns_for_an_unknown_fact(rules_copy):
    rules, guidelines = rules_copy
    _patterns_file(rules, "\\baims?\\b", extra_fact="  goal_documented:\n    topic: ['\\bgoal\\b']\n    affirm: []\n")
    rb = load_rulebase(rules, guidelines)
    found = [f for f in lint(rb) if f.validator == "unresolved-reference"]
    assert [f.message for f in found] == ["fact patterns are given for unknown fact 'goal_documented'"]
    # The pattern loader keeps the line of the fact's entry (its key or its first line).
    assert found[0].line - line_of(rules / "fact_patterns.yaml", "goal_documented:") in (0, 1)


def test_unsafe_fact_pattern_is_invalid_input(rules_copy, cli):
    rules, guidelines = rules_copy
    _patterns_file(rules, "(?:\\w+ )*goals")      # the pattern loader refuses it outright
    result = cli("lint", "--rules", rules, "--guidelines", guidelines)
    assert result.exit_code == 2
    assert f"fact_patterns.yaml:{line_of(rules / 'fact_patterns.yaml', '(?:')}: error:" in result.output
    assert "unsafe regular expression" in result.output


def test_item_pattern_listed_under_two_categories(rules_copy):
    rules, guidelines = rules_copy
    items = rules / "items.yaml"
    items.write_text(items.read_text().replace("      - '\\bymca\\b'", "      - '\\bymca\\b'\n      - '\\bgym\\b'",
                                               ).replace("      - '\\btheraband'",
                                                         "      - '\\btheraband'\n      - '\\bymca\\b'"))
    rb = load_rulebase(rules, guidelines)
    found = [f for f in lint(rb) if f.validator == "duplicate-definition"]
    # '\bymca\b' is first a home-exercise pattern: the gym category never gets it. '\bgym\b' twice in one
    # category is harmless and not reported.
    assert [f.message for f in found] == [
        "pattern '\\bymca\\b' of category 'gym_membership' is already a pattern of category "
        "'home_exercise_equipment', which matches first"]
