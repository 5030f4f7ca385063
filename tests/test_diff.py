"""imr-rules diff: the historical corpus under two rule sets."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import FIXTURE, FIXTURE_GUIDELINES, FIXTURE_RULES, HISTORICAL
from test_lint_helpers import add_fact

KNEE_OK = """case_id: knee
items:
  - {id: kit, name: Knee home exercise kit}
facts: {equipment_need_documented: true, goals_documented: true, outcome_monitoring_documented: true}
"""
NECK_NO = """case_id: neck
items:
  - {id: kit, name: CERVICAL REHABILITATION KIT}
  - {id: gym, name: Gym membership}
facts: {equipment_need_documented: false}
"""


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "knee.yaml").write_text(KNEE_OK)
    (folder / "sub" / "neck.yaml").write_text(NECK_NO)
    return folder


@pytest.fixture
def head(tmp_path):
    """A changed copy of the rules: knee kits lose their approving rule, neck kits cite the low back chapter."""
    rules = tmp_path / "head" / "rules"
    shutil.copytree(FIXTURE_RULES, rules)
    mtus = rules / "mtus-chronic-pain-exercise.yaml"
    text = mtus.read_text()
    start = text.index("  - id: mtus-equipment-criteria-documented")
    mtus.write_text(text[:start] + text[start:].replace("status: active", "status: draft", 1))
    neck = rules / "odg-neck-exercise.yaml"
    neck.write_text(neck.read_text().replace("cites: [odg-neck-exercise]", "cites: [odg-low-back-exercise]"))
    return rules


def test_changes_are_listed_with_counts(cli, corpus, head):
    result = cli("diff", "--base", FIXTURE, "--head", head, corpus)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    knee, neck = corpus / "knee.yaml", corpus / "sub" / "neck.yaml"
    assert f"{knee}  kit  determination: medically_necessary -> insufficient_information" in lines
    assert (f"{knee}  kit  basis: mtus / mtus-cpmtg / Chronic Pain Medical Treatment Guidelines / Exercise "
            "-> none") in lines
    # Before and after, the open contraindication is the one gap: not a change.
    assert not any("documentation_gaps" in line for line in lines)
    assert (f"{neck}  kit  basis: non_mtus / odg-neck / Neck and Upper Back / Exercise -> "
            "non_mtus / odg-low-back / Low Back Problems / Exercise") in lines
    assert not any(" gym " in line for line in lines)      # the gym membership is decided as before
    assert lines[-1] == "2 inputs, 3 items, 2 items changed (1 determination, 2 basis)"
    assert cli("diff", "--base", FIXTURE, "--head", head, corpus, "--fail-on-change").exit_code == 1


def test_documentation_gaps_change(cli, corpus, tmp_path):
    rules = tmp_path / "gaps" / "rules"
    shutil.copytree(FIXTURE_RULES, rules)
    add_fact(rules, "fracture_unhealed")
    # The contraindication rule now also reads a new fact, which no case states: one more open question.
    mtus = rules / "mtus-chronic-pain-exercise.yaml"
    mtus.write_text(mtus.read_text().replace(
        "when: {fact: exercise_contraindicated, is: true}",
        "when: {any: [{fact: exercise_contraindicated, is: true}, {fact: fracture_unhealed, is: true}]}"))
    result = cli("diff", "--base", FIXTURE, "--head", rules, corpus / "knee.yaml")
    assert result.stdout.splitlines()[1:] == [
        f"{corpus / 'knee.yaml'}  kit  documentation_gaps: exercise_contraindicated -> "
        "exercise_contraindicated, fracture_unhealed",
        "1 inputs, 1 items, 1 items changed (1 documentation gaps)"]


def test_no_change_against_itself_and_base_as_rules_folder(cli, corpus):
    result = cli("diff", "--base", FIXTURE_RULES, corpus, "--fail-on-change")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "2 inputs, 3 items, 0 items changed"


def test_base_from_a_git_revision(cli, corpus, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE_RULES, repo / "rules")
    shutil.copytree(FIXTURE_GUIDELINES, repo / "guidelines")

    def git(*args):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True,
                       capture_output=True)
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "rules")
    # Work in progress in the working tree: the gym rules go to draft.
    odg = repo / "rules" / "odg-low-back-exercise.yaml"
    odg.write_text(odg.read_text().replace("status: active", "status: draft"))
    monkeypatch.chdir(repo)
    result = cli("diff", "--base", "HEAD", "--head", repo / "rules", corpus)
    assert result.exit_code == 0, result.output
    assert "gym  determination: not_medically_necessary -> insufficient_information" in result.stdout
    bad = cli("diff", "--base", "no-such-rev", corpus)
    assert bad.exit_code == 2
    assert "'no-such-rev' is neither a folder nor a git revision" in bad.output and "hint:" in bad.output


def test_base_outside_a_git_repository(cli, corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = cli("diff", "--base", "HEAD~1", corpus)
    assert result.exit_code == 2 and "not in a git repository" in result.output


def test_a_case_that_loads_with_neither_rule_set_is_invalid(cli, tmp_path):
    (tmp_path / "bad.yaml").write_text("case_id: x\nitems: []\n")
    result = cli("diff", "--base", FIXTURE, tmp_path)
    assert result.exit_code == 2 and "bad.yaml" in result.output


def test_letters_with_a_base_that_has_no_fact_patterns(cli, tmp_path):
    letters = tmp_path / "letters"
    letters.mkdir()
    for letter in HISTORICAL.glob("dev-0*.txt"):
        (letters / letter.name).write_bytes(letter.read_bytes())
    base = tmp_path / "old" / "rules"
    shutil.copytree(FIXTURE_RULES, base)
    (base / "fact_patterns.yaml").unlink()
    result = cli("diff", "--base", base, letters)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "note: the base has no fact_patterns.yaml: its letters are read with the head's" in lines
    n = len(list(letters.iterdir()))
    assert lines[-1].startswith(f"{n} inputs, ") and lines[-1].endswith(" items, 0 items changed")


def test_a_letter_and_its_case_file_count_once(cli, tmp_path):
    folder = tmp_path / "h"
    folder.mkdir()
    for suffix in (".txt", ".yaml"):
        source = HISTORICAL / f"001_f0193407169a11a4{suffix}"
        (folder / source.name).write_bytes(source.read_bytes())
    result = cli("diff", "--base", FIXTURE, folder)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "1 inputs, 3 items, 0 items changed"
