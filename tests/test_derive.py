"""Facts the request itself states: visits read from an item's name."""

from __future__ import annotations

import pytest

from imr_rules.inputs import load_any
from imr_rules.loader import load_rulebase
from imr_rules.derive import visits_in_item_name

from test_lint_helpers import add_fact


@pytest.mark.parametrize("name, visits", [
    ("Physical therapy 2 times a week for 6 weeks", 12),
    ("Physical therapy 2-3 times a week for 6 weeks", 18),            # a range counts its upper bound
    ("Initial acupuncture, 1 to 2 times per week for 4 weeks, for the neck", 8),
    ("Electro acupuncture to the low back two times a week times six weeks", 12),
    ("Twelve physical therapy sessions, three times weekly, for the right elbow", 12),
    ("Twelve manual acupuncture visits (15 mins), 2 times weekly for 6 weeks", 12),
    ("Physical therapy additional 3 visits per week for 2 weeks", 6),  # visits per week: a frequency
    ("Additional physical therapy two times four visits (8) for the lumbar", 8),   # the total in parentheses
    ("Chiropractic spinal manipulation times 6", 6),
    ("Spinal manipulation 1 times 8", 8),
    ("PT 2x/week x 4 weeks", 8),
    ("PT twice a week for 4 weeks", 8),
    ("Post-op physical therapy 12-18 sessions", 18),
    ("Chiropractic care for the low back; six sessions", 6),
    ("Physical therapy evaluation, cervical and thoracic spine", None),
    ("Norco 10/325mg #60", None),
    ("Gym membership x 12 months", None),
    ("MRI of the lumbosacral spine, 1.5 Tesla or higher only", None),
])
def test_visits_in_item_name(name, visits):
    assert visits_in_item_name(name) == visits


def test_a_derived_fact_is_computed_unless_the_case_states_it(rules_copy, tmp_path):
    rules, guidelines = rules_copy
    add_fact(rules, "visits_requested", "number", extra="    derived_from: visits_in_item_name\n")
    rb = load_rulebase(rules, guidelines)
    case = tmp_path / "case.yaml"
    case.write_text("case_id: c\nitems:\n  - {id: a, name: PT 2 times a week for 3 weeks}\n"
                    "  - {id: b, name: PT 2 times a week for 3 weeks, facts: {visits_requested: 4}}\n"
                    "  - {id: c, name: Physical therapy evaluation}\n")
    items = load_any(str(case), rb).items
    assert [i.facts.get("visits_requested") for i in items] == [6, 4, None]


def test_an_unknown_derivation_is_refused_with_its_line(rules_copy, cli):
    rules, guidelines = rules_copy
    line = add_fact(rules, "visits_requested", "number", extra="    derived_from: visits_in_the_stars\n")
    result = cli("validate", "--rules", rules, "--guidelines", guidelines)
    assert result.exit_code == 2
    assert f"facts.yaml:{line + 4}" in result.output and "visits_in_the_stars" in result.output
