"""Backtest metrics against numbers computed by hand."""

from __future__ import annotations

import pytest

from imr_rules.backtest.compare import ItemRecord, basis_agrees
from imr_rules.backtest.metrics import (agreement, cohens_kappa, confusion, coverage, recall, rule_firings,
                                        summarize)


def matrix(uu=0, uo=0, ou=0, oo=0, ui=0, un=0, oi=0, on=0):
    """Rows historical, columns draft: u upheld, o overturned, i insufficient, n not addressed."""
    pairs = ([("upheld", "upheld")] * uu + [("upheld", "overturned")] * uo
             + [("overturned", "upheld")] * ou + [("overturned", "overturned")] * oo
             + [("upheld", "insufficient_information")] * ui + [("upheld", "not_addressed")] * un
             + [("overturned", "insufficient_information")] * oi + [("overturned", "not_addressed")] * on)
    return confusion(pairs)


def test_kappa_of_a_balanced_table():
    # n=50, p_o = 35/50 = 0.7; rows 25/25, columns 30/20:
    # p_e = (25*30 + 25*20) / 50^2 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4
    kappa, note = cohens_kappa(matrix(uu=20, uo=5, ou=10, oo=15))
    assert kappa == pytest.approx(0.4)
    assert note is None


def test_high_agreement_with_imr_base_rates_has_low_kappa():
    # 90 upheld (88 drafted upheld), 10 overturned (3 drafted overturned):
    # p_o = 0.91; rows 90/10, columns 95/5: p_e = (90*95 + 10*5) / 100^2 = 0.86;
    # kappa = 0.05 / 0.14 = 5/14.
    m = matrix(uu=88, uo=2, ou=7, oo=3)
    assert agreement(m) == pytest.approx(0.91)
    assert cohens_kappa(m)[0] == pytest.approx(5 / 14)
    assert recall(m, "upheld") == {"items": 90, "covered": 90, "agreed": 88, "recall": pytest.approx(88 / 90),
                                   "coverage": 1.0}
    assert recall(m, "overturned")["recall"] == pytest.approx(0.3)


def test_always_upheld_agrees_ninety_percent_with_kappa_zero():
    m = matrix(uu=90, ou=10)
    assert agreement(m) == pytest.approx(0.9)
    assert cohens_kappa(m) == (pytest.approx(0.0), None)
    assert recall(m, "overturned") == {"items": 10, "covered": 10, "agreed": 0, "recall": 0.0, "coverage": 1.0}


def test_kappa_is_undefined_with_one_historical_outcome():
    # Only upheld items: p_e = p_o for any drafts, so kappa would be 0 or 0/0.
    for m in (matrix(uu=5), matrix(uu=5, uo=1)):
        kappa, note = cohens_kappa(m)
        assert kappa is None
        assert "every covered historical item is upheld" in note
    kappa, note = cohens_kappa(matrix(oo=3, ou=1))
    assert kappa is None and "overturned" in note


def test_kappa_counts_only_covered_items():
    # Not-covered items of the other outcome do not make kappa defined.
    assert cohens_kappa(matrix(uu=4, oi=2, on=1))[0] is None
    assert cohens_kappa(matrix(oi=2)) == (None, "no covered items")
    assert cohens_kappa(matrix(uu=20, uo=5, ou=10, oo=15, ui=7, on=9))[0] == pytest.approx(0.4)


def test_coverage_and_recall_with_uncovered_items():
    m = matrix(uu=3, ou=1, oo=1, ui=2, un=1, on=2)
    assert coverage(m) == pytest.approx(5 / 10)
    assert agreement(m) == pytest.approx(4 / 5)
    assert recall(m, "upheld") == {"items": 6, "covered": 3, "agreed": 3, "recall": 1.0, "coverage": 0.5}
    assert recall(m, "overturned") == {"items": 4, "covered": 2, "agreed": 1, "recall": 0.5, "coverage": 0.5}


def test_empty_table_has_no_ratios():
    m = matrix()
    assert agreement(m) is None and coverage(m) is None
    assert recall(m, "upheld")["recall"] is None


def record(item_id, expected, determination, fired=(), deciding=(), basis_agree=None, conflict=False,
           category=None):
    return ItemRecord(source="s.yaml", case_id="c", item_id=item_id, name=item_id, expected=expected,
                      determination=determination, conflict=conflict, expected_basis=None, got_basis=None,
                      basis_agree=basis_agree, fired=tuple(fired), deciding=tuple(deciding), category=category)


