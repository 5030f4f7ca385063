"""Declared accepted gaps (``not_addressed:`` in rule files): loading, lint, explain.

A policy editor declares the item categories (and body regions) that no
guideline text the rule base may quote addresses. Their items stay
not_addressed (no rule is guessed for them); lint reports no gap there, and
reports a declaration that rules in fact decide; explain gives the reason.
"""

from __future__ import annotations

import json

import jsonschema
import pytest

from imr_rules import schemas
from imr_rules.errors import InputErrors
from imr_rules.lint import lint
from imr_rules.loader import load_rulebase
from imr_rules.yamlio import parse_document

from conftest import make_case
from test_lint_helpers import line_of, plant_rules, rule

HEADER = "# yaml-language-server: $schema=../imr_rules/schemas/rules.schema.json\n"
REASON = "No published letter quotes a guideline chapter for exercise kits of these regions"


def declare(rules_dir, entries: str, name: str = "not-addressed.yaml"):
    """Write a rule file holding only ``not_addressed:`` entries (YAML, indented by two)."""
    path = rules_dir / name
    path.write_text(HEADER + "not_addressed:\n" + entries)
    return path


def entry(categories="[home_exercise_equipment]", regions: str | None = "[knee, ankle_foot]", reason=REASON) -> str:
    lines = [f"  - categories: {categories}"]
    if regions is not None:
        lines.append(f"    body_regions: {regions}")
    lines.append(f"    reason: {reason}")
    return "\n".join(lines) + "\n"


def errors_of(rules_dir, guidelines_dir) -> list:
    with pytest.raises(InputErrors) as caught:
        load_rulebase(rules_dir, guidelines_dir)
    return caught.value.errors


# -- the schema ------------------------------------------------------------------

def _valid(text: str) -> bool:
    return not schemas.errors(parse_document(text, "r.yaml"), "rules")


def test_schema_takes_a_file_of_declarations_alone_or_beside_rules():
    declaration = "not_addressed:\n  - {categories: [mri], reason: None quoted}\n"
    assert _valid(declaration)
    assert _valid(declaration + "rules:\n" + rule("r1", "{fact: x, is: true}"))
    assert _valid("not_addressed:\n  - {categories: [mri], body_regions: [unspecified, knee], reason: None quoted}\n")


@pytest.mark.parametrize("text,words", [
    ("foo: 1\n", "'rules' is a required property"),                          # neither list
    ("not_addressed: []\n", "should be non-empty"),
    ("not_addressed:\n  - {categories: [mri]}\n", "'reason' is a required property"),
    ("not_addressed:\n  - {reason: x}\n", "'categories' is a required property"),
    ("not_addressed:\n  - {categories: [], reason: x}\n", "should be non-empty"),
    ("not_addressed:\n  - {categories: [mri], body_regions: [], reason: x}\n", "should be non-empty"),
    ("not_addressed:\n  - {categories: [mri], except_body_regions: [knee], reason: x}\n", "unknown key"),
    ("not_addressed:\n  - {categories: [mri], reason: ''}\n", "should be non-empty"),
    ("not_addressed:\n  - {categories: [MRI], reason: x}\n", "does not match"),
])
def test_schema_refuses_malformed_declarations(text, words):
    found = schemas.errors(parse_document(text, "r.yaml"), "rules")
    assert found and any(words in e.message for e in found), [e.message for e in found]
    # The shipped schema is the authority editors use too: jsonschema agrees.
    data = parse_document(text, "r.yaml").data
    assert not jsonschema.Draft202012Validator(schemas.load("rules")).is_valid(data)


def test_schema_names_the_new_key(cli):
    printed = json.loads(cli("schema", "rules").stdout)
    assert printed["properties"]["not_addressed"]["items"] == {"$ref": "#/$defs/not_addressed"}
    assert printed["$defs"]["not_addressed"]["required"] == ["categories", "reason"]


# -- loading -----------------------------------------------------------------------

def test_declarations_load_into_the_rule_base(rules_copy):
    rules, guidelines = rules_copy
    path = declare(rules, entry() + entry(categories="[gym_membership]", regions=None, reason="All gyms."))
    rb = load_rulebase(rules, guidelines)
    first, second = rb.not_addressed
    assert first.categories == {"home_exercise_equipment"} and first.body_regions == {"knee", "ankle_foot"}
    assert first.reason == REASON
    assert (first.where.file, first.where.line) == (str(path), 3)
    assert second.body_regions is None and (second.where.line, second.reason) == (6, "All gyms.")
    assert rb.declared_not_addressed("home_exercise_equipment", "knee") is first
    assert rb.declared_not_addressed("home_exercise_equipment", "lumbar") is None
    assert rb.declared_not_addressed("gym_membership", "unspecified") is second     # every region
    assert rb.declared_not_addressed(None, "knee") is None


