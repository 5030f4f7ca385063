"""Bad input: one clear message (file:line, what to do), exit 2, no traceback,
nothing on stdout that could pass for a result."""

from __future__ import annotations

import os
import re
import threading

import pytest

from conftest import ROOT
from imr_rules.yamlio import MAX_FILE_BYTES

GOOD_CASE = "case_id: c1\nitems:\n  - name: 1 LUMBAR REHABILITATION KIT\nfacts: {goals_documented: false}\n"


def assert_invalid(result, *fragments, line=None, file=None):
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.stdout == "", "a partial result was printed"
    err = result.stderr
    assert "Traceback" not in err
    assert "error:" in err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    if file is not None:
        assert re.search(re.escape(str(file)) + (f":{line}:" if line else r"(:\d+)?:"), err), err


@pytest.mark.parametrize("text, fragments, line", [
    ("case_id: c1\nitems: [\n", ["malformed YAML"], 2),
    ("case_id: c1\nitems: []\n", ["items"], 2),
    ("case_id: c1\n", ["'items' is a required property"], 1),
    ("case_id: c1\nitems:\n  - name: kit\nfacts: {goal_documented: false}\n", ["unknown fact 'goal_documented'"], 4),
    ("case_id: c1\nitems:\n  - name: kit\nfacts:\n  goals_documented: 'no'\n",
     ["fact 'goals_documented' must be true or false"], 5),
    ("case_id: c1\nitems:\n  - name: kit\n    facts: {goals_documented: 3}\n", ["must be true or false"], 4),
    ("case_id: c1\nitems:\n  - name: kit\n    id: a\n  - name: kit2\n    id: a\n", ["duplicate item id 'a'"], 6),
    ("case_id: c1\nitems:\n  - name: kit\n    category: drugs\n", ["unknown item category 'drugs'"], 4),
    ("case_id: c1\nur_decision: denied\nitems:\n  - name: kit\n", ["ur_decision"], 2),
    ("case_id: c1\ncase_id: c2\nitems:\n  - name: kit\n", ["duplicate key 'case_id'"], 2),
    ("- just\n- a list\n", ["a case must be a mapping"], None),
])
def test_bad_case_files(cli, tmp_path, text, fragments, line):
    path = tmp_path / "case.yaml"
    path.write_text(text)
    assert_invalid(cli("evaluate", path), *fragments, "hint:", line=line, file=path)


