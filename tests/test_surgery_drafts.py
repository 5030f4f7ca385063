"""Services requested with a surgery follow the tool's own draft of that surgery.

The evaluator decides the surgery items of a case first and gives the items
requested with them (``requested_with_surgery`` / ``postoperative_request``,
read from their names) ``associated_surgery_certified`` from that draft
(imr_rules/surgery.py): true when the surgery is drafted medically necessary,
false when not, unknown otherwise, never over a value the case states. A case
without a surgery item is evaluated exactly as before.
"""

from __future__ import annotations

import json

import pytest

from conftest import HISTORICAL, ROOT
from imr_rules.cases import parse_case_text
from imr_rules.evaluate import Evaluator
from imr_rules.importing import case_from_letter
from imr_rules.loader import load_rulebase
from imr_rules.render import to_json
from imr_rules.surgery import FACT, SurgeryLink, link, surgery_categories

pytestmark = pytest.mark.shipped

BANKART = "Left shoulder arthroscopy with Bankart repair"
APPROVED = {"conservative_care_failed": True, "surgical_lesion_imaging_documented": True}
DENIED = {"conservative_care_failed": False}
SLING = "Associated surgical service: Slingshot sling"
LABS = "Associated surgical service: Labs - CBC"


@pytest.fixture(scope="module")
def rb():
    return load_rulebase(ROOT / "rules", ROOT / "guidelines")


@pytest.fixture(scope="module")
def evaluator(rb):
    return Evaluator(rb)


def case(rb, *items, case_id="surgery-test"):
    """A case file from (name, facts) pairs, read as users' cases are (facts derived from the names)."""
    body = {"case_id": case_id, "ur_decision": "non_certified",
            "items": [{"id": f"item-{i}", "name": name, **({"facts": facts} if facts else {})}
                      for i, (name, facts) in enumerate(items, 1)]}
    return parse_case_text(json.dumps(body), f"{case_id}.json", rb)


def by_name(evaluator, c) -> dict:
    return {d.item.name: d for d in evaluator.decide(c)}


def test_an_approved_surgery_certifies_the_services_with_it(rb, evaluator):
    c = case(rb, (BANKART, APPROVED), (SLING, {}), ("Associated surgical service: Cold therapy for one week", {}))
    drafts = by_name(evaluator, c)
    assert drafts[BANKART].determination == "medically_necessary"
    sling = drafts[SLING]
    assert sling.determination == "medically_necessary"
    assert sling.facts[FACT] is True
    assert sling.surgery == SurgeryLink((("item-1", BANKART),), "medically_necessary", True)
    text = evaluator.evaluate(c)["items"][1]["rationale"]
    assert "this draft's own determination of the left shoulder arthroscopy with Bankart repair (item-1)" in text
    assert text.index("own determination") < text.index("Therefore")


def test_a_denied_surgery_denies_the_services_with_it(rb, evaluator):
    c = case(rb, (BANKART, DENIED), (SLING, {}), (LABS, {"perioperative_risk_factors_documented": True}),
             ("Post-op physical therapy 12 sessions", {}))
    drafts = by_name(evaluator, c)
    assert drafts[BANKART].determination == "not_medically_necessary"
    for name in (SLING, LABS, "Post-op physical therapy 12 sessions"):
        assert drafts[name].determination == "not_medically_necessary", name
        assert drafts[name].facts[FACT] is False
    # The surgery's fate decides before the tests' own criteria (priority 10).
    assert [r.id for r in drafts[LABS].deciding] == ["other-preop-surgery-not-certified"]
    result = {i["name"]: i for i in evaluator.evaluate(c)["items"]}
    assert "That the surgery is not certified is this draft's own determination" in result[LABS]["rationale"]


def test_an_undecided_surgery_leaves_the_fact_unknown(rb, evaluator):
    c = case(rb, (BANKART, {"conservative_care_failed": True}), (SLING, {}))
    drafts = by_name(evaluator, c)
    assert drafts[BANKART].determination == "insufficient_information"
    assert FACT not in drafts[SLING].facts and drafts[SLING].surgery is None
    assert drafts[SLING].determination == "insufficient_information"
    assert FACT in {g.fact for g in drafts[SLING].gaps}


def test_a_value_the_case_states_is_never_overridden(rb, evaluator):
    c = case(rb, (BANKART, DENIED), (SLING, {FACT: True}))
    sling = by_name(evaluator, c)[SLING]
    assert sling.facts[FACT] is True and sling.surgery is None
    assert sling.determination == "medically_necessary"
    assert "own determination" not in evaluator.evaluate(c)["items"][1]["rationale"]


def test_without_a_surgery_item_nothing_is_supplied(rb, evaluator):
    c = case(rb, (SLING, {}), ("MRI of the left shoulder", {"conservative_care_failed": True}))
    sling = by_name(evaluator, c)[SLING]
    assert FACT not in sling.facts and sling.surgery is None
    assert sling.determination == "insufficient_information"