def test_a_declaration_is_part_of_the_fingerprint(rules_copy):
    rules, guidelines = rules_copy
    path = declare(rules, entry())
    before = load_rulebase(rules, guidelines).fingerprint
    path.write_text(path.read_text().replace(REASON, "Another reason"))
    assert load_rulebase(rules, guidelines).fingerprint != before


def test_declarations_come_back_from_the_rule_base_cache(rules_copy, monkeypatch, tmp_path):
    from imr_rules import rulebase_cache
    import imr_rules.loader as loader
    monkeypatch.setenv(rulebase_cache.ENV, str(tmp_path / "cache"))
    rules, guidelines = rules_copy
    declare(rules, entry())
    first = load_rulebase(rules, guidelines)
    monkeypatch.setattr(loader, "_read", lambda *a: pytest.fail("the files were read again"))
    assert load_rulebase(rules, guidelines).not_addressed == first.not_addressed != ()


def test_unknown_ids_are_reported_with_their_lines_and_a_suggestion(rules_copy):
    rules, guidelines = rules_copy
    path = declare(rules, entry(categories="[home_exercise_equipmnt]")
                   + entry(categories="[gym_membership]", regions="[lumbar, ankle_fot]"))
    found = errors_of(rules, guidelines)
    assert [(e.file, e.line) for e in found] == [(str(path), line_of(path, "home_exercise_equipmnt")),
                                                 (str(path), line_of(path, "ankle_fot"))]
    assert found[0].message == "not_addressed declares unknown item category 'home_exercise_equipmnt'"
    assert "did you mean 'home_exercise_equipment'?" in found[0].hint
    assert found[1].message == "not_addressed declares unknown body region 'ankle_fot'"
    assert "did you mean 'ankle_foot'?" in found[1].hint


def test_a_pair_declared_twice_is_refused_at_the_second(rules_copy):
    rules, guidelines = rules_copy
    path = declare(rules, entry() + entry(regions=None, reason="Again."))
    [error] = errors_of(rules, guidelines)
    assert error.line == 6
    assert error.message == ("home_exercise_equipment/ankle_foot (and 1 more category/region pair) already "
                             f"declared not addressed at {path}:3")


def test_a_reason_is_one_line(rules_copy):
    rules, guidelines = rules_copy
    path = declare(rules, entry(reason="|\n      First line.\n      Second line.")
                   + entry(categories="[gym_membership]", reason="'   '"))
    found = errors_of(rules, guidelines)
    assert [(e.line, e.message) for e in found] == [
        (line_of(path, "reason: |"), "the reason of a not_addressed entry has 2 lines: it must be one"),
        (line_of(path, "reason: '   '"), "the reason of a not_addressed entry is blank")]


def test_validate_lists_declaration_errors_beside_rule_errors(cli, rules_copy):
    rules, guidelines = rules_copy
    declare(rules, entry(categories="[gym_membershp]"))
    neck = rules / "odg-neck-exercise.yaml"
    neck.write_text(neck.read_text().replace("fact: goals_documented", "fact: goal_documented", 1))
    result = cli("validate", "--rules", rules, "--guidelines", guidelines)
    assert result.exit_code == 2
    assert "not-addressed.yaml:3: error: not_addressed declares unknown item category 'gym_membershp'" in result.output
    assert "unknown fact 'goal_documented'" in result.output


# -- lint --------------------------------------------------------------------------

AQUATIC = """  - id: aquatic_therapy
    title: Aquatic therapy
    patterns: ['\\baquatic therapy\\b']
"""
ALL_REGIONS_BUT_LUMBAR = "cervical, thoracic, shoulder, elbow, wrist_hand, hip, knee, ankle_foot, unspecified"


def aquatic_for_lumbar_only(rules_dir):
    """A category whose two rules decide lumbar items whatever the facts, and no other region."""
    items = rules_dir / "items.yaml"
    items.write_text(items.read_text().replace("\nbody_regions:", "\n" + AQUATIC + "\nbody_regions:"))
    plant_rules(rules_dir, rule("aquatic-contraindicated", "{fact: exercise_contraindicated, is: true}",
                                categories="[aquatic_therapy]", regions="body_regions: [lumbar]")
                + rule("aquatic-not-contraindicated", "{fact: exercise_contraindicated, is: false}",
                       categories="[aquatic_therapy]", regions="body_regions: [lumbar]",
                       determination="medically_necessary"))


