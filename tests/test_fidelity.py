"""Fidelity: guideline text is never invented.

Every sentence of every excerpt appears verbatim in a published letter that
quotes it, and every quotation a draft attributes to a guideline is the text
of an excerpt file.
"""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, make_case
from imr_rules.evaluate import Evaluator

#: Fidelity is a property of the guideline text we ship, whatever the rules decide.
pytestmark = pytest.mark.shipped

HISTORICAL = ROOT / "tests" / "historical"
#: Every letter the project keeps: the seeds and development letters (text)
#: and the published letters (PDF), by the name an excerpt's source uses.
LETTERS = sorted(HISTORICAL.glob("*.txt")) + sorted((HISTORICAL / "real").glob("*.pdf"))
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def letter_texts():
    """Each letter's text as the importer reads it (PDF text layer, layout undone), whitespace collapsed."""
    from imr_rules.letters import letter_text, normalize
    assert LETTERS, "tests/historical holds the letters the excerpts were taken from"
    return {p.stem: flat(normalize(letter_text(p.read_bytes(), str(p)))) for p in LETTERS}


def test_every_excerpt_is_verbatim_in_a_letter_it_names(shipped_rb, letter_texts):
    for excerpt in shipped_rb.excerpts.values():
        text = flat(excerpt.text)
        named = [stem for stem in letter_texts if stem in (excerpt.source or "")]
        assert named, f"{excerpt.where}: {excerpt.id}: source names none of the project's letters"
        assert any(text in letter_texts[stem] for stem in named), \
            f"{excerpt.where}: {excerpt.id}: its text occurs in none of the letters it names ({', '.join(named)})"


def test_each_excerpt_names_its_source_letter(shipped_rb):
    stems = {p.stem for p in LETTERS}
    for excerpt in shipped_rb.excerpts.values():
        assert excerpt.source and any(stem in excerpt.source for stem in stems), excerpt.id


@pytest.mark.parametrize("facts", [
    {"equipment_need_documented": False},
    {"equipment_need_documented": True, "goals_documented": True, "outcome_monitoring_documented": True},
    {"exercise_contraindicated": True},
    {},
])
def test_every_quotation_in_a_draft_is_excerpt_text(shipped_rb, facts):
    rb, evaluator = shipped_rb, Evaluator(shipped_rb)
    excerpt_texts = [e.text for e in rb.excerpts.values()]
    names = ["Home exercise kit", "1 LUMBAR REHABILITATION KIT", "cervical rehab kit", "shoulder pulley",
             "Gym membership", "knee kit", "tramadol"]
    result = evaluator.evaluate(make_case(*names, facts=facts))
    for item in result["items"]:
        for quote in re.findall(r'"([^"]+)"', item["rationale"]):
            assert quote in excerpt_texts, (item["name"], quote)
        for citation in item["citations"]:
            assert citation["quote"] == rb.excerpts[citation["excerpt_id"]].text
