"""imr-rules explain: the trace of each item's decision."""

from __future__ import annotations

import json

from imr_rules.explain import explain_case, nearest_categories

from conftest import FIXTURE_RULES, make_case
from test_lint_helpers import line_of

CASE = """case_id: explain-me
items:
  - {id: kit, name: CERVICAL REHABILITATION KIT}
  - {id: gym, name: Gym membership x 12 months, facts: {goals_documented: true}}
  - {id: aqua, name: 8 sessions of aquatic therapy}
facts: {equipment_need_documented: false, goals_documented: false}
"""


def test_trace_of_a_decided_item(rb):
    case = make_case(("CERVICAL REHABILITATION KIT", {"equipment_need_documented": False}))
    [item] = explain_case(rb, case)
    assert item["category"] == "home_exercise_equipment" and item["body_region"] == "cervical"
    assert "rehabilitation" in item["category_from"] and "items.yaml" in item["category_from"]
    rules = {r["rule"]: r for r in item["rules"]}
    # Every active rule whose applies_to matches a cervical kit, and no other.
    assert set(rules) == {"mtus-exercise-contraindicated", "odg-neck-equipment-need-not-documented",
                          "odg-neck-equipment-goals-not-documented", "odg-neck-equipment-monitoring-not-documented",
                          "odg-neck-equipment-criteria-documented"}
    assert [r["rule"] for r in item["rules"]][0] == "mtus-exercise-contraindicated"   # precedence order
    assert rules["mtus-exercise-contraindicated"]["outcome"] == "unknown"
    mtus = FIXTURE_RULES / "mtus-chronic-pain-exercise.yaml"
    assert rules["mtus-exercise-contraindicated"]["conditions"] == [
        {"line": line_of(mtus, "when: {fact: exercise_contraindicated, is: true}"),
         "test": "exercise_contraindicated == true", "saw": "missing", "outcome": "unknown"}]
    assert rules["mtus-exercise-contraindicated"]["where"] == \
        f"tests/fixtures/rulebase/rules/mtus-chronic-pain-exercise.yaml:{line_of(mtus, 'id: mtus-exercise-contraindicated')}"
    need = rules["odg-neck-equipment-need-not-documented"]
    assert need["outcome"] == "true" and need["decides"]
    criteria = rules["odg-neck-equipment-criteria-documented"]
    assert criteria["outcome"] == "false" and not criteria["decides"]
    assert [(c["saw"], c["outcome"]) for c in criteria["conditions"]] == [
        ("false", "false"), ("missing", "unknown"), ("missing", "unknown")]
    assert item["deciding_rules"] == ["odg-neck-equipment-need-not-documented"]
    assert "non-MTUS rules decide" in item["reason"]
    assert item["documentation_gaps"] == []     # what is open would only deny it again


def test_trace_names_the_facts_that_could_change_an_approval(rb):
    facts = {"equipment_need_documented": True, "goals_documented": True, "outcome_monitoring_documented": True}
    [item] = explain_case(rb, make_case(("Knee exercise kit", facts)))
    assert item["determination"] == "medically_necessary"
    assert item["deciding_rules"] == ["mtus-equipment-criteria-documented"]
    # The MTUS contraindication rule (priority 10) is open and would deny: its fact is a gap.
    assert item["documentation_gaps"] == ["exercise_contraindicated"]


def test_not_addressed_item_lists_nearest_categories(rb):
    [item] = explain_case(rb, make_case("Home exercise kitt for the hip"))
    assert item["determination"] != "not_addressed"     # a pattern still finds it: control
    [item] = explain_case(rb, make_case("8 sessions of aquatic therapy"))
    assert item["determination"] == "not_addressed" and item["rules"] == []
    assert [n["category"] for n in item["nearest_categories"]][:2] == ["home_exercise_equipment", "gym_membership"]
    near = nearest_categories(rb, "health club membership")
    assert near[0]["category"] == "gym_membership" and near[0]["has_rules"]


def test_cli_text_and_json_and_item_filter(cli, tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(CASE)
    text = cli("explain", path)
    assert text.exit_code == 0, text.output
    assert "item gym: Gym membership x 12 months" in text.output
    assert "odg-low-back-gym-need-not-documented  [Non-MTUS, priority 20, not_medically_necessary]  -> true  DECIDES" \
        in text.output
    assert "goals_documented == false  saw true  -> false" in text.output
    assert "nearest category: home_exercise_equipment" in text.output
    one = json.loads(cli("explain", path, "--item", "gym", "--format", "json").stdout)
    assert one["case_id"] == "explain-me" and [i["item_id"] for i in one["items"]] == ["gym"]
    goals = next(r for r in one["items"][0]["rules"] if r["rule"] == "odg-low-back-gym-goals-not-documented")
    assert goals["conditions"][0]["saw"] == "true" and goals["outcome"] == "false"    # the item's own fact wins
    bad = cli("explain", path, "--item", "nope")
    assert bad.exit_code == 2 and "no item 'nope'" in bad.output


def test_cli_missing_case_is_invalid_input(cli, tmp_path):
    result = cli("explain", tmp_path / "missing.yaml")
    assert result.exit_code == 2 and "not found" in result.output