def found(rules_dir, guidelines_dir, validator):
    return [f for f in lint(load_rulebase(rules_dir, guidelines_dir)) if f.validator == validator]


def test_no_gap_is_reported_inside_a_declared_gap(rules_copy):
    rules, guidelines = rules_copy
    aquatic_for_lumbar_only(rules)
    [gap] = found(rules, guidelines, "gap")          # control: every region but lumbar is a gap
    assert gap.message == f"no active rule applies to aquatic_therapy items (body regions {ALL_REGIONS_BUT_LUMBAR})"
    declare(rules, entry(categories="[aquatic_therapy]", regions="[knee, ankle_foot, unspecified]"))
    [gap] = found(rules, guidelines, "gap")          # the declared regions leave the finding, the others stay
    assert gap.message == ("no active rule applies to aquatic_therapy items "
                           "(body regions cervical, thoracic, shoulder, elbow, wrist_hand, hip)")
    assert gap.properties()["regions"] == ["cervical", "thoracic", "shoulder", "elbow", "wrist_hand", "hip"]
    declare(rules, entry(categories="[aquatic_therapy]", regions=f"[{ALL_REGIONS_BUT_LUMBAR}]"))
    assert found(rules, guidelines, "gap") == []
    assert found(rules, guidelines, "not-addressed-decided") == []      # no rule applies there: not stale


def test_a_declared_gap_that_rules_decide_is_a_low_finding(rules_copy):
    rules, guidelines = rules_copy
    aquatic_for_lumbar_only(rules)
    path = declare(rules, entry(categories="[aquatic_therapy]", regions=None))      # every region, lumbar too
    assert found(rules, guidelines, "gap") == []
    [stale] = found(rules, guidelines, "not-addressed-decided")
    assert stale.severity == "low" and (stale.file, stale.line) == (str(path), 3)
    assert stale.message == ("declared not addressed but decided by rules 'aquatic-contraindicated', "
                             "'aquatic-not-contraindicated' for aquatic_therapy/lumbar")
    assert stale.properties() == {"rules": ["aquatic-contraindicated", "aquatic-not-contraindicated"],
                                  "items": ["aquatic_therapy/lumbar"], "reason": REASON}


def test_a_declaration_suppresses_a_gap_with_a_witness_and_names_the_rules_there(rules_copy):
    rules, guidelines = rules_copy
    neck = rules / "odg-neck-exercise.yaml"
    text = neck.read_text()
    start = text.index("  - id: odg-neck-equipment-criteria-documented")
    neck.write_text(text[:start] + text[start:].replace("status: active", "status: draft", 1))
    [gap] = found(rules, guidelines, "gap")        # control: cervical kits are undecided when all is documented
    assert "home_exercise_equipment items (body region cervical) when" in gap.message
    declare(rules, entry(regions="[cervical]"))
    assert found(rules, guidelines, "gap") == []
    [stale] = found(rules, guidelines, "not-addressed-decided")
    # The rules that still apply there decide some cervical kits: the declaration says otherwise.
    assert stale.properties()["rules"] == ["mtus-exercise-contraindicated", "odg-neck-equipment-need-not-documented",
                                           "odg-neck-equipment-goals-not-documented",
                                           "odg-neck-equipment-monitoring-not-documented"]
    assert stale.message.startswith("declared not addressed but decided by rules 'mtus-exercise-contraindicated', ")
    assert stale.message.endswith(" for home_exercise_equipment/cervical")


def test_cli_exit_codes_and_machine_formats_carry_the_declaration_finding(rules_copy, cli):
    rules, guidelines = rules_copy
    aquatic_for_lumbar_only(rules)
    args = ("lint", "--rules", rules, "--guidelines", guidelines)
    assert cli(*args).exit_code == 1                  # control: the medium gap fails lint
    path = declare(rules, entry(categories="[aquatic_therapy]", regions=None))
    text = cli(*args)
    assert text.exit_code == 0, text.output           # only a low finding is left
    assert (f"{path}:3: low not-addressed-decided: declared not addressed but decided by rules "
            "'aquatic-contraindicated', 'aquatic-not-contraindicated' for aquatic_therapy/lumbar") in text.output
    assert cli(*args, "--fail-on", "low").exit_code == 1
    [as_json] = [f for f in json.loads(cli(*args, "--format", "json").stdout)
                 if f["validator"] == "not-addressed-decided"]
    assert as_json["data"]["items"] == ["aquatic_therapy/lumbar"] and as_json["line"] == 3
    sarif = json.loads(cli(*args, "--format", "sarif").stdout)["runs"][0]
    [result] = [r for r in sarif["results"] if r["ruleId"] == "not-addressed-decided"]
    assert result["level"] == "note" and result["properties"]["reason"] == REASON
    assert "not-addressed-decided" in [r["id"] for r in sarif["tool"]["driver"]["rules"]]
    assert cli(*args, "--min-severity", "medium").exit_code == 0


