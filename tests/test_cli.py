"""The evaluate / validate / schema commands as a user runs them."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT

SEED0 = ROOT / "examples" / "000_724941ea73516dbd.yaml"
SEED1 = ROOT / "examples" / "001_f0193407169a11a4.yaml"
CONTRACT_ITEM_KEYS = {"item_id", "name", "category", "body_region", "determination", "imr_outcome", "conflict",
                      "basis", "rationale", "citations", "documentation_gaps", "fired_rules", "status"}


def test_json_result_follows_the_contract(cli, rb):
    out = json.loads(cli("evaluate", SEED1, "--format", "json").stdout)
    assert set(out) == {"case_id", "tool_version", "ruleset", "items"}
    assert out["ruleset"]["fingerprint"] == rb.fingerprint and rb.fingerprint.startswith("sha256:")
    item = out["items"][0]
    assert CONTRACT_ITEM_KEYS <= set(item)
    assert set(item["basis"]) == {"tier", "guideline_id", "guideline", "chapter", "section", "pages"}
    assert {"excerpt_id", "quote"} <= set(item["citations"][0])


def test_several_cases_in_json_are_a_list(cli):
    out = json.loads(cli("evaluate", SEED0, SEED1, "-f", "json").stdout)
    assert [r["case_id"] for r in out] == ["000_724941ea73516dbd", "001_f0193407169a11a4"]


def test_json_case_file_and_stdin(cli, tmp_path):
    case = {"case_id": "j", "items": [{"name": "Gym membership"}], "facts": {"goals_documented": False}}
    path = tmp_path / "c.json"
    path.write_text(json.dumps(case))
    from_file = json.loads(cli("evaluate", path, "-f", "json").stdout)
    from_stdin = json.loads(cli("evaluate", "-", "-f", "json", input=json.dumps(case)).stdout)
    assert from_file == from_stdin
    assert from_file["items"][0]["determination"] == "not_medically_necessary"


def test_markdown_format(cli):
    md = cli("evaluate", SEED1, "--format", "markdown").stdout
    assert md.startswith("# Draft decision support: case `001_f0193407169a11a4`")
    assert "## LUMBAR REHABILITATION KIT: Not medically necessary" in md
    assert "Labor Code section 4610" in md


def test_jsonl_one_result_per_line_and_errors_marked(cli):
    lines = [json.dumps({"case_id": f"c{i}", "items": [{"name": "exercise kit"}],
                         "facts": {"goals_documented": bool(i % 2)}}) for i in range(3)]
    lines.insert(1, "{not json")
    lines.insert(2, "")
    result = cli("evaluate", "-", "--jsonl", input="\n".join(lines) + "\n")
    assert result.exit_code == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("case_id") for o in out] == ["c0", None, "c1", "c2"]
    assert out[1]["line"] == 2 and "error" in out[1]
    assert "<stdin>:2: error: not valid JSON" in result.stderr
    assert [o["items"][0]["determination"] for o in out if "items" in o] == \
        ["not_medically_necessary", "insufficient_information", "not_medically_necessary"]


def test_jsonl_clean_input_exits_zero(cli, tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps({"case_id": "a", "items": [{"name": "tramadol"}]}) + "\n")
    result = cli("evaluate", path, "--jsonl")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["items"][0]["determination"] == "not_addressed"


def test_schema_command_prints_shipped_schemas(cli):
    for name in ("rules", "facts", "items", "guidelines", "case"):
        result = cli("schema", name)
        assert result.exit_code == 0
        assert json.loads(result.stdout)["$schema"].startswith("https://json-schema.org/")
    bad = cli("schema", "nope")
    assert bad.exit_code == 2 and "choose one of" in bad.stderr


def test_validate_checks_case_files_too(cli, tmp_path):
    ok = cli("validate", SEED0)
    assert ok.exit_code == 0 and "1 case file(s)" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("case_id: x\nitems: [{name: kit}]\nfacts: {nope: 1}\n")
    result = cli("validate", bad)
    assert result.exit_code == 2 and f"{bad}:3:" in result.stderr


def test_usage_error_exits_2(cli):
    assert cli("evaluate", SEED0, "--format", "pdf").exit_code == 2


def test_version(cli):
    from imr_rules import __version__
    assert cli("--version").stdout.strip() == f"imr-rules {__version__}"


def test_every_command_names_the_rule_base_it_uses(cli, tmp_path):
    notice = "rule base: rules tests/fixtures/rulebase/rules, guidelines tests/fixtures/rulebase/guidelines"
    case = tmp_path / "c.yaml"
    case.write_text("case_id: c\nitems: [{name: Gym membership}]\n")
    for args in (["validate"], ["evaluate", SEED0], ["lint"], ["test"], ["explain", case],
                 ["backtest", tmp_path, "--jobs", "1"], ["import-letter", ROOT / "tests/historical/dev-05-contraindicated.txt"],
                 ["evaluate", "--jsonl", "-"]):
        result = cli(*args, input="")
        assert notice in result.stderr.splitlines(), (args, result.stderr)


def test_a_scratch_copy_of_the_rules_is_not_used_silently(cli, rules_copy, monkeypatch):
    """In a copy of the repository, the default rule base is the installed one: say so."""
    rules, guidelines = rules_copy
    monkeypatch.chdir(rules.parent)
    same = cli("validate")
    assert same.exit_code == 0 and "warning" not in same.stderr        # an identical copy changes nothing
    (rules / "facts.yaml").write_text((rules / "facts.yaml").read_text() + "\n# edited\n")
    edited = cli("validate")
    assert edited.exit_code == 0
    assert "warning: ./rules differs from the rules in use (" in edited.stderr
    assert "pass --rules rules to use it" in edited.stderr and "./guidelines" not in edited.stderr
    chosen = cli("validate", "--rules", "rules", "--guidelines", "guidelines")
    assert chosen.stderr.splitlines() == ["rule base: rules rules, guidelines guidelines"]


def test_commands_are_importable_functions(tmp_path, capsys):
    from imr_rules.cli.drafts import schema, validate
    from imr_rules.errors import InputError
    schema("case")
    assert json.loads(capsys.readouterr().out)["title"]
    with pytest.raises(InputError, match="rules folder not found"):
        validate(rules=tmp_path / "nope")


def _jsonl(cli, *lines):
    result = cli("evaluate", "-", "--jsonl", input="\n".join(lines) + "\n")
    return result, [json.loads(line) for line in result.stdout.splitlines()]


def test_jsonl_bad_lines_get_their_error_record_and_the_batch_goes_on(cli):
    good = json.dumps({"case_id": "g", "items": [{"name": "Gym membership"}]})
    bad = {
        "a lone surrogate": '{"case_id": "c\\ud800", "items": [{"name": "kit"}]}',
        "a 5,000-digit integer": '{"case_id": "c", "items": [{"name": "kit", "quantity": ' + "9" * 5000 + "}]}",
        "deep nesting": '{"case_id": "c", "items": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "nesting past the file limit": '{"case_id": "c", "items": ' + "[" * 70 + "]" * 70 + "}",
        "a line over the size limit": '{"case_id": "' + "x" * (1 << 20) + '"}',
    }
    result, out = _jsonl(cli, good, *bad.values(), good)
    assert result.exit_code == 2
    assert [o.get("case_id") for o in out] == ["g"] + [None] * len(bad) + ["g"]
    assert [o["line"] for o in out[1:-1]] == list(range(2, 2 + len(bad)))
    messages = [o["error"] for o in out[1:-1]]
    for fragment, message in zip(["lone surrogate", "too many digits", "nesting deeper than 64",
                                  "nesting deeper than 64", "over the 1048576-byte limit"], messages):
        assert fragment in message
    assert "Traceback" not in result.stderr
    pair = json.dumps({"case_id": "\U0001F600", "items": [{"name": "kit"}]})      # an escaped surrogate pair is fine
    assert _jsonl(cli, pair)[1][0]["case_id"] == "\U0001F600"


SAME_VERDICT = {
    "duplicate keys": ('{"case_id": "c", "items": [{"name": "Gym membership"}], '
                       '"facts": {"goals_documented": false, "goals_documented": true}}', "duplicate key 'goals_documented'"),
    "NaN": ('{"case_id": "c", "items": [{"name": "kit", "quantity": NaN}]}', "NaN"),
    "Infinity": ('{"case_id": "c", "items": [{"name": "kit", "quantity": -Infinity}]}', "Infinity"),
    "1e400": ('{"case_id": "c", "items": [{"name": "kit", "quantity": 1e400}]}', "1e400"),
}


@pytest.mark.parametrize("line, fragment", SAME_VERDICT.values(), ids=SAME_VERDICT.keys())
def test_jsonl_refuses_what_a_case_file_refuses(cli, tmp_path, line, fragment):
    path = tmp_path / "case.json"
    path.write_text(line)
    assert cli("evaluate", path).exit_code == 2
    result, out = _jsonl(cli, line)
    assert result.exit_code == 2 and fragment in out[0]["error"]


def test_a_number_with_an_exponent_is_a_number_in_both_modes(cli, tmp_path):
    line = '{"case_id": "c", "items": [{"name": "Gym membership", "quantity": 1e1}]}'
    path = tmp_path / "case.json"
    path.write_text(line)
    from_file = json.loads(cli("evaluate", path, "-f", "json").stdout)
    assert from_file == _jsonl(cli, line)[1][0]