def test_alias_bomb_is_refused_before_expansion(cli, tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [*a{i - 1 if i > 1 else ''}, *a{i - 1 if i > 1 else ''}]".replace("*a0", "*a"))
    lines.append("case_id: c\nitems: [{name: kit}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines).replace("*a1 ", "*a ") + "\n")
    assert_invalid(cli("evaluate", path), "aliases", file=path, line=2)


def test_oversized_file_is_refused(cli, tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(GOOD_CASE + "# " + "x" * MAX_FILE_BYTES + "\n")
    assert_invalid(cli("evaluate", path), "limit", file=path)


@pytest.mark.parametrize("raw, fragment", [(b"\xff\xfe\x00case", "binary"), (b"case_id: \xe9\n", "not valid UTF-8")])
def test_binary_and_non_utf8_files(cli, tmp_path, raw, fragment):
    path = tmp_path / "case.yaml"
    path.write_bytes(raw)
    assert_invalid(cli("evaluate", path), fragment, file=path)


def test_missing_file(cli, tmp_path):
    assert_invalid(cli("evaluate", tmp_path / "nope.yaml"), "not found")


def test_one_bad_case_among_good_ones_prints_no_results(cli, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(GOOD_CASE)
    bad = tmp_path / "bad.yaml"
    bad.write_text("case_id: c1\nitems: []\n")
    assert_invalid(cli("evaluate", good, bad, "-f", "json"), str(bad))


# -- rule bases -------------------------------------------------------------

def _edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _line_of(path, needle):
    """Line of the last occurrence (a duplicate is reported where it repeats)."""
    found = [n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    assert found, needle
    return found[-1]


@pytest.mark.parametrize("edit, fragments", [
    (("cites: [mtus-cpmtg-exercise]", "cites: [mtus-cpmtg-exercize]"),
     ["unknown excerpt 'mtus-cpmtg-exercize'", "did you mean 'mtus-cpmtg-exercise'"]),
    (("when: {fact: exercise_contraindicated, is: true}", "when: {fact: exercise_contra, is: true}"),
     ["unknown fact 'exercise_contra'"]),
    (("when: {fact: exercise_contraindicated, is: true}", "when: {fact: exercise_contraindicated, is: 3}"),
     ["must be true or false"]),
    (("when: {fact: exercise_contraindicated, is: true}", "when: {fact: exercise_contraindicated, op: '<', value: true}"),
     ["operator '<' does not apply to boolean fact"]),
    (("  - id: mtus-equipment-need-not-documented", "  - id: mtus-exercise-contraindicated"),
     ["duplicate rule id 'mtus-exercise-contraindicated'"]),
    (("categories: [home_exercise_equipment, gym_membership]", "categories: [home_exercise_kits, gym_membership]"),
     ["unknown item category 'home_exercise_kits'"]),
    (("priority: 10", "priority: high"), ["priority"]),
    (("determination: not_medically_necessary\n", "determination: denied\n"), ["determination"]),
    (("finding: The records document that exercise", "finding: The {patient} records document that exercise"),
     ["unknown placeholder {patient}"]),
])
def test_bad_rule_files_name_file_and_line(cli, rules_copy, edit, fragments):
    rules, guidelines = rules_copy
    path = rules / "mtus-chronic-pain-exercise.yaml"
    _edit(path, *edit)
    line = _line_of(path, edit[1].splitlines()[0].strip())
    result = cli("evaluate", ROOT / "examples" / "000_724941ea73516dbd.yaml", "--rules", rules,
                 "--guidelines", guidelines)
    assert_invalid(result, *fragments, file=path, line=line)
    assert_invalid(cli("validate", "--rules", rules, "--guidelines", guidelines), *fragments, file=path, line=line)


def test_bad_guideline_file(cli, rules_copy):
    rules, guidelines = rules_copy
    path = guidelines / "odg-neck.yaml"
    _edit(path, "tier: non_mtus", "tier: acoem")
    result = cli("validate", "--rules", rules, "--guidelines", guidelines)
    assert_invalid(result, "tier", file=path, line=_line_of(path, "tier: acoem"))
    assert "unknown excerpt" not in result.stderr       # no cascade from the broken file


def test_every_problem_of_a_rule_base_is_reported_at_once(cli, rules_copy):
    rules, guidelines = rules_copy
    _edit(rules / "odg-neck-exercise.yaml", "cites: [odg-neck-exercise]", "cites: [nope-1]")
    _edit(rules / "odg-shoulder-exercise.yaml", "cites: [odg-shoulder-exercise]", "cites: [nope-2]")
    result = cli("validate", "--rules", rules, "--guidelines", guidelines)
    assert_invalid(result, "nope-1", "nope-2")


def test_invalid_regex_in_item_catalog(cli, rules_copy):
    rules, guidelines = rules_copy
    _edit(rules / "items.yaml", "- '\\bgym\\b'", "- '\\bgym('")
    assert_invalid(cli("validate", "--rules", rules, "--guidelines", guidelines), "invalid regular expression",
                   file=rules / "items.yaml")


def test_missing_rules_folder(cli, tmp_path):
    assert_invalid(cli("validate", "--rules", tmp_path / "nope"), "not found", "hint:")


def test_condition_too_complex_for_the_engine_is_refused_at_its_line(cli, rules_copy):
    rules, guidelines = rules_copy
    # seven two-way `any` inside an `all`: 2^7 = 128 alternatives for the engine
    branch = "        - any: [{fact: goals_documented, is: true}, {fact: exercise_contraindicated, is: false}]\n"
    (rules / "complex.yaml").write_text(
        "rules:\n  - id: too-complex\n    title: t\n    applies_to: {categories: [gym_membership]}\n"
        "    when:\n      all:\n" + branch * 7 +
        "    then: {determination: medically_necessary, finding: f.}\n"
        "    cites: [odg-low-back-exercise]\n    priority: 50\n    status: active\n")
    result = cli("validate", "--rules", rules, "--guidelines", guidelines)
    assert_invalid(result, "expands to more than 64 alternatives", "split the rule",
                   file=rules / "complex.yaml", line=6)


# -- YAML values that cannot be built (point 2): every file kind, every command -----

BAD_VALUES = {
    "a date that does not exist": ("2014-02-30", "'2014-02-30' is not a valid date"),
    "an unknown tag": ("!foo 2014-01-01", "unknown YAML tag '!foo'"),
    "a 5,000-digit integer": ("9" * 5000, "has 5000 digits, too many to read"),
    "a number that overflows": ("1.0e+400", "is not a finite number"),
}


@pytest.mark.parametrize("value, fragment", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_bad_values_in_a_case_file(cli, tmp_path, value, fragment):
    path = tmp_path / "case.yaml"
    path.write_text(f"case_id: c1\nrequest_date: {value}\nitems:\n  - name: kit\n")
    for args in (["evaluate", path], ["validate", path], ["explain", path]):
        assert_invalid(cli(*args), fragment, "hint:", file=path, line=2)


@pytest.mark.parametrize("value, fragment", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_bad_values_in_a_rule_file(cli, rules_copy, tmp_path, value, fragment):
    rules, guidelines = rules_copy
    path = rules / "mtus-chronic-pain-exercise.yaml"
    _edit(path, "priority: 10\n", f"priority: 10\n    effective_from: {value}\n")
    line = _line_of(path, "effective_from:")
    given = ["--rules", rules, "--guidelines", guidelines]
    case = ROOT / "examples" / "000_724941ea73516dbd.yaml"
    (tmp_path / "corpus").mkdir()
    for args in (["evaluate", case, *given], ["validate", *given], ["lint", *given], ["explain", case, *given],
                 ["test", *given], ["diff", "--base", rules, "--guidelines", guidelines, tmp_path / "corpus"],
                 ["backtest", tmp_path / "corpus", *given]):
        assert_invalid(cli(*args), fragment, "hint:", file=path, line=line)


@pytest.mark.parametrize("value, fragment", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_bad_values_in_a_baseline(cli, tmp_path, value, fragment):
    (tmp_path / "corpus").mkdir()
    base = tmp_path / "baseline.yaml"
    base.write_text(f"version: 1\ndisagreements:\n  - {{source: a, item_id: {value}, expected: upheld, got: upheld}}\n")
    assert_invalid(cli("backtest", tmp_path / "corpus", "--baseline", base), fragment, file=base, line=3)


def test_tags_on_lists_and_lone_surrogates_are_refused(cli, tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("case_id: c1\nitems: !foo\n  - name: kit\n")
    assert_invalid(cli("evaluate", path), "unknown YAML tag '!foo'", file=path, line=2)


# -- YAML syntax errors at the line to fix (point 10) -------------------------------

@pytest.mark.parametrize("text, line, fragments", [
    ("case_id: c1\nitems:\n  - {name: kit, quantity: 1\nfacts: {}\n", 3, ["the '{' on this line is never closed"]),
    ('{"case_id": "c1",\n "items": [{"name": "kit"}\n}\n', 2, ["the '[' on this line is never closed"]),
    ("case_id: c1\nitems: [\n", 2, ["the '[' on this line is never closed"]),
    ('case_id: "c1\nitems: []\n', 1, ["the quoted text that starts on this line is never closed"]),
    ("x: {a: 1,\n  b: 2\n  c: 3}\n", 3, ["did not find expected ',' or '}'"]),        # closed: the comma is missing
    ("case_id: c1\nitems:\n\t- name: kit\n", 3, ["a tab character", "replace the tab with spaces"]),
    ("case_id: c1\nitems:\n  - name: kit\n\tfacts: {}\n", 4, ["a tab character"]),
])
def test_syntax_errors_point_at_the_line_to_fix(cli, tmp_path, text, line, fragments):
    path = tmp_path / "case.yaml"
    path.write_text(text)
    assert_invalid(cli("evaluate", path), "malformed YAML/JSON", *fragments, file=path, line=line)


# -- reads are bounded (point 7) ------------------------------------------------------

def test_standard_input_is_read_up_to_the_limit(cli):
    assert_invalid(cli("evaluate", "-", input=GOOD_CASE + "#" * (MAX_FILE_BYTES + 10)), "limit", file="<stdin>")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_device_is_refused(cli):
    assert_invalid(cli("evaluate", "/dev/zero"), "over the 1048576-byte limit", file="/dev/zero")


@pytest.mark.timeout(60, method="thread")
def test_a_fifo_is_read_up_to_the_limit(cli, tmp_path):
    fifo = tmp_path / "case.fifo"
    os.mkfifo(fifo)
    written = []

    def feed():
        try:
            with open(fifo, "wb") as f:
                for _ in range(64):              # 4 MiB, far more than the reader takes
                    f.write(b"#" * (1 << 16))
                    written.append(1 << 16)
        except BrokenPipeError:
            pass
    writer = threading.Thread(target=feed)
    writer.start()
    result = cli("evaluate", fifo)
    writer.join()
    assert_invalid(result, "over the 1048576-byte limit", file=fifo)
    assert sum(written) < 4 << 20         # the reader stopped reading


def test_a_file_name_that_is_not_utf8(cli, tmp_path):
    path = os.path.join(os.fsencode(tmp_path), b"case-\xff.yaml")
    with open(path, "wb") as f:
        f.write(GOOD_CASE.encode())
    result = cli("evaluate", os.fsdecode(path))
    assert_invalid(result, "name is not valid UTF-8", "case-\ufffd.yaml")
