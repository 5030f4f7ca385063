"""`imr-rules import-letter` and `imr-rules evaluate LETTER`."""

from __future__ import annotations

import json
import shutil

import yaml

from conftest import ROOT

HIST = ROOT / "tests" / "historical"
SEED0 = HIST / "000_724941ea73516dbd.txt"
SEED1 = HIST / "001_f0193407169a11a4.txt"


def test_one_letter_to_stdout_is_a_valid_case_file(cli, tmp_path):
    result = cli("import-letter", SEED1)
    assert result.exit_code == 0, result.output
    case = yaml.safe_load(result.stdout)
    assert case["case_id"] == "001_f0193407169a11a4"
    assert [i["name"] for i in case["items"]] == ["1 LUMBAR REHABILITATION KIT", "1 CERVICAL REHABILITATION KIT",
                                                  "1 SHOULDER REHABILITATION KIT"]
    assert [i["quantity"] for i in case["items"]] == [1, 1, 1]
    assert case["patient"] == {"age": 73, "sex": "male", "date_of_injury": "2004-05-01"}
    assert case["facts"] == {"equipment_need_documented": False, "goals_documented": False,
                             "outcome_monitoring_documented": False}
    for fact, evidence in case["evidence"].items():
        assert evidence["value"] is False and evidence["quote"].startswith("There is no documentation"), fact
    path = tmp_path / "case.yaml"
    path.write_text(result.stdout)
    assert cli("validate", path).exit_code == 0


def test_batch_writes_one_case_per_letter_and_never_overwrites_without_force(cli, tmp_path):
    out = tmp_path / "cases"
    out.mkdir()
    first = cli("import-letter", SEED0, SEED1, "-o", out)
    assert first.exit_code == 0, first.output
    written = sorted(p.name for p in out.iterdir())
    assert written == ["000_724941ea73516dbd.yaml", "001_f0193407169a11a4.yaml"]
    target = out / "000_724941ea73516dbd.yaml"
    target.write_text("# my reviewed edits\n")
    again = cli("import-letter", SEED0, "-o", out)
    assert again.exit_code == 2 and "--force" in again.stderr
    assert target.read_text() == "# my reviewed edits\n"
    forced = cli("import-letter", SEED0, "-o", out, "--force")
    assert forced.exit_code == 0 and "case_id: 000_724941ea73516dbd" in target.read_text()
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "temporary files left behind"


def test_bad_letters_in_a_batch_are_reported_and_the_rest_imported(cli, tmp_path):
    letters = tmp_path / "in"
    letters.mkdir()
    shutil.copy(SEED0, letters)
    (letters / "note.txt").write_text("PROGRESS NOTE\nPatient seen today. Continue home exercise.\n")
    (letters / "empty.txt").write_text("")
    (letters / "binary.txt").write_bytes(b"\x00\x01\x02")
    (letters / "latin1.txt").write_bytes("r\xe9sum\xe9 of care".encode("latin-1"))
    out = tmp_path / "out"
    out.mkdir()
    names = ["note.txt", "000_724941ea73516dbd.txt", "empty.txt", "binary.txt", "latin1.txt"]
    result = cli("import-letter", *[letters / n for n in names], "-o", out)
    assert result.exit_code == 2
    assert [p.name for p in out.iterdir()] == ["000_724941ea73516dbd.yaml"]
    assert "4 of 5 letter(s) not imported" in result.stderr
    for bad in ("note.txt", "empty.txt", "binary.txt", "latin1.txt"):
        assert str(letters / bad) in result.stderr
    assert "Traceback" not in result.stderr


def test_several_letters_need_an_output_folder(cli):
    result = cli("import-letter", SEED0, SEED1)
    assert result.exit_code == 2 and "-o DIR" in result.stderr and result.stdout == ""


def test_evaluate_reads_a_letter_directly(cli):
    out = json.loads(cli("evaluate", SEED1, "--format", "json").stdout)
    assert [(i["determination"], i["imr_outcome"], i["basis"]["guideline_id"]) for i in out["items"]] == [
        ("not_medically_necessary", "upheld", "odg-low-back"),
        ("not_medically_necessary", "upheld", "odg-neck"),
        ("not_medically_necessary", "upheld", "odg-shoulder")]
    seed0 = json.loads(cli("evaluate", SEED0, "--format", "json").stdout)["items"][0]
    assert (seed0["determination"], seed0["basis"]["guideline_id"], seed0["basis"]["pages"]) == \
        ("not_medically_necessary", "mtus-cpmtg", "46-47")


def test_evaluate_refuses_a_file_that_is_not_a_letter(cli, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("PROGRESS NOTE\nNothing to decide here.\n")
    result = cli("evaluate", note)
    assert result.exit_code == 2 and str(note) in result.stderr and result.stdout == ""


def test_output_folder_is_created_when_missing(cli, tmp_path):
    out = tmp_path / "new" / "cases"
    result = cli("import-letter", SEED0, SEED1, "-o", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["000_724941ea73516dbd.yaml", "001_f0193407169a11a4.yaml"]
    (tmp_path / "file").write_text("x")
    clash = cli("import-letter", SEED0, "-o", tmp_path / "file" / "sub")
    assert clash.exit_code == 2 and "cannot create the output folder" in clash.stderr