def test_summary_per_item_category():
    records = [
        record("a", "upheld", "not_medically_necessary", basis_agree=True, category="mri"),
        record("b", "overturned", "medically_necessary", basis_agree=False, category="mri"),
        record("c", "overturned", "not_medically_necessary", basis_agree=True, category="mri"),
        record("d", "upheld", "insufficient_information", category="mri"),
        record("e", "upheld", "medically_necessary", basis_agree=True, category="acupuncture"),
        record("f", "overturned", "not_addressed"),                  # no category: the catalog knows no such item
    ]
    c = summarize(records, [])["categories"]
    assert list(c) == ["(unclassified)", "acupuncture", "mri"]           # sorted: the same order every run
    assert c["mri"] == {"items": 4, "covered": 3, "agreed": 2,
                        "upheld": {"items": 2, "covered": 1, "agreed": 1},
                        "overturned": {"items": 2, "covered": 2, "agreed": 1},
                        "basis": {"compared": 3, "agreed": 2}}
    assert c["acupuncture"]["agreed"] == 0 and c["acupuncture"]["upheld"] == {"items": 1, "covered": 1, "agreed": 0}
    assert c["(unclassified)"]["overturned"] == {"items": 1, "covered": 0, "agreed": 0}
    assert c["(unclassified)"]["covered"] == 0


def test_summarize_counts_records():
    records = [
        record("a", "upheld", "not_medically_necessary", fired=["r1", "r2"], deciding=["r1"], basis_agree=True),
        record("b", "overturned", "not_medically_necessary", fired=["r1"], deciding=["r1"], basis_agree=False),
        record("c", "overturned", "medically_necessary", fired=["r3"], deciding=["r3"], basis_agree=True),
        record("d", "upheld", "insufficient_information"),
        record("e", "upheld", "not_addressed", fired=["r1", "r4"], deciding=["r1", "r4"], conflict=True),
    ]
    s = summarize(records, ["r1", "r2", "r3", "r5"])
    assert (s["items"], s["covered"], s["agreed"], s["disagreed"]) == (5, 3, 2, 1)
    assert s["coverage"] == pytest.approx(0.6)
    assert s["agreement"] == pytest.approx(2 / 3)
    assert s["not_covered"] == {"insufficient_information": 1, "not_addressed": 1, "conflicts": 1}
    assert s["confusion"]["upheld"] == {"upheld": 1, "overturned": 0, "insufficient_information": 1,
                                        "not_addressed": 1}
    assert s["confusion"]["overturned"] == {"upheld": 1, "overturned": 1, "insufficient_information": 0,
                                            "not_addressed": 0}
    # rows 1/2, columns 2/1, n=3: p_o = 2/3, p_e = (1*2 + 2*1)/9 = 4/9, kappa = (2/9)/(5/9) = 0.4
    assert s["kappa"] == pytest.approx(0.4)
    assert s["basis"] == {"compared": 3, "agreed": 2, "agreement": pytest.approx(2 / 3), "not_compared": 2}
    assert s["rules"] == {
        "r1": {"fired": 3, "deciding": 3, "deciding_disagreed": 1},
        "r2": {"fired": 1, "deciding": 0, "deciding_disagreed": 0},
        "r3": {"fired": 1, "deciding": 1, "deciding_disagreed": 0},
        "r4": {"fired": 1, "deciding": 1, "deciding_disagreed": 0},     # not in the list, but it fired
        "r5": {"fired": 0, "deciding": 0, "deciding_disagreed": 0},     # never exercised: still listed
    }


def test_rule_firings_are_sorted_by_rule():
    assert list(rule_firings([], ["b", "a"])) == ["a", "b"]


ODG_LOW_BACK = {"tier": "non_mtus", "guideline": "Official Disability Guidelines (ODG)", "chapter": "Low Back Problems"}


@pytest.mark.parametrize("cited, got, agrees", [
    # Chapters compare by what they are about, whatever the spelling.
    ([{"tier": "non_mtus", "chapter": "  low back\nPROBLEMS "}], ODG_LOW_BACK, True),
    ([{"tier": "non_mtus", "chapter": "Low Back - Lumbar & Thoracic (Acute & Chronic)"}], ODG_LOW_BACK, True),
    # Another tier, or another chapter, does not agree.
    ([{"tier": "mtus", "guideline": "MTUS Low Back Complaints", "chapter": None}], ODG_LOW_BACK, False),
    ([{"tier": "non_mtus", "chapter": "Neck and Upper Back"}], ODG_LOW_BACK, False),
    # Any of several citations may agree: an MTUS chapter is named by its guideline.
    ([{"tier": "mtus", "guideline": "MTUS Chronic Pain Medical Treatment", "chapter": None},
      {"tier": "non_mtus", "chapter": "Low back section"}], ODG_LOW_BACK, True),
    ([{"tier": "mtus", "guideline": "MTUS Chronic Pain Medical Treatment", "chapter": None}],
     {"tier": "mtus", "guideline": "MTUS Chronic Pain Medical Treatment Guidelines",
      "chapter": "Chronic Pain Medical Treatment Guidelines"}, True),
    # A citation naming no chapter agrees on the tier alone.
    ([{"tier": "non_mtus", "chapter": None}], ODG_LOW_BACK, True),
    # Nothing to compare: no tier, no citations, no draft basis.
    ([{"tier": None, "chapter": None}], {"tier": "mtus", "chapter": "C"}, None),
    ([], {"tier": "mtus", "chapter": "C"}, None),
    ([{"tier": "mtus", "chapter": "C"}], None, None),
])
def test_basis_agrees_with_any_citation_of_the_same_tier_and_chapter(cited, got, agrees):
    assert basis_agrees(cited, got) is agrees
