"""imr-rules lint: each validator on a planted rule base, and the shipped rules clean."""

from __future__ import annotations

import pytest

from imr_rules.checksums import excerpt_checksum
from imr_rules.lint import VALIDATORS, lint
from imr_rules.loader import load_rulebase

from test_lint_helpers import add_fact, line_of, plant_rules, rule


def findings_of(rules_dir, guidelines_dir, validator, **kw):
    rb = load_rulebase(rules_dir, guidelines_dir)
    return [f for f in lint(rb, **kw) if f.validator == validator]


def test_fixture_rules_have_no_findings(rb):
    assert lint(rb) == []


def test_registry_ids_are_unique_and_described():
    ids = [v.id for v in VALIDATORS]
    assert len(ids) == len(set(ids))
    assert all(v.description and v.severity in ("low", "medium", "high") for v in VALIDATORS)


# -- conflicts ---------------------------------------------------------------

CRITERIA = "{all: [{fact: equipment_need_documented, is: true}, {fact: goals_documented, is: true}]}"


def test_conflicting_twin_names_both_rules_and_the_witness(rules_copy):
    rules, guidelines = rules_copy
    # Same applies_to and priority as mtus-equipment-criteria-documented, opposite determination.
    path = plant_rules(rules, rule("twin-of-criteria", CRITERIA, regions="except_body_regions: [lumbar, cervical, shoulder]"))
    found = findings_of(rules, guidelines, "conflict")
    assert len(found) == 1
    f = found[0]
    assert f.severity == "high"
    assert "'mtus-equipment-criteria-documented'" in f.message and "'twin-of-criteria'" in f.message
    assert "equipment_need_documented=true" in f.message and "goals_documented=true" in f.message
    assert "outcome_monitoring_documented=true" in f.message
    # Reported at one of the two rules.
    assert (f.file, f.line) in {(str(path), line_of(path, "id: twin-of-criteria")),
                                (str(rules / "mtus-chronic-pain-exercise.yaml"),
                                 line_of(rules / "mtus-chronic-pain-exercise.yaml",
                                         "id: mtus-equipment-criteria-documented"))}


@pytest.mark.parametrize("variant", [
    dict(priority=21),                                              # another priority: precedence decides
    dict(regions="body_regions: [lumbar]"),                         # MTUS rule excludes lumbar
])
def test_no_conflict_when_precedence_items_or_determinations_differ(rules_copy, variant):
    rules, guidelines = rules_copy
    kw = dict(regions="except_body_regions: [lumbar, cervical, shoulder]") | variant
    plant_rules(rules, rule("twin", CRITERIA, **kw))
    assert findings_of(rules, guidelines, "conflict") == []


def test_approving_rule_that_forgets_a_criterion_conflicts_with_its_denial(rules_copy):
    rules, guidelines = rules_copy
    # Approves on need and goals alone: with monitoring not documented, the
    # monitoring denial of the same tier and priority holds too.
    plant_rules(rules, rule("approve-too-soon", CRITERIA, determination="medically_necessary",
                            regions="except_body_regions: [lumbar, cervical, shoulder]"))
    found = findings_of(rules, guidelines, "conflict")
    assert len(found) == 1
    assert "'mtus-equipment-monitoring-not-documented'" in found[0].message
    assert "'approve-too-soon'" in found[0].message
    assert ("equipment_need_documented=true, goals_documented=true, outcome_monitoring_documented=false"
            in found[0].message)


def test_no_conflict_when_conditions_cannot_both_hold(rules_copy):
    rules, guidelines = rules_copy
    # Opposite of mtus-equipment-criteria-documented's first comparison: never true together.
    plant_rules(rules, rule("disjoint", "{all: [{fact: equipment_need_documented, is: false}, "
                                        "{fact: goals_documented, is: true}]}"))
    assert findings_of(rules, guidelines, "conflict") == []


