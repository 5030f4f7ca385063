"""Determinations beyond the seeds: variants of facts, the hierarchy, conflicts."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_case
from imr_rules.evaluate import Evaluator
from imr_rules.loader import load_rulebase

ALL_DOCUMENTED = {"equipment_need_documented": True, "goals_documented": True,
                  "outcome_monitoring_documented": True}
NONE_DOCUMENTED = {k: False for k in ALL_DOCUMENTED}
KITS = ["Home Exercise Kit (Exer ball, air pump)", "1 LUMBAR REHABILITATION KIT",
        "1 CERVICAL REHABILITATION KIT", "1 SHOULDER REHABILITATION KIT", "Gym membership x 12 months"]


def one(evaluator, name, facts, **kw):
    return evaluator.evaluate(make_case(name, facts=facts, **kw))["items"][0]


@pytest.mark.parametrize("name", KITS)
def test_need_goals_and_monitoring_documented_is_medically_necessary(evaluator, name):
    item = one(evaluator, name, ALL_DOCUMENTED)
    assert item["determination"] == "medically_necessary"
    assert item["imr_outcome"] == "overturned"
    assert item["rationale"].endswith("is medically necessary.")
    # exercise_contraindicated is unknown, and the MTUS contraindication rule
    # would decide first with another determination: the draft asks about it.
    assert [g["fact"] for g in item["documentation_gaps"]] == ["exercise_contraindicated"]


@pytest.mark.parametrize("name", KITS)
def test_exercise_contraindicated_is_not_medically_necessary_on_the_mtus(evaluator, name):
    item = one(evaluator, name, {**ALL_DOCUMENTED, "exercise_contraindicated": True})
    assert item["determination"] == "not_medically_necessary"
    assert item["basis"]["tier"] == "mtus"
    assert item["deciding_rules"] == ["mtus-exercise-contraindicated"]
    assert "contraindicated" in item["rationale"]


@pytest.mark.parametrize("name", KITS)
def test_missing_facts_give_insufficient_information_listing_them(evaluator, rb, name):
    item = one(evaluator, name, {"equipment_need_documented": True})
    assert item["determination"] == "insufficient_information"
    assert item["imr_outcome"] is None
    gaps = {g["fact"]: g["question"] for g in item["documentation_gaps"]}
    assert set(gaps) == {"goals_documented", "outcome_monitoring_documented", "exercise_contraindicated"}
    assert gaps["goals_documented"] == rb.facts["goals_documented"].question
    assert item["basis"] is None


def test_one_failed_criterion_is_enough_to_deny(evaluator):
    item = one(evaluator, "1 LUMBAR REHABILITATION KIT", {"goals_documented": False})
    assert item["determination"] == "not_medically_necessary"
    assert item["deciding_rules"] == ["odg-low-back-equipment-goals-not-documented"]
    assert item["documentation_gaps"] == []      # contraindication would not change a denial


@pytest.mark.parametrize("name", ["tramadol 50mg #60", "8 sessions of aquatic therapy", "MRI of the lumbar spine"])
def test_unknown_item_is_not_addressed(evaluator, name):
    item = one(evaluator, name, NONE_DOCUMENTED)
    assert item["determination"] == "not_addressed"
    assert item["category"] is None
    assert item["basis"] is None and item["fired_rules"] == []
    assert "physician reviewer" in item["review_note"]


def test_imr_outcome_only_when_ur_non_certified(evaluator):
    assert one(evaluator, "exercise kit", NONE_DOCUMENTED, ur_decision=None)["imr_outcome"] is None
    assert one(evaluator, "exercise kit", NONE_DOCUMENTED, ur_decision="certified")["imr_outcome"] is None


def test_item_facts_override_case_facts(evaluator):
    case = make_case(("1 LUMBAR REHABILITATION KIT", ALL_DOCUMENTED), "1 CERVICAL REHABILITATION KIT",
                     facts=NONE_DOCUMENTED)
    lumbar, cervical = evaluator.evaluate(case)["items"]
    assert lumbar["determination"] == "medically_necessary"
    assert cervical["determination"] == "not_medically_necessary"


def test_region_and_category_recognised_from_free_text(rb):
    cases = {
        "1 LUMBAR REHABILITATION KIT": ("home_exercise_equipment", "lumbar"),
        "Home Exercise Kit (Exer ball, air pump, backnobber II, Exer Band Kit, Travel bag)":
            ("home_exercise_equipment", "unspecified"),
        "Shoulder Home Exercise Kit (pulley, graded resistance bands, wand)": ("home_exercise_equipment", "shoulder"),
        "Gym membership x 12 months": ("gym_membership", "unspecified"),
        "knee rehab kit": ("home_exercise_equipment", "knee"),
        "Exercise ball and resistance bands": ("home_exercise_equipment", "unspecified"),
    }
    for name, (category, region) in cases.items():
        assert (rb.items.category_of(name), rb.items.body_region_of(name)) == (category, region), name


def test_knee_kit_is_decided_on_the_mtus(evaluator):
    item = one(evaluator, "knee rehab kit", NONE_DOCUMENTED)
    assert item["basis"]["guideline_id"] == "mtus-cpmtg"


def _write_twin(rules_dir, determination="medically_necessary"):
    """A conflicting twin of the lumbar need rule: same applies_to and priority."""
    (rules_dir / "twin.yaml").write_text(f"""
