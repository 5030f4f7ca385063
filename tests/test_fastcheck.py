"""The fast pre-check never accepts a case that case.schema.json rejects."""

from __future__ import annotations

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from imr_rules import schemas
from imr_rules.fastcheck import plainly_valid_case

VALIDATOR = jsonschema.Draft202012Validator(schemas.load("case"), format_checker=jsonschema.FormatChecker())
keys = st.sampled_from(["case_id", "items", "facts", "ur_decision", "name", "id", "category", "body_region",
                        "quantity", "request_date", "patient", "sid", "Goals", "goals_documented", "x" * 70, ""])
scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False),
                    st.sampled_from(["", "kit", "non_certified", "certified", "a" * 600, "2014-01-01"]))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                            st.dictionaries(keys, inner, max_size=4)), max_leaves=12)
items = st.lists(st.one_of(st.fixed_dictionaries({"name": st.sampled_from(["kit", ""])},
                                                 optional={"id": scalars, "facts": json_values, "quantity": scalars,
                                                           "category": scalars, "extra": scalars}),
                           json_values), max_size=3)
# Near-valid cases: each field drawn from mostly-valid values with a few bad ones.
def mostly(valid, *invalid):
    """A valid value four times out of five, else one of the invalid ones."""
    return st.one_of(st.just(valid), st.just(valid), st.just(valid), st.just(valid), st.sampled_from(invalid))


fact_keys = st.sampled_from(["goals_documented", "exercise_contraindicated", "goals_documented", "sid", "id", "kind", "category",
                             "body_region", "Goals", "9x", "a" * 63, "a" * 64, ""])
fact_values = st.one_of(scalars, st.lists(scalars, max_size=1))
near_item = st.fixed_dictionaries({"name": mostly("kit", "", "x" * 501)},
                                  optional={"id": mostly("a", "", 3, None),
                                            "facts": st.dictionaries(fact_keys, fact_values, max_size=2),
                                            "quantity": st.sampled_from([1, 0, -1, 2.5, "1", True, None]),
                                            "category": mostly("gym_membership", "sid", "Gym", 1),
                                            "body_region": mostly("lumbar", "kind", "")})
near_case = st.fixed_dictionaries(
    {"case_id": mostly("c", "", "c" * 201, 1),
     "items": st.lists(near_item, min_size=0, max_size=2)},
    optional={"facts": st.dictionaries(fact_keys, fact_values, max_size=3),
              "ur_decision": mostly("non_certified", "denied", None)})
cases = st.one_of(near_case, json_values, st.fixed_dictionaries(
    {"case_id": scalars, "items": items},
    optional={"facts": st.one_of(json_values, st.dictionaries(keys, scalars)), "ur_decision": scalars,
              "diagnoses": json_values}))


@settings(max_examples=1500, deadline=None)
@given(cases)
def test_plainly_valid_implies_schema_valid(case):
    if plainly_valid_case(case):
        assert VALIDATOR.is_valid(case), case


def test_plain_cases_are_accepted():
    assert plainly_valid_case({"case_id": "c", "items": [{"name": "kit", "facts": {"goals_documented": True}}],
                               "facts": {"equipment_need_documented": False}, "ur_decision": "non_certified"})
    assert not plainly_valid_case({"case_id": "c", "items": []})
    assert not plainly_valid_case({"case_id": "c", "items": [{"name": "kit"}], "facts": {"sid": 1}})
