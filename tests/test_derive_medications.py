"""Facts a prescription's name states: post-op, a quantity, its topical agents, its class."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from imr_rules.derive import (DERIVATIONS, medication_class_in_item_name, postoperative_in_item_name,
                              quantity_stated_in_item_name, topical_agent_class_in_item_name,
                              topical_muscle_relaxant_in_item_name, topical_non_patch_lidocaine_in_item_name)
from imr_rules.examples_runner import example_case
from imr_rules.loader import load_rulebase
from imr_rules.model import Example, Where

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name, expected", [
    ("Post-op Norco 5/325mg #60", True),
    ("Postoperative Percocet 5/325mg", True),
    ("post op Zofran 4mg", True),
    ("Oxycodone after surgery, 5mg #20", True),
    ("Norco 10/325mg #90", False),
    ("Postural therapy", False),
])
def test_postoperative_in_item_name(name, expected):
    assert postoperative_in_item_name(name) is expected


@pytest.mark.parametrize("name, expected", [
    ("Norco 10/325mg #60", True),
    ("Tramadol 50mg, quantity 30", True),
    ("Fanatrex 25mg/ml oral suspension 420ml", True),
    ("Ketoprofen 20% in cream base 240g", True),
    ("one month supply of Trezix capsule 30.5/30/16mg", True),
    ("Lidoderm 5% patch, 30 patches", True),
    ("Oxycodone HCL ER 20mg day supply: 30", True),
    ("Post-op Percocet 5/325mg", False),            # a strength is not a quantity
    ("Diclofenac 3% 300mg/g", False),               # nor is a concentration
    ("Synapryn (unknown quantity)", False),
    ("Pepcid 20mg", False),
    ("Three months coverage of Viagra 50mg", False),
])
def test_quantity_stated_in_item_name(name, expected):
    assert quantity_stated_in_item_name(name) is expected


@pytest.mark.parametrize("name, relaxant, lidocaine, agents", [
    ("Cyclobenzaprine 5% in cream base 240g", True, False, "non_nsaid"),
    ("Baclofen 2%/Lidoderm patch", True, False, "non_nsaid"),
    ("Cyclobenzaprine 2%/Gabapentin 6% cream", True, None, "non_nsaid"),   # gabapentin: not settled
    ("Lidocaine ointment 5% #1", False, True, "non_nsaid"),                 # lidocaine, not a patch
    ("Retrospective Lidopro 4%-27.5%-0.0325% 121gm #1", False, True, "non_nsaid"),
    ("Flurbiprofen 10%/Dextromethorphan 5%/Lidocaine 5%, 120grams", None, True, "mixed"),
    ("Lidoderm 5% patch #30", False, False, "non_nsaid"),
    ("Lidocaine 5% patch #30", False, False, "non_nsaid"),
    ("Voltaren gel 1% 100g", False, False, "nsaid"),
    ("Capsaicin 0.025% cream", False, False, "non_nsaid"),
    ("Ketoprofen 20% in cream base 240g", None, None, "nsaid"),            # not settled by the excerpts
    ("Salonpas pad #60", None, None, None),                                 # no agent we know
])
def test_topical_agents_in_item_name(name, relaxant, lidocaine, agents):
    assert topical_muscle_relaxant_in_item_name(name) is relaxant
    assert topical_non_patch_lidocaine_in_item_name(name) is lidocaine
    assert topical_agent_class_in_item_name(name) == agents


@pytest.mark.parametrize("name, expected", [
    ("Post-op Colace 100mg #60", "laxative"),
    ("Senna-S 8.6mg #60", "laxative"),
    ("Docusate sodium 100mg", "laxative"),
    ("Viagra 50mg", None),
    ("Norco 10/325mg", None),
])
def test_medication_class_in_item_name(name, expected):
    assert medication_class_in_item_name(name) == expected


def test_every_derived_value_is_one_the_catalog_allows():
    facts = {f["id"]: f for f in yaml.safe_load((ROOT / "rules" / "facts.yaml").read_text())["facts"]}
    names = ["Post-op Norco 5/325mg #60", "Flurbiprofen 10%/Lidocaine 5% cream", "Voltaren gel 1%",
             "Capsaicin cream", "Colace 100mg", "Viagra 50mg", "Salonpas pad"]
    derived = [f for f in facts.values() if f.get("derived_from")]
    assert {f["derived_from"] for f in derived} <= set(DERIVATIONS)
    for fact in derived:
        for name in names:
            value = DERIVATIONS[fact["derived_from"]](name)
            if value is None:
                continue
            if fact["type"] == "enum":
                assert value in fact["values"], (fact["id"], name, value)
            elif fact["type"] == "boolean":
                assert isinstance(value, bool), (fact["id"], name, value)


@pytest.mark.shipped
def test_a_rule_example_derives_the_facts_its_name_states():
    rb = load_rulebase(ROOT / "rules", ROOT / "guidelines")
    rule = rb.rule_index["medication-opioid-postop-limited-supply"]
    ex = Example(name="Post-op Norco 5/325mg #60", facts={}, category=None, body_region=None,
                 determination="medically_necessary", deciding_rule=None, expects_rule=False, where=Where("x.yaml", 1))
    facts = example_case(rule, 1, ex, rb).items[0].facts
    assert facts["postoperative_request"] is True and facts["request_quantity_stated"] is True
    # A fact the example states wins over the name.
    stated = Example(name="Post-op Norco 5/325mg #60", facts={"request_quantity_stated": False}, category=None,
                     body_region=None, determination="not_medically_necessary", deciding_rule=None,
                     expects_rule=False, where=Where("x.yaml", 1))
    assert example_case(rule, 1, stated, rb).items[0].facts["request_quantity_stated"] is False
