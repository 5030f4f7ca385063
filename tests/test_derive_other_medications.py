"""The drug classes of other medications, read from the request's name (imr_rules/derive.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from imr_rules.derive import (DERIVATIONS, antidepressant_in_item_name, benzodiazepine_in_item_name,
                              compounded_medication_in_item_name)

ROOT = Path(__file__).resolve().parents[1]


# True: the name names a drug of the class. False: it names a drug of another class
# the rule base knows (so a laxative's draft never asks whether it is a benzodiazepine).
# None: the name does not tell.
@pytest.mark.parametrize("name, compounded, benzodiazepine, antidepressant", [
    ("Fanatrex 25mg/ml oral suspension 420ml", True, False, False),
    ("Dicopanol (unknown quantity)", True, False, False),
    ("KETOPHENE 20mg/ml suspension", True, False, False),
    ("Compounded gabapentin 250mg/5ml", True, False, False),
    ("Diazepam 5mg #10", False, True, False),
    ("Xanax 0.25mg #30", False, True, False),
    ("Lorazepam 1mg, thirty tablets", False, True, False),
    ("Venlafaxine HCL ER 37.5mg #90", False, False, True),
    ("Cymbalta 30mg #30", False, False, True),
    ("Nortriptyline 10mg", False, False, True),
    ("Post-op Colace 100mg #60", False, False, False),
    ("Compounded diazepam suspension", True, True, False),
    # Left out on purpose: the quoted class statement does not settle these.
    ("Bupropion HCL 150mg #90", None, None, None),
    ("Trazodone 50mg #30", None, None, None),
    ("Sertraline 50mg", None, None, None),
    # Not in any class, and no word of a drug read inside another word.
    ("Post-op Zofran", None, None, None),
    ("Fioricet #120", None, None, None),
    ("Three months coverage of Viagra 50mg", None, None, None),
    ("Gabapentin 600mg #90", None, None, None),
    ("Prevalium-free cream", None, None, None),
])
def test_drug_class_in_item_name(name, compounded, benzodiazepine, antidepressant):
    assert compounded_medication_in_item_name(name) is compounded
    assert benzodiazepine_in_item_name(name) is benzodiazepine
    assert antidepressant_in_item_name(name) is antidepressant


def test_the_catalog_derives_each_class_fact_as_a_boolean():
    facts = {f["id"]: f for f in yaml.safe_load((ROOT / "rules" / "facts.yaml").read_text())["facts"]}
    for fact_id, derivation, name in (("compounded_medication_requested", "compounded_medication_in_item_name",
                                       "Fanatrex (unknown quantity)"),
                                      ("benzodiazepine_requested", "benzodiazepine_in_item_name", "Valium 5mg"),
                                      ("antidepressant_requested", "antidepressant_in_item_name", "Effexor 75mg")):
        assert facts[fact_id]["type"] == "boolean"
        assert facts[fact_id]["derived_from"] == derivation
        assert DERIVATIONS[derivation](name) is True