def test_conflict_witness_on_numbers_is_exact(rules_copy):
    rules, guidelines = rules_copy
    add_fact(rules, "pain_score", "number")
    # Both hold only strictly between 2 and 3: no integer works, the midpoint does.
    plant_rules(rules, rule("pain-high", "{fact: pain_score, op: '>', value: 2}", categories="[gym_membership]",
                            priority=5)
                + rule("pain-low", "{fact: pain_score, op: '<', value: 3}", categories="[gym_membership]",
                       priority=5, determination="medically_necessary"))
    found = findings_of(rules, guidelines, "conflict")
    assert len(found) == 1 and "pain_score=2.5" in found[0].message


def test_no_conflict_on_numbers_when_ranges_only_touch(rules_copy):
    rules, guidelines = rules_copy
    add_fact(rules, "pain_score", "number")
    plant_rules(rules, rule("pain-high", "{fact: pain_score, op: '>=', value: 3}", categories="[gym_membership]",
                            priority=5)
                + rule("pain-low", "{fact: pain_score, op: '<', value: 3}", categories="[gym_membership]",
                       priority=5, determination="medically_necessary"))
    assert findings_of(rules, guidelines, "conflict") == []


def test_conflict_over_a_huge_space_is_checked_exactly(rules_copy):
    rules, guidelines = rules_copy
    for i in range(6):
        add_fact(rules, f"n{i}", "number")
    # Six numbers each compared with two constants: 8 values each (with missing), 8**6 > 2**16.
    cond = "{all: [" + ", ".join(f"{{fact: n{i}, op: '>', value: 1}}, {{fact: n{i}, op: '<', value: 5}}"
                                 for i in range(6)) + "]}"
    plant_rules(rules, rule("big-a", cond, categories="[gym_membership]", priority=5)
                + rule("big-b", cond.replace("'<'", "'<='"), categories="[gym_membership]", priority=5,
                       determination="medically_necessary"))
    # 8**6 assignments were over the old enumeration bound ("not checked"); the search is exact.
    found = findings_of(rules, guidelines, "conflict")
    assert len(found) == 1 and found[0].severity == "high"
    assert found[0].message.endswith("when " + ", ".join(f"n{i}=2" for i in range(6)))
    assert dict(found[0].properties()["witness"]) == {f"n{i}": 2 for i in range(6)}


# -- gaps ---------------------------------------------------------------------

def test_gap_when_a_region_loses_its_approving_rule(rules_copy):
    rules, guidelines = rules_copy
    neck = rules / "odg-neck-exercise.yaml"
    text = neck.read_text()
    start = text.index("  - id: odg-neck-equipment-criteria-documented")
    neck.write_text(text[:start] + text[start:].replace("status: active", "status: draft", 1))
    found = findings_of(rules, guidelines, "gap")
    assert len(found) == 1
    msg = found[0].message
    assert "home_exercise_equipment items (body region cervical)" in msg
    assert ("equipment_need_documented=true, goals_documented=true, outcome_monitoring_documented=true, "
            "exercise_contraindicated=false") in msg
    assert found[0].file.endswith("items.yaml") and found[0].line == line_of(rules / "items.yaml",
                                                                            "id: home_exercise_equipment")


def test_gap_when_no_rule_applies_to_some_regions(rules_copy):
    rules, guidelines = rules_copy
    # Only the contraindication rule for gym memberships: every other region... and the ODG gym rules go.
    path = rules / "odg-low-back-exercise.yaml"
    path.write_text(path.read_text().replace("categories: [gym_membership]",
                                             "categories: [gym_membership]\n      body_regions: [lumbar]"))
    found = findings_of(rules, guidelines, "gap")
    gym = [f for f in found if "gym_membership" in f.message]
    # One finding for all the regions that share the same rules, not one per region.
    assert len(gym) == 1
    assert "body regions cervical, thoracic" in gym[0].message and "exercise_contraindicated=false" in gym[0].message


# -- shadowed and never-holds ------------------------------------------------------

