"""Drafts rest on findings, never on the reviewer's conclusion.

Every historical letter (the seeds, the development letters and the 116
published letters) is imported as written and with every stated conclusion
flipped ("is not medically necessary" <-> "is medically necessary",
"necessity has (not) been established", "Upheld" <-> "Overturned", ...):
the facts and every draft must be the same. And lint reports a fact pattern
that would read a conclusion, or a verdict the pattern file leaves readable.
"""

from __future__ import annotations

import pytest

from imr_rules.cases import case_from_document
from imr_rules.letters import import_letter, letter_text
from imr_rules.letters.conclusions import CONCLUSIONS, flip
from imr_rules.lint import lint
from imr_rules.loader import load_rulebase
from imr_rules.yamlio import Document

from conftest import HISTORICAL, ROOT
from test_lint_helpers import line_of

LETTERS = sorted(HISTORICAL.glob("*.txt")) + sorted((HISTORICAL / "real").glob("*.pdf"))


def facts_of(case: dict) -> tuple:
    return (case.get("facts"), [(i["id"], i.get("facts")) for i in case["items"]])


@pytest.fixture(scope="module")
def shipped():
    """The shipped rule base and its fact patterns: what drafts letters for users."""
    from imr_rules.evaluate import Evaluator
    from imr_rules.importing import fact_patterns
    rb = load_rulebase(ROOT / "rules", ROOT / "guidelines")
    return Evaluator(rb), fact_patterns(rb)


@pytest.fixture(scope="module")
def drafts(shipped):
    evaluator = shipped[0]

    def of(case: dict) -> list:
        built = case_from_document(Document(case, case["case_id"], {}), evaluator.rb, schema_checked=True)
        return evaluator.evaluate(built)["items"]
    return of


@pytest.mark.shipped
@pytest.mark.parametrize("path", LETTERS, ids=lambda p: p.stem)
def test_flipping_every_conclusion_changes_no_fact_and_no_draft(path, drafts, shipped):
    patterns = shipped[1]
    text = letter_text(path.read_bytes(), str(path))
    flipped = flip(text)
    assert flipped != text, "the letter states a conclusion that flip() turns"
    as_written = import_letter(text, source_file=path.name, sha256="0", patterns=patterns)
    turned = import_letter(flipped, source_file=path.name, sha256="0", patterns=patterns)
    # The headings' decisions are flipped too: that is the history, not the draft.
    assert [h["decision"] for h in turned["history"]["items"].values()] != \
        [h["decision"] for h in as_written["history"]["items"].values()]
    assert facts_of(turned) == facts_of(as_written)
    assert drafts(turned) == drafts(as_written)


def test_flip_turns_each_verdict_into_its_opposite():
    assert flip("the request is not medically necessary.") == "the request is medically necessary."
    assert flip("the request is medically necessary.") == "the request is not medically necessary."
    assert flip("Medical necessity has not been established.") == "Medical necessity has been established."
    assert flip("It is considered medically necessary; it is not supported.") == \
        "It is considered not medically necessary; it is supported."
    assert flip("MRI: Upheld") == "MRI: Overturned" and flip(flip("MRI: Upheld")) == "MRI: Upheld"


def _patterns_file(rules, topic: str, conclusions: str) -> None:
    (rules / "fact_patterns.yaml").write_text(f"""version: 1
findings_start: ['\\bin this case\\b']
skip_clauses: ['\\bunless\\b']
clause_breaks: [';']
negation: ['\\bno\\b', '\\bnot\\b']
{conclusions}
facts:
  goals_documented:
    topic:
      - '\\bgoals?\\b'
      - '{topic}'
    affirm: ['\\bdocumented\\b', '\\bnecessary\\b']
""")


def test_lint_reports_a_pattern_that_reads_the_verdict(rules_copy):
    rules, guidelines = rules_copy
    _patterns_file(rules, "\\bmedically\\b", "conclusions: ['\\bmedical necessity\\b']")
    rb = load_rulebase(rules, guidelines)
    found = [f for f in lint(rb) if f.validator == "pattern-reads-conclusion"]
    assert found and all(f.severity == "high" for f in found)
    assert any("not medically necessary" in f.message and "gives False" in f.message for f in found)
    assert found[0].line - line_of(rules / "fact_patterns.yaml", "goals_documented:") in (0, 1)
    # The shipped patterns read no verdict.
    assert not [f for f in lint(load_rulebase()) if f.validator == "pattern-reads-conclusion"]


def test_lint_reports_verdicts_the_pattern_file_leaves_readable(rules_copy):
    rules, guidelines = rules_copy
    _patterns_file(rules, "\\bplans?\\b", "conclusions: ['\\bmedically necessary\\b']")
    found = [f for f in lint(load_rulebase(rules, guidelines)) if f.validator == "conclusion-not-masked"]
    left = {f.message.split("verdict readable: ")[1].split(" (left")[0].strip("'\"") for f in found}
    assert "The request is not supported." in left and "MRI of the lumbar spine: Upheld" in left
    assert "Therefore, the request is not medically necessary." not in left
    assert all(f.severity == "high" for f in found)
    # The shipped pattern file blanks every verdict wording.
    assert not [f for f in lint(load_rulebase()) if f.validator == "conclusion-not-masked"]
    assert len(CONCLUSIONS) >= 20
