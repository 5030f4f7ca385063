"""`imr-rules validate` lists every problem of every file in one run, in file and line order;
finding templates take only their placeholders; excerpt texts are guarded by checksums."""

from __future__ import annotations

import json
import re

from imr_rules.checksums import excerpt_checksum, main as checksums_main

from test_lint_helpers import line_of


def _lines(output: str) -> list[tuple[str, int]]:
    return [(m[1], int(m[2])) for m in re.finditer(r"^(\S+?):(\d+): error:", output, re.M)]


def test_every_problem_of_every_file_in_line_order(cli, rules_copy, tmp_path):
    rules, guidelines = rules_copy
    neck = rules / "odg-neck-exercise.yaml"
    text = neck.read_text()
    # Two schema errors in the first rule; the file's other rules are still checked.
    text = text.replace("priority: 20", "priority: high", 1).replace("status: active", "status: actve", 1)
    text = text.replace("fact: equipment_need_documented", "fact: equipment_needz_documented", 1)
    text = text.replace("fact: goals_documented", "fact: goal_documented")
    neck.write_text(text)
    shoulder = rules / "odg-shoulder-exercise.yaml"
    shoulder.write_text(shoulder.read_text().replace("fact: equipment_need_documented",
                                                     "fact: equipment_needs_documented", 1))
    guideline = guidelines / "odg-low-back.yaml"
    guideline.write_text(guideline.read_text().replace("section: Exercise", "section: 12", 1))
    cases = []
    for n, fact in enumerate(("goal_documented", "exercise_contraindicate")):
        case = tmp_path / f"case{n}.yaml"
        case.write_text(f"case_id: c{n}\nitems:\n  - name: Gym membership\nfacts:\n  {fact}: true\n")
        cases.append(case)
    result = cli("validate", *cases, "--rules", rules, "--guidelines", guidelines)
    assert result.exit_code == 2
    found = _lines(result.output)
    assert found == sorted(found)       # file, then line
    files = {f.rsplit("/", 1)[-1] for f, _ in found}
    assert files == {"odg-low-back.yaml", "odg-neck-exercise.yaml", "odg-shoulder-exercise.yaml"}
    out = result.output
    assert "priority: 'high' is not of type 'integer'" in out and "status: 'actve' is not one of" in out
    # The broken rule is skipped (its unknown fact is not reported), the file's other rules
    # are still read.
    assert "equipment_needz_documented" not in out
    assert out.count("unknown fact 'goal_documented'") == 2
    assert "(did you mean 'goals_documented'?)" in out and "(did you mean 'equipment_need_documented'?)" in out
    assert f"odg-neck-exercise.yaml:{line_of(neck, 'priority: high')}: error" in out
    assert result.output.splitlines()[-1] == f"{len(found)} errors"


def test_every_case_file_is_checked_with_suggestions(cli, tmp_path):
    cases = []
    for n, fact in enumerate(("goal_documented", "exercise_contraindicate")):
        case = tmp_path / f"case{n}.yaml"
        case.write_text(f"case_id: c{n}\nitems:\n  - name: Gym membership\nfacts:\n  {fact}: true\n")
        cases.append(case)
    result = cli("validate", *cases)
    assert result.exit_code == 2
    assert f"{cases[0]}:5: error: unknown fact 'goal_documented'" in result.output
    assert f"{cases[1]}:5: error: unknown fact 'exercise_contraindicate'" in result.output
    assert "did you mean 'exercise_contraindicated'?" in result.output


def test_a_template_with_a_format_specification_is_refused(cli, rules_copy, tmp_path):
    rules, guidelines = rules_copy
    neck = rules / "odg-neck-exercise.yaml"
    neck.write_text(neck.read_text().replace("finding: There is no documentation of the goals of this intervention.",
                                             'finding: "{item:>999999999} No documentation of the goals."', 1))
    result = cli("validate", "--rules", rules, "--guidelines", guidelines)
    assert result.exit_code == 2
    assert "placeholder {item:>999999999} has a format specification" in result.output
    assert f"odg-neck-exercise.yaml:{line_of(neck, '999999999')}:" in result.output
    for spec in ("{item!r}", "{region:^50}", "{item.__class__}", "{category[0]}"):
        neck.write_text(neck.read_text().replace("{item:>999999999}", spec))
        assert cli("validate", "--rules", rules, "--guidelines", guidelines).exit_code == 2, spec
        neck.write_text(neck.read_text().replace(spec, "{item:>999999999}"))


# -- excerpt checksums ----------------------------------------------------------------

def test_an_edit_to_guideline_text_is_reported(cli, rules_copy):
    rules, guidelines = rules_copy
    path = guidelines / "mtus-chronic-pain.yaml"
    text = path.read_text()
    assert "strong evidence" in text
    path.write_text(text.replace("strong evidence", "weak evidence", 1))
    for command in ("validate", "lint", "evaluate"):
        args = [command, "--rules", rules, "--guidelines", guidelines] + (["-"] if command == "evaluate" else [])
        result = cli(*args, input="case_id: c\nitems: [{name: Gym membership}]\n")
        assert result.exit_code == 2, command
        assert f"mtus-chronic-pain.yaml:{line_of(path, 'text:')}: error: excerpt 'mtus-cpmtg-exercise': its " \
               "text was changed" in result.output
        assert "if this edit is deliberate" in result.output
    # Re-wrapping the lines is not an edit.
    path.write_text(text.replace("strong evidence", "strong\n      evidence", 1))
    assert cli("validate", "--rules", rules, "--guidelines", guidelines).exit_code == 0


def test_a_new_excerpt_needs_a_checksum_and_the_tool_writes_it(cli, rules_copy, capsys):
    rules, guidelines = rules_copy
    path = guidelines / "odg-neck.yaml"
    path.write_text(path.read_text() + "  # a new one\n  - id: odg-neck-new\n    section: Other\n"
                    "    text: >-\n      Some new\n      text.\n")
    result = cli("validate", "--rules", rules, "--guidelines", guidelines)
    assert result.exit_code == 2
    want = excerpt_checksum("Some new text.")
    assert f"excerpt 'odg-neck-new' has no checksum" in result.output and f"checksum: {want}" in result.output
    assert checksums_main([str(path)]) == 1
    assert "odg-neck-new" in capsys.readouterr().out
    assert checksums_main(["--write", str(path)]) == 0
    assert f"  - id: odg-neck-new\n    checksum: {want}\n    section: Other\n" in path.read_text()
    assert "# a new one" in path.read_text()
    assert cli("validate", "--rules", rules, "--guidelines", guidelines).exit_code == 0
    # An outdated checksum is rewritten in place.
    path.write_text(path.read_text().replace("Some new", "Some newer"))
    assert checksums_main(["--write", str(path)]) == 0
    assert f"checksum: {excerpt_checksum('Some newer text.')}\n" in path.read_text()
    assert cli("validate", "--rules", rules, "--guidelines", guidelines).exit_code == 0


def test_shipped_excerpts_carry_their_checksums(rb):
    import yaml
    for file in {e.where.file for e in rb.excerpts.values()}:
        for e in yaml.safe_load(open(file, encoding="utf-8"))["excerpts"]:
            assert e["checksum"] == excerpt_checksum(e["text"]), e["id"]