# -- explain -----------------------------------------------------------------------

def test_explain_says_an_item_of_a_declared_gap_is_not_addressed_on_purpose(rules_copy):
    from imr_rules.explain import explain_case
    from imr_rules.paths import display_path
    rules, guidelines = rules_copy
    aquatic_for_lumbar_only(rules)
    path = declare(rules, entry(categories="[aquatic_therapy]", regions="[knee, ankle_foot]"))
    rb = load_rulebase(rules, guidelines)
    knee, hip, lumbar = explain_case(rb, make_case("Aquatic therapy for the knee", "Aquatic therapy for the hip",
                                                   ("Aquatic therapy, low back", {"exercise_contraindicated": False})))
    assert (knee["category"], knee["body_region"], knee["determination"]) == ("aquatic_therapy", "knee",
                                                                               "not_addressed")
    where = f"{display_path(str(path))}:3"
    assert knee["reason"] == f"not addressed on purpose: {REASON} (declared at {where})"
    assert knee["declared_not_addressed"] == {"reason": REASON, "where": where}
    assert "nearest_categories" not in knee          # classified as declared: nothing was missed
    # Controls: an undeclared region of the category, and a decided item, read as before.
    assert hip["determination"] == "not_addressed" and hip["reason"] == "no rule applies to this item"
    assert "declared_not_addressed" not in hip and hip["nearest_categories"]
    assert lumbar["determination"] == "medically_necessary" and "declared_not_addressed" not in lumbar


def test_explain_of_a_declared_pair_that_a_rule_decides_keeps_the_rule_base_reason(rules_copy):
    from imr_rules.explain import explain_case
    rules, guidelines = rules_copy
    aquatic_for_lumbar_only(rules)
    declare(rules, entry(categories="[aquatic_therapy]", regions=None))     # stale for lumbar (lint says so)
    [item] = explain_case(load_rulebase(rules, guidelines), make_case("Aquatic therapy, low back"))
    assert item["determination"] == "insufficient_information"            # the rules decide, not the declaration
    assert "declared_not_addressed" not in item and "on purpose" not in item["reason"]


def test_explain_cli_text_and_json_give_the_declared_reason(rules_copy, cli, tmp_path):
    rules, guidelines = rules_copy
    aquatic_for_lumbar_only(rules)
    declare(rules, entry(categories="[aquatic_therapy]", regions="[knee]"))
    case = tmp_path / "case.yaml"
    case.write_text("case_id: c1\nitems:\n  - {id: pool, name: 12 sessions of aquatic therapy for the left knee}\n")
    args = ("explain", case, "--rules", rules, "--guidelines", guidelines)
    text = cli(*args)
    assert text.exit_code == 0, text.output
    assert f"  why: not addressed on purpose: {REASON} (declared at " in text.output
    assert "nearest category" not in text.output
    [item] = json.loads(cli(*args, "--format", "json").stdout)["items"]
    assert item["reason"].startswith(f"not addressed on purpose: {REASON}")
    assert item["declared_not_addressed"]["reason"] == REASON


# -- the documentation ---------------------------------------------------------------

@pytest.mark.parametrize("doc", ["README.md", "docs/authoring.md"])
def test_documented_declaration_is_valid_and_names_shipped_ids(doc, shipped_rb):
    import re
    from conftest import ROOT
    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", (ROOT / doc).read_text(), re.S) if "not_addressed:" in b]
    assert schemas.errors(parse_document(block, doc), "rules") == []
    data = parse_document(block, doc).data
    for declared in data["not_addressed"]:
        assert set(declared["categories"]) <= shipped_rb.items.category_id_set
        assert set(declared.get("body_regions", ())) <= shipped_rb.items.region_id_set
        # What the guide shows is what the shipped rule base declares.
        for c in declared["categories"]:
            for r in declared.get("body_regions", ()):
                assert shipped_rb.declared_not_addressed(c, r).reason == declared["reason"]
