"""Values read from an item's name, as other letters word the request.

None of the names is copied from a published letter: they are the ways
providers and utilization review write frequencies, counts, quantities,
the surgery an item goes with, and the drugs of the classes the rules know.
"""

from __future__ import annotations

import pytest

from imr_rules.derive import (antidepressant_in_item_name, benzodiazepine_in_item_name,
                              medication_class_in_item_name, modality_in_item_name, postoperative_in_item_name,
                              quantity_stated_in_item_name, repeat_injection_in_item_name, surgery_in_item_name,
                              topical_muscle_relaxant_in_item_name, topical_non_patch_lidocaine_in_item_name,
                              visits_in_item_name)


@pytest.mark.parametrize("name, visits", [
    ("PT 2/wk x 6 wks", 12),                          # a frequency without "x" or "times"
    ("PT 2 per week x 6 weeks", 12),
    ("PT 2-3x/wk x 4-6 wks", 18),                     # both ranges count their upper bound
    ("Chiropractic 1-2 times per week for 4-6 weeks", 12),
    ("PT 6 weeks, 2 times a week", 12),               # the weeks first
    ("PT for 6 weeks at 2x/week", 12),
    ("Physical therapy two (2) times per week for six (6) weeks", 12),   # figures that restate the words
    ("Physical therapy #12", 12),                     # a count after the therapy
    ("PT #8 lumbar", 8),
    ("Acupuncture QTY: 6", 6),
    ("PT 2 x wk x 6 wks", 12),
    ("PT 3x per wk for 4 wks", 12),
    ("PT 1x/week x 6 weeks", 6),
    ("six (6) acupuncture sessions", 6),
    ("Twenty-four (24) sessions of post-op physical therapy", 24),   # not "twenty" to "four"
    ("Thirty-six physical therapy visits", 36),
    ("Additional physical therapy two times four visits (8) for the lumbar", 8),
    ("PT x 2 weeks", None),                           # a duration is no count
    ("Norco 10/325mg #60", None),                     # a prescription's count is no visit count
    ("NCV bilateral lower extremities QTY: 2", None),
    ("Elbow braces #2", None),
])
def test_visits(name, visits):
    assert visits_in_item_name(name) == visits


@pytest.mark.parametrize("name, expected", [
    ("Norco 10/325mg, dispense 120", True),
    ("Norco 10/325mg disp #90", True),
    ("Norco 10/325mg, 90 count", True),
    ("Tramadol 50mg x 60", True),
    ("Norco 10/325mg (60)", True),
    ("Lidoderm patch 5%, box of 30", True),
    ("Norco 10/325mg x 30 days", False),              # a duration is no quantity
    ("Norco 10-325mg 1 PO q6h", False),
    ("Post-op Percocet 5/325mg", False),
])
def test_quantity_stated(name, expected):
    assert quantity_stated_in_item_name(name) is expected


@pytest.mark.parametrize("name, expected", [
    ("Norco 5/325mg following surgery #30", True),
    ("Percocet after knee surgery #20", True),
    ("Oxycodone 5mg following right knee arthroscopy", True),
    ("Norco after ORIF, #30", True),
    ("Oxycodone 5mg, s/p right knee arthroscopy in 2014", False),   # a past surgery
    ("Norco 10/325mg", False),
    ("Postural therapy", False),
])
def test_postoperative(name, expected):
    assert postoperative_in_item_name(name) is expected


@pytest.mark.parametrize("name, expected", [
    ("Cold therapy unit following surgery", True),
    ("Sling after shoulder surgery", True),
    ("Cold therapy unit after right shoulder arthroscopy", True),
    ("TENS unit, status post lumbar fusion", None),   # a past surgery, not one requested with the item
    ("Cold therapy unit for use after arthroscopy", True),
    ("Cold therapy unit", None),
])
def test_requested_with_surgery(name, expected):
    assert surgery_in_item_name(name) is expected


@pytest.mark.parametrize("name, expected", [
    ("Repeat L5-S1 TFESI", True),
    ("Second CESI", True),
    ("Repeat lumbar epidural", True),
    ("L4-5 TFESI", None),
])
def test_repeat_injection(name, expected):
    assert repeat_injection_in_item_name(name) is expected


@pytest.mark.parametrize("name, modality", [
    ("Moist heat x6", "heat_cold"),
    ("Hot/cold pack therapy", "heat_cold"),
    ("Mechanical traction 2x4", "traction"),
    ("Ultrasound-guided injection", None),
])
def test_modality(name, modality):
    assert modality_in_item_name(name) == modality


@pytest.mark.parametrize("name, relaxant, lidocaine", [
    ("Metaxalone 5% cream", True, False),
    ("Chlorzoxazone/Lidocaine cream", True, True),
    ("Lidocaine 4% pads #30", False, False),         # a pad is a patch
    ("Xylocaine jelly 2%", False, True),              # lidocaine by its brand, not a patch
])
def test_topical_agents(name, relaxant, lidocaine):
    assert topical_muscle_relaxant_in_item_name(name) is relaxant
    assert topical_non_patch_lidocaine_in_item_name(name) is lidocaine


@pytest.mark.parametrize("name, expected", [
    ("Metamucil 1 packet daily", "laxative"),
    ("Psyllium husk", "laxative"),
    ("Milk of magnesia 30ml", "laxative"),
    ("Magnesium citrate", "laxative"),
    ("Movantik 25mg #30", None),                      # an opioid antagonist, second line: not a laxative here
])
def test_laxatives(name, expected):
    assert medication_class_in_item_name(name) == expected


@pytest.mark.parametrize("name, expected", [
    ("Pristiq 50mg #30", True),
    ("Desvenlafaxine 50mg", True),
    ("Doxepin 25mg", True),
    ("Clomipramine 25mg", True),
    ("Fetzima 40mg", True),
    ("Trazodone 50mg", None),                         # the MTUS treats it apart
    ("Restoril 30mg", False),                         # a benzodiazepine
])
def test_antidepressants(name, expected):
    assert antidepressant_in_item_name(name) is expected


def test_a_benzodiazepine_brand_is_no_antidepressant():
    assert benzodiazepine_in_item_name("Xanax XR 1mg") is True
    assert benzodiazepine_in_item_name("Pristiq 50mg") is False