def test_shadowed_rule_is_named_with_the_rule_that_wins(rules_copy):
    rules, guidelines = rules_copy
    # An MTUS rule of priority 5 for every kit: need not documented.
    plant_rules(rules, rule("mtus-need-first", "{fact: equipment_need_documented, is: false}", priority=5))
    found = {f.message.split("'")[1]: f for f in findings_of(rules, guidelines, "shadowed")}
    assert "mtus-equipment-need-not-documented" in found
    assert "mtus-need-first" in found["mtus-equipment-need-not-documented"].message
    # Non-MTUS rules for the same finding decide after every MTUS rule: shadowed too.
    assert "odg-neck-equipment-need-not-documented" in found
    # The goals rule still decides where the need is documented.
    assert "mtus-equipment-goals-not-documented" not in found
    assert "mtus-need-first" not in found


def test_not_shadowed_when_the_higher_rule_covers_only_some_items(rules_copy):
    rules, guidelines = rules_copy
    plant_rules(rules, rule("mtus-need-knee", "{fact: equipment_need_documented, is: false}", priority=5,
                            regions="body_regions: [knee]"))
    found = findings_of(rules, guidelines, "shadowed")
    assert not any("'mtus-equipment-need-not-documented'" in f.message for f in found)


def test_rule_whose_condition_cannot_hold(rules_copy):
    rules, guidelines = rules_copy
    path = plant_rules(rules, rule("impossible", "{all: [{fact: goals_documented, is: true}, "
                                                 "{not: {fact: goals_documented, is: true}}]}"))
    found = findings_of(rules, guidelines, "never-holds")
    assert [(f.message, f.line) for f in found] == [("rule 'impossible': its condition can never be true",
                                                     line_of(path, "id: impossible"))]


# -- references, usage, examples ------------------------------------------------------

def test_citation_of_a_missing_excerpt_is_invalid_input_with_file_and_line(rules_copy, cli):
    rules, guidelines = rules_copy
    path = plant_rules(rules, rule("bad-cite", "{fact: goals_documented, is: false}", cites="[odg-no-such]"))
    result = cli("lint", "--rules", rules, "--guidelines", guidelines)
    assert result.exit_code == 2
    assert f"{path}:{line_of(path, 'cites:')}: error: rule 'bad-cite' cites unknown excerpt 'odg-no-such'" \
        in result.output


def test_example_naming_unknown_category_and_rule(rules_copy):
    rules, guidelines = rules_copy
    examples = ("    examples:\n      - name: Kit\n        category: no_such_category\n"
                "        expect: {determination: not_medically_necessary, deciding_rule: no-such-rule}")
    path = plant_rules(rules, rule("bad-example", "{fact: goals_documented, is: false}", examples=examples))
    found = findings_of(rules, guidelines, "unresolved-reference")
    assert sorted(f.message for f in found) == [
        "example 1 of rule 'bad-example' names unknown item category 'no_such_category'",
        "example 1 of rule 'bad-example' names unknown rule 'no-such-rule'"]
    assert {f.line for f in found} == {line_of(path, "- name: Kit")}


def test_unused_fact_is_low_and_fails_only_with_fail_on_low(rules_copy, cli):
    rules, guidelines = rules_copy
    add_fact(rules, "nobody_reads_me")
    found = findings_of(rules, guidelines, "unused-fact")
    assert [f.message for f in found] == ["fact 'nobody_reads_me' is read by no rule"]
    assert found[0].line == line_of(rules / "facts.yaml", "id: nobody_reads_me")
    assert cli("lint", "--rules", rules, "--guidelines", guidelines).exit_code == 0
    low = cli("lint", "--rules", rules, "--guidelines", guidelines, "--fail-on", "low")
    assert low.exit_code == 1
    assert f"facts.yaml:{found[0].line}: low unused-fact: fact 'nobody_reads_me' is read by no rule" in low.output


def test_unused_excerpt_and_category(rules_copy):
    rules, guidelines = rules_copy
    path = guidelines / "odg-neck.yaml"
    path.write_text(path.read_text() + "  - id: odg-neck-unused\n    section: Other\n    text: Some text.\n"
                    f"    checksum: {excerpt_checksum('Some text.')}\n")
    items = rules / "items.yaml"
    items.write_text(items.read_text().replace("body_regions:", "  - id: canes\n    title: Canes\n"
                                               "    patterns: ['\\bcane\\b']\n\nbody_regions:"))
    rb = load_rulebase(rules, guidelines)
    by = {f.validator: f for f in lint(rb)}
    assert by["unused-excerpt"].message == "excerpt 'odg-neck-unused' is cited by no rule"
    assert by["unused-category"].message.startswith("item category 'canes' has no rule")


