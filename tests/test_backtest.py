"""`imr-rules backtest`: historical case files in tmp_path, checked through the CLI."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from imr_rules.cli import app

ODG_LOW_BACK = {"tier": "non_mtus", "guideline": "Official Disability Guidelines (ODG)",
                "chapter": "Low Back Problems", "section": "Exercise", "pages": None,
                "raw": "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Problems"}
MTUS_CHRONIC_PAIN = {"tier": "mtus", "guideline": "MTUS", "chapter": "Chronic Pain Medical Treatment Guidelines",
                     "section": "Exercise", "pages": "46-47", "raw": "Decision based on MTUS ..."}
NO_NEED = {"equipment_need_documented": False}


def run(*args):
    return CliRunner().invoke(app, ["backtest", *[str(a) for a in args]])


def write_case(folder: Path, name: str, items: list[tuple], facts=None, evidence=None) -> Path:
    """A historical case file; items are (id, name, decision, imr_guideline or None, item facts or None)."""
    case = {"case_id": name, "ur_decision": "non_certified", "items": [], "facts": facts or {},
            "history": {"items": {}}}
    for item_id, item_name, decision, guideline, item_facts in items:
        case["items"].append({"id": item_id, "name": item_name, **({"facts": item_facts} if item_facts else {})})
        case["history"]["items"][item_id] = {"decision": decision,
                                             **({"imr_guideline": guideline} if guideline else {})}
    if evidence:
        case["evidence"] = evidence
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(case, sort_keys=False))
    return path


@pytest.fixture
def corpus(tmp_path):
    """Five historical items, one of each kind, in a nested folder."""
    root = tmp_path / "history"
    (root / "2014").mkdir(parents=True)
    write_case(root, "agree", [("kit", "Lumbar rehabilitation kit", "upheld", ODG_LOW_BACK, None)], NO_NEED)
    write_case(root / "2014", "planted", [("kit", "Home exercise kit", "overturned", MTUS_CHRONIC_PAIN, None)],
               NO_NEED, evidence={"equipment_need_documented": {
                   "value": False, "quote": "The records do not explain why the kit is needed."}})
    write_case(root, "mixed", [
        ("aqua", "8 sessions of aquatic therapy", "upheld", None, None),
        ("knee", "Knee home exercise kit", "upheld", None, {"equipment_need_documented": True}),
    ])
    # Decision agrees, but the reviewer relied on the MTUS, not the ODG chapter the rules cite.
    write_case(root, "basis", [("kit", "Lumbar rehabilitation kit", "upheld", MTUS_CHRONIC_PAIN, None)], NO_NEED)
    return root


def report(tmp_path, *args):
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    target = out / f"report-{len(list(out.iterdir()))}.json"
    result = run(*args, "--json", target)
    return result, (json.loads(target.read_text()) if target.exists() else None)


def test_summary_and_items(tmp_path, corpus):
    result, doc = report(tmp_path, corpus, "--jobs", "1")
    assert result.exit_code == 0, result.output
    s = doc["summary"]
    assert (s["items"], s["covered"], s["agreed"], s["disagreed"]) == (5, 3, 2, 1)
    assert s["coverage"] == pytest.approx(3 / 5)
    assert s["agreement"] == pytest.approx(2 / 3)
    assert s["not_covered"] == {"insufficient_information": 1, "not_addressed": 1, "conflicts": 0}
    assert s["recall"]["upheld"] == {"items": 4, "covered": 2, "agreed": 2, "recall": 1.0, "coverage": 0.5}
    assert s["recall"]["overturned"] == {"items": 1, "covered": 1, "agreed": 0, "recall": 0.0, "coverage": 1.0}
    assert s["confusion"]["overturned"]["upheld"] == 1
    assert s["confusion"]["upheld"] == {"upheld": 2, "overturned": 0, "insufficient_information": 1,
                                        "not_addressed": 1}
    # rows 2/1, columns 3/0: p_o = 2/3 = p_e, so kappa = 0 (the rules never draft "overturned").
    assert s["kappa"] == pytest.approx(0.0)
    assert s["basis"] == {"compared": 3, "agreed": 2, "agreement": pytest.approx(2 / 3), "not_compared": 2}
    assert s["rules"]["odg-low-back-equipment-need-not-documented"] == \
        {"fired": 2, "deciding": 2, "deciding_disagreed": 0}
    assert s["rules"]["mtus-equipment-need-not-documented"] == {"fired": 1, "deciding": 1, "deciding_disagreed": 1}
    assert s["rules"]["mtus-exercise-contraindicated"] == {"fired": 0, "deciding": 0, "deciding_disagreed": 0}

    items = doc["items"]
    for item in items:
        assert set(item) >= {"source", "item_id", "name", "expected", "got", "covered", "agree", "basis_agree"}
    assert [(Path(i["source"]).name, i["item_id"]) for i in items] == \
        [("planted.yaml", "kit"), ("agree.yaml", "kit"), ("basis.yaml", "kit"), ("mixed.yaml", "aqua"),
         ("mixed.yaml", "knee")]   # sorted by source: ".../history/2014/..." < ".../history/agree.yaml"
    by_id = {(Path(i["source"]).stem, i["item_id"]): i for i in items}
    planted = by_id["planted", "kit"]
    assert (planted["expected"], planted["got"], planted["covered"], planted["agree"]) == \
        ("overturned", "upheld", True, False)
    assert planted["evidence"] == [{"fact": "equipment_need_documented", "value": False,
                                    "quote": "The records do not explain why the kit is needed."}]
    assert by_id["agree", "kit"]["agree"] is True and by_id["agree", "kit"]["basis_agree"] is True
    assert by_id["basis", "kit"]["agree"] is True and by_id["basis", "kit"]["basis_agree"] is False
    for key, determination in ((("mixed", "aqua"), "not_addressed"), (("mixed", "knee"), "insufficient_information")):
        item = by_id[key]
        assert (item["got"], item["covered"], item["agree"], item["basis_agree"]) == (None, False, None, None)
        assert item["determination"] == determination


def test_text_report_shows_recall_coverage_and_the_disagreement(corpus):
    result = run(corpus, "--jobs", "1")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "coverage     3/5 (60.0%)" in out
    assert "agreement    2/3 (66.7%)" in out
    assert "overturned  recall 0/1 (0.0%)" in out
    assert "historical overturned, draft upheld (not medically necessary)" in out
    assert "deciding rules: mtus-equipment-need-not-documented" in out
    assert 'equipment_need_documented = false: "The records do not explain why the kit is needed."' in out
    assert "basis disagreements (1)" in out
    assert "backtest  [" not in result.stderr     # not a terminal: no progress bar


@pytest.mark.parametrize("args, code", [
    ((), 0),
    (("--min-agreement", "1.0"), 1),
    (("--min-agreement", "0.6"), 0),
    (("--min-coverage", "0.6"), 0),
    (("--min-coverage", "0.61"), 1),
    (("--min-agreement", "0.5", "--min-coverage", "0.9"), 1),
    (("--min-agreement", "1.5"), 2),
    (("--min-coverage", "-0.1"), 2),
    (("--min-agreement", "nan"), 2),
    (("--jobs", "0"), 2),
])
def test_gates_and_exit_codes(corpus, args, code):
    result = run(corpus, "--jobs", "1", *args)
    assert result.exit_code == code, result.output
    if code == 1:
        assert "FAILED" in result.stdout


def test_an_empty_corpus_fails_a_gate(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run(tmp_path / "empty", "--min-agreement", "0")
    assert result.exit_code == 1, result.output
    assert "no covered items" in result.stdout


def test_baseline_accepts_known_disagreements_and_reports_new_and_fixed(tmp_path, corpus):
    base = tmp_path / "baseline.yaml"
    result = run(corpus, "--jobs", "1", "--write-baseline", base)
    assert result.exit_code == 0, result.output
    entries = yaml.safe_load(base.read_text())["disagreements"]
    assert entries == [{"source": str(corpus / "2014" / "planted.yaml"), "item_id": "kit",
                        "expected": "overturned", "got": "upheld", "reason": None}]

    result, doc = report(tmp_path, corpus, "--jobs", "1", "--baseline", base, "--min-agreement", "1.0")
    assert result.exit_code == 0, result.output
    assert "count as agreeing" in result.stdout
    assert doc["summary"]["agreement"] == pytest.approx(2 / 3)          # the reported number is unchanged
    assert doc["summary"]["gates"][0]["value"] == pytest.approx(1.0)    # the gate counts the accepted one
    assert doc["summary"]["baseline"]["accepted"] == 1
    assert [i["baseline"] for i in doc["items"] if i["agree"] is False] == ["accepted"]

    # A new disagreement fails the gate; the accepted one still does not.
    write_case(corpus, "new", [("gym", "Gym membership x 12 months", "overturned", None, None)], NO_NEED)
    result, doc = report(tmp_path, corpus, "--jobs", "1", "--baseline", base, "--min-agreement", "1.0")
    assert result.exit_code == 1, result.output
    assert [e["item_id"] for e in doc["summary"]["baseline"]["new"]] == ["gym"]
    assert "new: " in result.stdout

    # Once the planted case agrees, its entry is reported as fixed.
    (corpus / "new.yaml").unlink()
    write_case(corpus / "2014", "planted", [("kit", "Home exercise kit", "upheld", MTUS_CHRONIC_PAIN, None)], NO_NEED)
    result, doc = report(tmp_path, corpus, "--jobs", "1", "--baseline", base, "--min-agreement", "1.0")
    assert result.exit_code == 0, result.output
    assert [e["item_id"] for e in doc["summary"]["baseline"]["fixed"]] == ["kit"]
    assert "fixed (now agrees)" in result.stdout


def test_json_baseline_round_trips(tmp_path, corpus):
    base = tmp_path / "baseline.json"
    assert run(corpus, "--jobs", "1", "--write-baseline", base).exit_code == 0
    assert json.loads(base.read_text())["disagreements"][0]["item_id"] == "kit"
    assert run(corpus, "--jobs", "1", "--baseline", base, "--min-agreement", "1").exit_code == 0


def test_a_malformed_baseline_is_invalid_input(tmp_path, corpus):
    base = tmp_path / "baseline.yaml"
    base.write_text("disagreements:\n  - {source: a, item_id: b, expected: upheld, got: maybe}\n")
    result = run(corpus, "--baseline", base)
    assert result.exit_code == 2
    assert f"{base}:2" in result.stderr and "got must be upheld or overturned" in result.stderr


def test_junit_has_a_failure_per_disagreement_and_skips_uncovered(tmp_path, corpus):
    target = tmp_path / "junit.xml"
    result = run(corpus, "--jobs", "1", "--junit", target)
    assert result.exit_code == 0, result.output
    suite = ET.parse(target).getroot().find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == 5
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped"), suite.get("errors")) == \
        ("5", "1", "2", "0")
    failed = [c for c in cases if c.find("failure") is not None]
    assert [Path(c.get("classname")).name for c in failed] == ["planted.yaml"]
    assert "historical overturned" in failed[0].find("failure").get("message")
    skipped = sorted(c.find("skipped").get("message") for c in cases if c.find("skipped") is not None)
    assert skipped == ["not covered: insufficient_information", "not covered: not_addressed"]


def test_results_are_identical_for_any_number_of_jobs(tmp_path, corpus):
    outputs = {}
    for jobs in ("1", "2"):
        target = tmp_path / f"jobs{jobs}.json"
        junit = tmp_path / f"jobs{jobs}.xml"
        result = run(corpus, "--jobs", jobs, "--json", target, "--junit", junit)
        assert result.exit_code == 0, result.output
        outputs[jobs] = (target.read_text(), junit.read_text(), result.stdout)
    assert outputs["1"] == outputs["2"]
    assert json.loads(outputs["2"][0])["summary"]["items"] == 5


def test_outputs_are_not_overwritten_without_force(tmp_path, corpus):
    for option, name in (("--json", "r.json"), ("--markdown", "r.md"), ("--junit", "r.xml"),
                         ("--write-baseline", "b.yaml")):
        target = tmp_path / name
        target.write_text("keep me")
        result = run(corpus, "--jobs", "1", option, target)
        assert result.exit_code == 2
        assert "not overwriting" in result.stderr and "--force" in result.stderr
        assert target.read_text() == "keep me"
        result = run(corpus, "--jobs", "1", option, target, "--force")
        assert result.exit_code == 0, result.output
        assert target.read_text() != "keep me"


def test_markdown_report(tmp_path, corpus):
    target = tmp_path / "comment.md"
    result = run(corpus, "--jobs", "1", "--markdown", target, "--min-agreement", "1.0")
    assert result.exit_code == 1
    text = target.read_text()
    assert text.startswith("## IMR backtest: a gate FAILED")
    assert "| recall, historically overturned | 0/1 (0.0%)" in text
    assert "| coverage (items the rules decide) | 3/5 (60.0%) |" in text
    assert "planted.yaml" in text


def test_figures_per_item_category_add_up_to_the_totals(tmp_path, corpus):
    target = tmp_path / "comment.md"
    result, doc = report(tmp_path, corpus, "--jobs", "1", "--markdown", target)
    s = doc["summary"]
    categories = s["categories"]
    for key in ("items", "covered", "agreed"):
        assert sum(row[key] for row in categories.values()) == s[key], key
    for outcome in ("upheld", "overturned"):
        assert sum(row[outcome]["items"] for row in categories.values()) == s["recall"][outcome]["items"]
    assert sum(row["basis"]["compared"] for row in categories.values()) == s["basis"]["compared"]
    # Each item's category is in its record; the table counts exactly those.
    by_item = {}
    for item in doc["items"]:
        by_item[item["category"] or "(unclassified)"] = by_item.get(item["category"] or "(unclassified)", 0) + 1
    assert {c: row["items"] for c, row in categories.items()} == by_item
    # The planted overturned kit is missed: its category shows 0 of 1 overturned caught.
    planted = next(i for i in doc["items"] if i["source"].endswith("planted.yaml"))
    row = categories[planted["category"]]
    assert row["overturned"] == {"items": 1, "covered": 1, "agreed": 0}
    assert "by item category" in result.output
    line = next(x for x in result.output.splitlines() if x.strip().startswith(planted["category"] + " "))
    assert "0/1" in line
    assert f"| {planted['category']} | {row['items']} |" in target.read_text()


def test_a_broken_file_is_reported_after_the_others(tmp_path, corpus):
    (corpus / "broken.yaml").write_text("case_id: x\nitems: [\n")
    (corpus / "not-a-case.json").write_text('{"case_id": "y"}')
    write_case(corpus, "stranger", [("kit", "Lumbar rehabilitation kit", "upheld", None, None)])
    stranger = yaml.safe_load((corpus / "stranger.yaml").read_text())
    stranger["history"]["items"]["ghost"] = {"decision": "upheld"}     # an item the case does not request
    (corpus / "stranger.yaml").write_text(yaml.safe_dump(stranger))
    result, doc = report(tmp_path, corpus, "--jobs", "1", "--min-agreement", "0")
    assert result.exit_code == 2, result.output
    assert doc["summary"]["items"] == 5          # the good files are all counted
    assert "Traceback" not in result.output
    assert [Path(e["source"]).name for e in doc["summary"]["errors"]] == \
        ["broken.yaml", "not-a-case.json", "stranger.yaml"]
    assert f"{corpus / 'broken.yaml'}:" in result.stderr
    assert "'ghost'" in result.stderr
    assert "3 file(s) could not be used" in result.stderr


def test_a_missing_path_is_an_error(tmp_path, corpus):
    result = run(corpus, tmp_path / "nowhere", "--jobs", "1")
    assert result.exit_code == 2
    assert "nowhere: error: not found" in result.stderr
    assert "5 historical item(s)" in result.stdout


def test_case_files_without_history_are_skipped_with_a_note(tmp_path, corpus):
    (corpus / "plain.yaml").write_text("case_id: plain\nitems: [{name: Gym membership}]\n")
    result, doc = report(tmp_path, corpus, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert doc["summary"]["files"]["skipped"] == 1
    assert doc["summary"]["items"] == 5
    assert "plain.yaml: skipped: no history" in result.stdout


def test_a_letter_next_to_its_case_file_is_not_counted_twice(tmp_path, corpus):
    # Were the letter read, it would fail (it is not a letter) or double the item.
    (corpus / "agree.txt").write_text("not a determination letter\n")
    result, doc = report(tmp_path, corpus, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert doc["summary"]["items"] == 5
    assert any(n["source"].endswith("agree.txt") and "letter not used" in n["note"] for n in doc["summary"]["notes"])


def test_the_letter_is_used_when_its_case_file_has_no_history(tmp_path):
    folder = tmp_path / "h"
    folder.mkdir()
    (folder / "x.txt").write_bytes((HISTORICAL / "dev-05-contraindicated.txt").read_bytes())
    (folder / "x.yaml").write_text("case_id: x\nitems: [{id: item-1, name: Home exercise kit}]\n")
    result, doc = report(tmp_path, folder, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert [(Path(i["source"]).name, i["expected"]) for i in doc["items"]] == [("x.txt", "upheld")]
    assert "its letter" in result.stdout


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(25):
        write_case(folder, f"case{n:02}", [("kit", "Lumbar rehabilitation kit", "upheld", None, None)], NO_NEED)
    result = run(folder, "--jobs", "1", "--min-agreement", "1")
    assert result.exit_code == 0, result.output
    assert "backtest  [" not in result.stderr
    assert "25 historical item(s)" in result.stdout


def test_text_lists_the_first_notes_and_counts_the_rest(tmp_path, corpus):
    from imr_rules.backtest.reports import LIST_LIMIT
    for n in range(LIST_LIMIT + 3):
        (corpus / f"plain{n:02}.yaml").write_text(f"case_id: plain{n}\nitems: [{{name: Gym membership}}]\n")
    (corpus / "agree.txt").write_text("not a determination letter\n")      # a letter not used: counted apart
    result, doc = report(tmp_path, corpus, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert doc["summary"]["files"]["skipped"] == LIST_LIMIT + 3
    text = result.stdout
    assert f"notes ({LIST_LIMIT + 4})" in text and "1 letter(s) not used" in text
    listed = [line for line in text.splitlines() if ": skipped: no history" in line]
    assert [Path(line.split(":")[0].strip()).name for line in listed] == [f"plain{n:02}.yaml" for n in range(LIST_LIMIT)]
    assert "  ... and 3 more (all in --json)" in text


def test_unwritable_outputs_are_refused_before_the_run(tmp_path, corpus):
    result = run(corpus, "--json", tmp_path / "r.json", "--junit", tmp_path / "r.json")
    assert result.exit_code == 2
    assert "the same file is given for two outputs" in result.stderr
    result = run(corpus, "--markdown", tmp_path / "no" / "such" / "r.md")
    assert result.exit_code == 2
    assert "folder does not exist" in result.stderr
    assert result.stdout == ""       # nothing was run


# --- the real historical letters (tests/historical/: X.txt and its reviewed X.yaml) ---------

HISTORICAL = Path(__file__).resolve().parent / "historical"
needs_letters = pytest.mark.skipif(not list(HISTORICAL.glob("*.txt")),
                                   reason="tests/historical/ holds no letters yet")


@pytest.mark.shipped
@needs_letters
def test_letters_alone_reach_the_historical_decisions(tmp_path):
    letters = tmp_path / "letters"
    letters.mkdir()
    for letter in HISTORICAL.glob("*.txt"):
        (letters / letter.name).write_bytes(letter.read_bytes())
    docs = {}
    for jobs in ("1", "2"):
        result, docs[jobs] = report(tmp_path, letters, "--jobs", jobs, "--min-agreement", "1.0")
        assert result.exit_code == 0, result.output
    assert docs["1"] == docs["2"]
    doc = docs["1"]
    assert doc["summary"]["errors"] == []
    assert doc["summary"]["items"] > 0
    assert {Path(i["source"]).suffix for i in doc["items"]} == {".txt"}


@pytest.mark.shipped
@needs_letters
def test_the_historical_folder_counts_each_item_once(tmp_path):
    from imr_rules.importing import letter_case_dict
    from imr_rules.loader import load_rulebase
    rb = load_rulebase()
    expected = 0
    letters = [p for p in HISTORICAL.rglob("*") if p.suffix in (".txt", ".pdf") and not p.name.startswith("_")]
    assert len(letters) >= 8 + 116      # the seeds, the development letters, the published letters
    for letter in letters:
        reviewed = [p for p in (letter.with_suffix(s) for s in (".yaml", ".yml", ".json")) if p.exists()]
        history = (yaml.safe_load(reviewed[0].read_text()) if reviewed else letter_case_dict(letter, rb))["history"]
        expected += len(history["items"])
    result, doc = report(tmp_path, HISTORICAL, "--min-agreement", "1.0",     # what `make test` runs
                         "--baseline", HISTORICAL / "_baseline.yaml")
    assert result.exit_code == 0, result.output
    assert doc["summary"]["items"] == expected
    paired = [n for n in doc["summary"]["notes"] if "letter not used" in n["note"]]
    assert len(paired) == sum(letter.with_suffix(".yaml").exists() for letter in HISTORICAL.glob("*.txt"))


def test_a_refreshed_baseline_keeps_the_reviewers_reasons(tmp_path, corpus):
    base, fresh = tmp_path / "baseline.yaml", tmp_path / "fresh.yaml"
    run(corpus, "--jobs", "1", "--write-baseline", base)
    data = yaml.safe_load(base.read_text())
    data["disagreements"][0]["reason"] = "the letter's finding contradicts its summary"
    base.write_text(yaml.safe_dump(data))
    result = run(corpus, "--jobs", "1", "--baseline", base, "--write-baseline", fresh)
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(fresh.read_text())["disagreements"][0]["reason"] == \
        "the letter's finding contradicts its summary"
    data["disagreements"][0]["reason"] = "two\nlines"
    base.write_text(yaml.safe_dump(data))
    result = run(corpus, "--jobs", "1", "--baseline", base)
    assert result.exit_code == 2 and "a reason must be one line" in result.output


@pytest.mark.parametrize("gate, threshold, code", [
    ("--min-overturned-caught", "0.5", 1),     # the planted overturned item is drafted upheld: 0 of 1 caught
    ("--min-overturned-caught", "0", 0),
    ("--min-basis-agreement", "1.0", 1),
    ("--min-basis-agreement", "0.5", 0),
])
def test_overturned_caught_and_basis_agreement_gates(tmp_path, corpus, gate, threshold, code):
    result, doc = report(tmp_path, corpus, "--jobs", "1", gate, threshold)
    assert result.exit_code == code, result.output
    (g,) = [g for g in doc["summary"]["gates"] if g["gate"] == gate.lstrip("-").replace("-", "_")]
    assert g["passed"] is (code == 0)
    if gate == "--min-overturned-caught":
        row = doc["summary"]["recall"]["overturned"]
        assert g["value"] == row["agreed"] / row["items"]
    else:
        assert g["value"] == doc["summary"]["basis"]["agreement"]


def test_progress_estimate_counts_from_the_first_file_done():
    """Workers spend their first seconds loading the rule base: the estimate must not
    spread that over every file still to do (it showed 6 min for a 2 s run)."""
    import io
    from imr_rules.cli.history import Progress
    now = [0.0]
    stream = io.StringIO()
    with Progress(100, stream, clock=lambda: now[0]) as bar:
        now[0] = 5.0                  # start-up: nothing done yet
        bar.update(1)
        assert bar.eta() is None
        for _ in range(9):
            now[0] += 0.5
            bar.update(1)
        assert bar.eta() == pytest.approx(45.0)     # 90 files left at 2 a second
        assert stream.getvalue().split("\r")[-1] == "backtest  [##----------------------]  10/100   10%  eta 0:00:45"
        for _ in range(90):
            now[0] += 0.5
            bar.update(1)
        assert stream.getvalue().split("\r")[-1] == "backtest  [########################]  100/100  100%"
    assert stream.getvalue().endswith("\r")       # the line is cleared for the report


def test_a_file_name_that_is_not_utf8_is_that_files_error(tmp_path, corpus):
    import os
    with open(os.path.join(os.fsencode(corpus), b"bad-\xff.yaml"), "wb") as f:
        f.write((corpus / "agree.yaml").read_bytes())
    result, doc = report(tmp_path, corpus, "--jobs", "1")
    assert result.exit_code == 2, result.output
    assert doc["summary"]["items"] == 5                    # the others are all counted
    assert [(Path(e["source"]).name, "not valid UTF-8" in e["message"]) for e in doc["summary"]["errors"]] == \
        [("bad-\ufffd.yaml", True)]