def test_items_not_requested_with_the_surgery_keep_their_facts(rb, evaluator):
    c = case(rb, (BANKART, DENIED), ("MRI of the left shoulder", {"conservative_care_failed": True}))
    mri = by_name(evaluator, c)["MRI of the left shoulder"]
    assert FACT not in mri.facts and mri.surgery is None


def test_an_item_follows_the_surgery_of_its_own_region(rb, evaluator):
    knee = "Right knee arthroscopy, medial meniscectomy"
    therapy = "Post operative physical therapy for the right knee 2 times a week for 6 weeks"
    c = case(rb, (BANKART, APPROVED), (knee, DENIED), (therapy, {}), (SLING, {}))
    drafts = by_name(evaluator, c)
    assert drafts[therapy].facts[FACT] is False
    assert drafts[therapy].surgery.surgeries == (("item-2", knee),)
    # An item of no surgery's region follows every surgery: here they disagree, so nothing is supplied.
    assert FACT not in drafts[SLING].facts


def test_link_needs_every_surgery_to_agree():
    mn, nmn = "medically_necessary", "not_medically_necessary"
    assert link("unspecified", [("a", "A", "shoulder", mn), ("b", "B", "knee", mn)]).value is True
    assert link("unspecified", [("a", "A", "shoulder", mn), ("b", "B", "knee", nmn)]) is None
    assert link("knee", [("a", "A", "shoulder", mn), ("b", "B", "knee", nmn)]).value is False
    assert link("chest", [("a", "A", "shoulder", nmn)]).value is False
    assert link("unspecified", [("a", "A", "shoulder", "insufficient_information")]) is None
    assert link("unspecified", [("a", "A", "shoulder", "not_addressed")]) is None


def test_the_surgery_categories_come_from_the_catalog(rb):
    assert surgery_categories(rb) == {"shoulder_surgery", "knee_surgery", "surgery"}


def test_two_passes_are_deterministic_and_independent_of_item_order(rb):
    items = [(BANKART, APPROVED), (SLING, {}), (LABS, {"perioperative_risk_factors_documented": False})]
    first = Evaluator(rb).evaluate_json(case(rb, *items))
    again = Evaluator(rb)
    assert again.evaluate_json(case(rb, *items)) == first
    assert again.evaluate_json(case(rb, *items)) == first            # from the caches
    reordered = {i["name"]: (i["determination"], i["rationale"])
                 for i in json.loads(again.evaluate_json(case(rb, items[2], items[0], items[1])))["items"]}
    expected = {i["name"]: (i["determination"], i["rationale"]) for i in json.loads(first)["items"]}
    assert {k: v[0] for k, v in reordered.items()} == {k: v[0] for k, v in expected.items()}
    # The rationale names the surgery's item id, which the order changed.
    assert "(item-2)" in reordered[SLING][1] and "(item-1)" in expected[SLING][1]


def test_cached_drafts_name_each_case_own_surgery(rb, evaluator):
    # Same service, same outcome, different surgeries: the verdict caches must not mix them up.
    other = "Right shoulder arthroscopic subacromial decompression"
    a = json.loads(evaluator.evaluate_json(case(rb, (BANKART, APPROVED), (SLING, {}), case_id="a")))
    b = json.loads(evaluator.evaluate_json(case(rb, (other, APPROVED), (SLING, {}), case_id="b")))
    assert "Bankart" in a["items"][1]["rationale"] and "Bankart" not in b["items"][1]["rationale"]
    assert "subacromial decompression (item-1)" in b["items"][1]["rationale"]
    assert evaluator.evaluate_json(case(rb, (BANKART, APPROVED), (SLING, {}), case_id="a")) == to_json(
        evaluator.evaluate(case(rb, (BANKART, APPROVED), (SLING, {}), case_id="a")), None)


@pytest.fixture(scope="module")
def letters(rb):
    return [case_from_letter(p, rb) for p in sorted((HISTORICAL / "real").glob("*.pdf"))]


def test_jsonl_is_byte_identical_for_cases_without_a_surgery(rb, letters):
    two_pass = Evaluator(rb)
    one_pass = Evaluator(rb)
    one_pass._surgeries = frozenset()       # the evaluator as it was: every item on its own
    categories = surgery_categories(rb)
    with_surgery = [c for c in letters if any(rb.items.category_of(i.name) in categories for i in c.items)]
    without = [c for c in letters if c not in with_surgery]
    assert len(with_surgery) == 4 and len(without) == 112
    for c in without:
        assert two_pass.evaluate_json(c) == one_pass.evaluate_json(c), c.case_id
    # ... and the two passes do change the cases that request a surgery with services.
    changed = [c.case_id for c in with_surgery if two_pass.evaluate_json(c) != one_pass.evaluate_json(c)]
    assert changed == ["CM16-0246487", "CM17-0002892", "CM17-0014449"]