def test_active_rule_without_examples(rules_copy):
    rules, guidelines = rules_copy
    plant_rules(rules, rule("no-examples", "{fact: goals_documented, is: false}", examples=None,
                            categories="[gym_membership]", priority=3)
                + rule("draft-no-examples", "{fact: goals_documented, is: false}", examples=None,
                       categories="[gym_membership]", priority=4, status="draft"))
    found = findings_of(rules, guidelines, "missing-examples")
    assert [f.message for f in found] == ["active rule 'no-examples' has no examples"]


def test_rule_repeated_under_another_id(rules_copy):
    rules, guidelines = rules_copy
    plant_rules(rules, rule("copy", "{fact: goals_documented, is: false}", categories="[gym_membership]",
                            cites="[odg-low-back-exercise]"))
    found = findings_of(rules, guidelines, "duplicate-definition")
    assert len(found) == 1 and "'copy' repeats rule 'odg-low-back-gym-goals-not-documented'" in found[0].message


# -- quotations -------------------------------------------------------------------------

def test_quote_not_in_the_cited_excerpt(rules_copy):
    rules, guidelines = rules_copy
    extra = '    description: The MTUS says "exercise is never contraindicated" here.'
    plant_rules(rules, rule("misquote", "{fact: goals_documented, is: false}", extra=extra, priority=3))
    found = findings_of(rules, guidelines, "quote-not-in-excerpt")
    assert len(found) == 1
    assert "quotes 'exercise is never contraindicated'" in found[0].message and "mtus-cpmtg-exercise" in found[0].message
    assert found[0].properties() == {"rule": "misquote", "field": "description",
                                     "quote": "exercise is never contraindicated", "cites": ["mtus-cpmtg-exercise"]}


def test_a_quote_finding_points_at_the_quote(rules_copy):
    rules, guidelines = rules_copy
    extra = ('    description: >-\n      A long description whose quotation\n      comes later: "exercise is never\n'
             '      contraindicated" here.')
    path = plant_rules(rules, rule("misquote", "{fact: goals_documented, is: false}", extra=extra, priority=3))
    (found,) = findings_of(rules, guidelines, "quote-not-in-excerpt")
    assert found.line == line_of(path, "comes later") != line_of(path, "id: misquote")


def test_quote_found_across_line_breaks_or_only_in_another_excerpt(rules_copy):
    rules, guidelines = rules_copy
    # Verbatim but wrapped across lines: whitespace does not matter.
    ok = '    description: |\n      Programs are indicated "unless   exercise\n      is contraindicated".'
    # Verbatim in the ODG excerpt, but the rule cites the MTUS one.
    wrong = '    description: ODG says "some documentation of progress should be expected".'
    plant_rules(rules, rule("wrapped", "{fact: goals_documented, is: false}", extra=ok, priority=3)
                + rule("other-excerpt", "{fact: goals_documented, is: false}", extra=wrong, priority=4))
    found = findings_of(rules, guidelines, "quote-not-in-excerpt")
    assert [f.message.split("'")[1] for f in found] == ["other-excerpt"]


# -- patterns -------------------------------------------------------------------------

def test_unsafe_pattern_of_a_rule_base_built_in_code(rb):
    # No loader saw these patterns: the validator applies the same check.
    import re
    from dataclasses import replace

    from imr_rules.lint.validators.patterns import UnsafeRegex
    from imr_rules.model import ItemCatalog, Pattern, Where
    gym = rb.items.categories[1]
    bad = replace(gym, patterns=gym.patterns + (Pattern(re.compile(r"(?:\w+){8}!"), Where("code.py", 3)),))
    built = replace(rb, items=ItemCatalog((rb.items.categories[0], bad), rb.items.body_regions))
    found = UnsafeRegex().finalize(built)
    assert len(found) == 1 and "of category gym_membership is unsafe" in found[0].message
    assert (found[0].file, found[0].line, found[0].severity) == ("code.py", 3, "high")
