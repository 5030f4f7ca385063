"""Drafts a reviewer can sign: agreement, facts in words, one status note per draft."""

from __future__ import annotations

import pytest

from conftest import make_case
from imr_rules.evaluate import Evaluator
from imr_rules.loader import load_rulebase
from imr_rules.rationale import is_plural
from imr_rules.render import to_markdown, to_text


@pytest.mark.parametrize("name, plural", [
    ("resistance bands", True), ("Exercise ball and resistance bands", True), ("8 sessions of aquatic therapy", True),
    ("KNEE REHABILITATION KITS", True), ("knee braces for both knees", True),
    ("1 LUMBAR REHABILITATION KIT", False), ("Gym membership x 12 months", False), ("Gym membership x12", False),
    ("Home Exercise Kit (Exer ball, air pump, backnobber II, Exer Band Kit, Travel bag)", False),
    ("Shoulder Home Exercise Kit (pulley, graded resistance bands, wand)", False), ("TENS unit", False),
    ("tramadol 50mg #60", False), ("MRI of the lumbar spine", False), ("lumbar orthosis", False),
    ("YMCA membership", False), ("mattress", False),
])
def test_item_names_singular_and_plural(name, plural):
    assert is_plural(name) is plural


@pytest.mark.parametrize("name, verb", [("resistance bands", "are"), ("Exercise ball and resistance bands", "are"),
                                        ("Knee home exercise kit", "is"), ("KNEE REHABILITATION KITS", "are")])
def test_the_conclusion_agrees_with_the_items_number(evaluator, name, verb):
    item = evaluator.evaluate(make_case(name, facts={"goals_documented": False}))["items"][0]
    assert item["determination"] == "not_medically_necessary"
    assert item["rationale"].endswith(f" {verb} not medically necessary.")


def test_sessions_of_aquatic_therapy_are(rules_copy):
    rules, guidelines = rules_copy
    items = rules / "items.yaml"
    items.write_text(items.read_text().replace(
        "\nbody_regions:", "  - id: aquatic_therapy\n    title: Aquatic therapy\n    patterns: ['\\baquatic\\b']\n"
                           "\nbody_regions:"))
    (rules / "aquatic.yaml").write_text(
        "rules:\n  - id: aquatic-goals\n    title: Goals\n    applies_to: {categories: [aquatic_therapy]}\n"
        "    when: {fact: goals_documented, is: false}\n"
        "    then: {determination: not_medically_necessary, finding: No goals are documented.}\n"
        "    cites: [mtus-cpmtg-exercise]\n    priority: 20\n    status: active\n")
    ev = Evaluator(load_rulebase(rules, guidelines))
    item = ev.evaluate(make_case("8 sessions of aquatic therapy", facts={"goals_documented": False}))["items"][0]
    assert item["rationale"].endswith("Therefore, the sessions of aquatic therapy are not medically necessary.")


def test_missing_facts_are_described_in_words_not_ids(evaluator, rb):
    item = evaluator.evaluate(make_case("Exercise ball and resistance bands",
                                        facts={"goals_documented": True}))["items"][0]
    assert item["determination"] == "insufficient_information"
    prose = item["rationale"]
    for fact in rb.facts:
        assert fact not in prose                       # no fact id in what a reviewer signs
    assert ("the records do not say whether the record explains why the patient needs this equipment (or "
            "membership) rather than a self-directed home exercise program; whether the record says how outcomes "
            "will be monitored by a health professional (who, what measures, how often); or whether the record "
            "documents that exercise is contraindicated") in prose
    assert rb.facts["goals_documented"].description.lower().rstrip(".") not in prose     # stated, so not asked


def test_the_status_note_is_said_once_per_draft(evaluator):
    case = make_case("resistance bands", "Gym membership", "tramadol", "Knee home exercise kit",
                     facts={"goals_documented": False})
    result = evaluator.evaluate(case)
    assert len({i["review_note"] for i in result["items"]}) >= 2     # items differ; the JSON keeps each note
    text = to_text(result)
    assert text.count("Status:") == 1 and text.count("Labor Code section 4610") == 1
    flat = " ".join(text.split())
    assert flat.endswith("Status: Draft only, not a determination: a denial (non-certification) "
                         "may only be issued by a licensed physician reviewer competent in the clinical issue (Labor "
                         "Code section 4610). Items the rule base does not decide go to a physician reviewer.")
    markdown = to_markdown(result)
    assert markdown.count("*Status:") == 1
    assert not [i for i in result["items"] if i["determination"] != "not_medically_necessary"
                and i["review_note"] in markdown]
