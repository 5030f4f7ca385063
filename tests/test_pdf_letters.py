"""Letters as PDF: the same case as from their text, and clear errors for PDFs that are not letters."""

from __future__ import annotations

import json

import pytest
import yaml

from imr_rules.errors import InputError
from imr_rules.letters import import_letter_file

from conftest import FIXTURE, HISTORICAL, ROOT
from letters_common import LETTERS, PATTERNS
from pdfs import image_only_pdf, text_pdf

FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
PROGRESS_NOTE = "PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT\nSubjective: low back pain 6/10.\nPlan: follow up."
A_REAL_LETTER = HISTORICAL / "real" / "CM16-0219557.pdf"


def without_source(case: dict) -> dict:
    case = json.loads(json.dumps(case))
    del case["history"]["source"]
    return case


@pytest.mark.parametrize("path", LETTERS, ids=lambda p: p.stem)
def test_a_letter_printed_to_pdf_imports_as_its_text(path, tmp_path):
    pdf = tmp_path / f"{path.stem}.pdf"
    pdf.write_bytes(text_pdf(path.read_text(encoding="utf-8")))
    from_pdf = import_letter_file(pdf, patterns=PATTERNS)
    from_text = import_letter_file(path, patterns=PATTERNS)
    assert without_source(from_pdf) == without_source(from_text)
    assert from_pdf["history"]["source"]["file"] == pdf.name


def bad_pdfs(tmp_path):
    real = A_REAL_LETTER.read_bytes()
    files = {
        "scan.pdf": (image_only_pdf(), "no text layer"),
        "encrypted.pdf": ((FIXTURES / "encrypted.pdf").read_bytes(), "encrypted"),
        "damaged.pdf": (real[:len(real) // 3], "damaged"),
        "garbage.pdf": (b"%PDF-1.4\n" + bytes(range(256)) * 4, "damaged"),
        "note.pdf": (text_pdf(PROGRESS_NOTE), "not an IMR determination letter"),
    }
    for name, (data, _) in files.items():
        (tmp_path / name).write_bytes(data)
    return {tmp_path / name: what for name, (_, what) in files.items()}


def test_pdfs_that_are_not_usable_letters_are_input_errors_naming_the_file(tmp_path):
    for path, what in bad_pdfs(tmp_path).items():
        with pytest.raises(InputError) as err:
            import_letter_file(path, patterns=PATTERNS)
        assert what in err.value.message, (path.name, err.value.message)
        assert err.value.file == str(path) and err.value.hint


def test_import_letter_batch_reports_each_bad_pdf_and_goes_on(cli, tmp_path):
    bad = bad_pdfs(tmp_path)
    out = tmp_path / "cases"
    out.mkdir()
    result = cli("import-letter", *bad, A_REAL_LETTER, "-o", out)
    assert result.exit_code == 2
    for path, what in bad.items():
        assert f"{path}: error: " in result.stderr and what in result.stderr
    assert "hint:" in result.stderr and "Traceback" not in result.output
    case = yaml.safe_load((out / "CM16-0219557.yaml").read_text(encoding="utf-8"))
    assert case["case_id"] == "CM16-0219557" and case["items"][0]["name"] == "Facet joint injections L4-5, L5-S1"
    assert f"{len(bad)} of {len(bad) + 1} letter(s) not imported" in result.stderr


def test_evaluate_and_explain_read_a_pdf_letter(cli):
    result = cli("evaluate", A_REAL_LETTER, "--format", "json")
    assert result.exit_code == 0, result.output
    draft = json.loads(result.stdout)
    assert draft["case_id"] == "CM16-0219557"
    assert [i["name"] for i in draft["items"]] == ["Facet joint injections L4-5, L5-S1"]
    result = cli("explain", A_REAL_LETTER)
    assert result.exit_code == 0, result.output
    assert "Facet joint injections" in result.stdout


def test_a_pdf_is_known_by_its_content_whatever_its_name(cli, tmp_path):
    renamed = tmp_path / "letter.download"
    renamed.write_bytes(A_REAL_LETTER.read_bytes())
    result = cli("evaluate", renamed, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["case_id"] == "CM16-0219557"


def test_backtest_and_diff_take_folders_of_pdf_letters(cli, tmp_path):
    folder = tmp_path / "letters"
    folder.mkdir()
    for name in ("CM16-0219557", "CM17-0016761", "CM16-0230548"):
        (folder / f"{name}.pdf").write_bytes((HISTORICAL / "real" / f"{name}.pdf").read_bytes())
    report = tmp_path / "report.json"
    result = cli("backtest", folder, "--jobs", "1", "--json", report)
    assert result.exit_code == 0, result.output
    summary = json.loads(report.read_text())["summary"]
    assert summary["items"] == 5 and summary["files"]["errors"] == 0     # 1 + 2 + 2 disputed items
    # The base is the tests' own rule base, as the current one is: the shipped
    # rules/ grow with every topic and may decide these letters differently.
    result = cli("diff", "--base", FIXTURE, folder)
    assert result.exit_code == 0, result.output
    assert "3 inputs, 5 items, 0 items changed" in result.stdout