rules:
  - id: twin-of-need
    title: Twin
    applies_to: {{categories: [home_exercise_equipment], body_regions: [lumbar]}}
    when: {{fact: equipment_need_documented, is: false}}
    then: {{determination: {determination}, finding: A twin finding.}}
    cites: [odg-low-back-exercise]
    priority: 20
    status: active
""")


def test_conflicting_rules_are_flagged_not_picked(rules_copy):
    rules, guidelines = rules_copy
    _write_twin(rules)
    ev = Evaluator(load_rulebase(rules, guidelines))
    item = ev.evaluate(make_case("1 LUMBAR REHABILITATION KIT", facts={"equipment_need_documented": False}))["items"][0]
    assert item["conflict"] is True
    assert item["determination"] == "not_addressed"
    assert set(item["deciding_rules"]) == {"twin-of-need", "odg-low-back-equipment-need-not-documented"}
    assert "twin-of-need" in item["rationale"] and "physician reviewer" in item["rationale"]
    assert item["basis"] is None


def test_agreeing_rules_of_same_priority_are_not_a_conflict(rules_copy):
    rules, guidelines = rules_copy
    _write_twin(rules, "not_medically_necessary")
    ev = Evaluator(load_rulebase(rules, guidelines))
    item = ev.evaluate(make_case("1 LUMBAR REHABILITATION KIT", facts={"equipment_need_documented": False}))["items"][0]
    assert item["conflict"] is False
    assert item["determination"] == "not_medically_necessary"


def test_draft_and_retired_rules_do_not_decide(rules_copy):
    rules, guidelines = rules_copy
    path = rules / "mtus-chronic-pain-exercise.yaml"
    path.write_text(path.read_text().replace("priority: 10\n    status: active", "priority: 10\n    status: draft"))
    ev = Evaluator(load_rulebase(rules, guidelines))
    item = ev.evaluate(make_case("1 LUMBAR REHABILITATION KIT",
                                 facts={**ALL_DOCUMENTED, "exercise_contraindicated": True}))["items"][0]
    assert item["determination"] == "medically_necessary"      # the contraindication rule is a draft


def test_effective_dates_limit_a_rule_to_its_period(rules_copy):
    rules, guidelines = rules_copy
    path = rules / "mtus-chronic-pain-exercise.yaml"
    path.write_text(path.read_text().replace("priority: 10\n", "priority: 10\n    effective_from: 2015-01-01\n"))
    ev = Evaluator(load_rulebase(rules, guidelines))
    facts = {**ALL_DOCUMENTED, "exercise_contraindicated": True}
    before = ev.evaluate(make_case("exercise kit", facts=facts, request_date=dt.date(2014, 8, 20)))["items"][0]
    after = ev.evaluate(make_case("exercise kit", facts=facts, request_date=dt.date(2015, 2, 1)))["items"][0]
    assert before["determination"] == "medically_necessary"
    assert after["determination"] == "not_medically_necessary"
