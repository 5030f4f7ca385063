"""The letter importer: API, PDF-layout robustness, bad input, fuzzing, speed."""

from __future__ import annotations


import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imr_rules import schemas
from imr_rules.errors import InputError
from imr_rules.letters import LetterError, import_letter, import_letter_file, normalize
from imr_rules.letters.citations import chapter_key, parse_citations
from imr_rules.yamlio import Document

from letters_common import HISTORICAL, LETTERS, PATTERNS, ROOT  # noqa: E402,F401
SEED_000 = (HISTORICAL / "000_724941ea73516dbd.txt").read_text(encoding="utf-8")
SEED_001 = (HISTORICAL / "001_f0193407169a11a4.txt").read_text(encoding="utf-8")
DEV_02 = (HISTORICAL / "dev-02-gym-and-aquatic.txt").read_text(encoding="utf-8")
DEV_03 = (HISTORICAL / "dev-03-lumbar-cervical-noisy.txt").read_text(encoding="utf-8")


def imp(text: str, name: str = "letter.txt") -> dict:
    return import_letter(text, source_file=name, sha256="0" * 64, patterns=PATTERNS)


def without_source(case: dict) -> dict:
    case = dict(case)
    case["history"] = {k: v for k, v in case["history"].items() if k != "source"}
    return case


# --- API and contract ---------------------------------------------------------

def test_case_keys_and_order():
    case = imp(SEED_001, "001_f0193407169a11a4.txt")
    assert list(case) == ["case_id", "patient", "diagnoses", "letter", "ur_decision", "items", "facts",
                          "evidence", "history"]
    assert case["letter"] == {"reviewer": {"licensure": ["California"], "specialty": ["Family Medicine"]}}
    assert case["case_id"] == "001_f0193407169a11a4"
    assert case["history"]["source"] == {"file": "001_f0193407169a11a4.txt", "sha256": "0" * 64}
    assert [i["id"] for i in case["items"]] == ["item-1", "item-2", "item-3"]


@pytest.mark.parametrize("path", LETTERS, ids=lambda p: p.stem)
def test_evidence_quotes_are_slices_of_the_normalized_letter(path):
    text = path.read_text(encoding="utf-8")
    case = imp(text, path.name)
    norm = normalize(text)
    evidence = list(case["evidence"].values())
    evidence += [e for item in case["items"] for e in item.get("evidence", {}).values()]
    assert evidence
    for e in evidence:
        assert norm[e["start"]:e["end"]] == e["quote"]


@pytest.mark.parametrize("path", LETTERS, ids=lambda p: p.stem)
def test_imported_cases_satisfy_the_case_schema(path):
    case = imp(path.read_text(encoding="utf-8"), path.name)
    assert schemas.errors(Document(case, path.name), "case") == []


def test_import_letter_file_reads_hashes_and_names(tmp_path):
    path = tmp_path / "CM14-1.txt"
    path.write_bytes(SEED_000.encode("utf-8"))
    case = import_letter_file(path, patterns=PATTERNS)
    assert case["case_id"] == "CM14-1"
    assert case["history"]["source"]["file"] == "CM14-1.txt"
    import hashlib
    assert case["history"]["source"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_patient_sex_is_absent_when_not_stated():
    assert imp(SEED_000)["patient"] == {"age": 35, "date_of_injury": "2013-03-06"}


def test_facts_come_from_each_items_own_rationale():
    text = DEV_03.replace(
        "under this guideline.In this case, the submitted records do not establish why advanced home \n\n"
        "exercise equipment is needed in addition to the home exercise program the patient already \n\n"
        "performs. No functional goals were identified",
        "under this guideline.In this case, the submitted records do not establish why advanced home \n\n"
        "exercise equipment is needed in addition to the home exercise program the patient already \n\n"
        "performs. Functional goals are documented")
    assert text != DEV_03
    case = imp(text)
    assert "goals_documented" not in case["facts"]
    assert case["items"][0]["facts"]["goals_documented"] is False
    assert case["items"][1]["facts"]["goals_documented"] is True
    # Facts both items state alike are still facts of the case.
    assert case["facts"] == {"equipment_need_documented": False, "outcome_monitoring_documented": False}


def test_a_silent_item_keeps_the_others_facts_per_item():
    case = imp(DEV_02)
    assert case["facts"] == {}
    assert case["items"][0]["facts"] == {"equipment_need_documented": False, "goals_documented": False,
                                         "outcome_monitoring_documented": False}
    assert "facts" not in case["items"][1]


# --- PDF layout ---------------------------------------------------------------

def test_layout_noise_does_not_change_the_normalized_text():
    clean = normalize(SEED_001)
    variants = {
        "no blank lines": "\n".join(l for l in SEED_001.split("\n") if l.strip()),
        "CRLF": SEED_001.replace("\n", "\r\n"),
        "trailing spaces": SEED_001.replace("\n", "   \t\n"),
        "unicode punctuation": SEED_001.replace('"', "\u201c", 1).replace('"', "\u201d", 1)
                                      .replace("self-directed", "self\u2010directed")
                                      .replace("the patient needs", "the\u00a0patient needs"),
        "page break and header": SEED_001.replace(
            "supported by a physical therapy \n",
            "supported by a physical therapy \n\n\n\n\n\nPage 2 of 3                 Case Number: CM14-0061234 \n\n \n\n"),
        "form feed": SEED_001.replace("\n\n \n\n1 CERVICAL", "\n\f\n1 CERVICAL"),
    }
    for name, text in variants.items():
        assert normalize(text).replace("\u201c", '"') == clean, name


def test_same_case_whatever_the_layout():
    one_line_per_paragraph = "\n".join(l for l in SEED_001.split("\n") if l.strip())
    assert without_source(imp(one_line_per_paragraph)) == without_source(imp(SEED_001))


def test_hyphenation_across_lines_is_undone():
    assert normalize("a lumbar reha-\n\nbilitation kit") == "a lumbar rehabilitation kit"
    assert normalize("a self-\n\ndirected program") == "a self-directed program"
    assert normalize("Page(s): 46-\n47.") == "Page(s): 46-47."
    assert normalize("Non-\nMTUS Citation") == "Non-MTUS Citation"
    # A compound seen elsewhere in the letter keeps its hyphen.
    assert normalize("long-lasting pain. Not long-\nlasting") == "long-lasting pain. Not long-lasting"
    assert normalize("soft\u00adhyphen and reha\u00ad\nbilitation") == "softhyphen and rehabilitation"


def test_glued_sentences_are_separated():
    assert normalize("not monitored.In this case") == "not monitored. In this case"
    assert normalize("injury of 03/06/2013.The patient") == "injury of 03/06/2013. The patient"
    assert normalize("e.g. a rotator cuff; the U.S.Army; Page(s): 46.") == \
        "e.g. a rotator cuff; the U.S.Army; Page(s): 46."


def test_running_headers_are_dropped():
    text = "Decision rationale: first line\n\nPage 2 of 3   Case Number: CM14-0061234\n\nsecond line."
    assert normalize(text) == "Decision rationale: first line second line."
    assert normalize("Final Determination Letter for IMR Case Number CM13-0012345\nkept") == "kept"
    assert normalize("Page 46 of the guideline says so") == "Page 46 of the guideline says so"


def test_decision_on_the_next_line():
    case = imp(DEV_03)
    assert [(i["name"], case["history"]["items"][i["id"]]["decision"]) for i in case["items"]] == [
        ("LUMBAR REHABILITATION KIT", "upheld"), ("CERVICAL REHABILITATION KIT", "upheld")]
    assert imp(SEED_000)["items"][0]["name"].endswith("Travel bag)")


def test_item_names_quantities_and_parentheses():
    assert imp(SEED_000)["items"] == [
        {"id": "item-1", "name": "Home Exercise Kit (Exer ball, air pump, backnobber II, Exer Band Kit, Travel bag)"}]
    # The name is the heading as printed; a leading count is also the quantity.
    assert [(i["name"], i.get("quantity")) for i in imp(SEED_001)["items"]] == [
        ("1 LUMBAR REHABILITATION KIT", 1), ("1 CERVICAL REHABILITATION KIT", 1), ("1 SHOULDER REHABILITATION KIT", 1)]
    assert [(i["name"], i.get("quantity")) for i in imp(DEV_02)["items"]] == [
        ("Gym membership x 12 months", None), ("8 sessions of aquatic therapy", 8)]


def test_item_name_wrapped_over_two_lines():
    text = SEED_000.replace(
        "Home Exercise Kit (Exer ball, air pump, backnobber II, Exer Band Kit, Travel bag):  \nUpheld",
        "Home Exercise Kit (Exer ball, air pump, backnobber II, Exer Band Kit, \n\nTravel bag):  Upheld")
    assert text != SEED_000
    assert imp(text)["items"][0]["name"] == \
        "Home Exercise Kit (Exer ball, air pump, backnobber II, Exer Band Kit, Travel bag)"


def test_items_with_different_decisions():
    text = DEV_02.replace("8 sessions of aquatic therapy:  Upheld", "8 sessions of aquatic therapy:  Overturned")
    case = imp(text)
    assert [h["decision"] for h in case["history"]["items"].values()] == ["upheld", "overturned"]


def cited(raw):
    found, none = parse_citations(raw)
    assert not none
    return [tuple(c[k] for k in ("tier", "guideline", "edition", "chapter", "section")) for c in found]


@pytest.mark.parametrize("raw,expected", [
    # Older letters: the template repeats or truncates the chapter's name.
    ("Decision based on MTUS Chronic Pain Treatment Guidelines Chronic Pain Medical Treatment Guidelines "
     "exercise Page(s): 46-47.",
     [("mtus", "MTUS Chronic Pain Medical Treatment Guidelines", None, None, "Exercise")]),
    ("Decision based on MTUS Chronic Pain Treatment Guidelines Aquatic therapy Page(s): 22.",
     [("mtus", "MTUS Chronic Pain Treatment Guidelines", None, None, "Aquatic therapy")]),
    ("The Expert Reviewer did not base their decision on the MTUS. Decision based on Non-MTUS Citation "
     "Official Disability Guidelines (ODG) Official Disability Guidelines (ODG), Low Back Problems, Exercise.",
     [("non_mtus", "Official Disability Guidelines (ODG)", None, "Low Back Problems", "Exercise")]),
    ("Decision based on Non-MTUS Citation ODG, Low Back, Gym memberships.",
     [("non_mtus", "ODG", None, "Low Back", "Gym memberships")]),
    # The published layout: MTUS chapters end in their year, joined by ", and".
    ("Decision based on MTUS Low Back Complaints 2004, Section(s): Summary, and Chronic Pain Medical "
     "Treatment 2016, Section(s): Facet blocks. Decision based on Non-MTUS Citation ACOEM Occupational "
     "Medicine Practice Guidelines, 3rd ed., Low Back Disorders, pg. 607.",
     [("mtus", "MTUS Low Back Complaints", "2004", None, "Summary"),
      ("mtus", "MTUS Chronic Pain Medical Treatment", "2016", None, "Facet blocks"),
      ("non_mtus", "ACOEM Occupational Medicine Practice Guidelines", "3rd ed.", "Low Back Disorders", "pg. 607")]),
    ("Decision based on MTUS Neck and Upper Back Complaints 2004, Section(s): Special Studies, and Forearm, "
     "Wrist, and Hand Complaints 2004, Section(s): Special Studies.",
     [("mtus", "MTUS Neck and Upper Back Complaints", "2004", None, "Special Studies"),
      ("mtus", "MTUS Forearm, Wrist, and Hand Complaints", "2004", None, "Special Studies")]),
    ("Decision based on MTUS Shoulder Complaints 2004, Section(s): Initial Care, Follow-up Visits, and Knee "
     "Complaints 2004, and Acupuncture Treatment 2007.",
     [("mtus", "MTUS Shoulder Complaints", "2004", None, "Initial Care, Follow-up Visits"),
      ("mtus", "MTUS Knee Complaints", "2004", None, None), ("mtus", "MTUS Acupuncture Treatment", "2007", None, None)]),
    # ODG chapters: delimiters, qualifiers, sections in parentheses, several chapters, other sources.
    ("The Expert Reviewer based their decision on recommendation(s) outside of the MTUS Guidelines. Decision "
     "based on Non-MTUS Citation Official Disability Guidelines (ODG) Low Back - Lumbar & Thoracic (Acute & "
     "Chronic), MRIs (magnetic resonance imaging).",
     [("non_mtus", "Official Disability Guidelines (ODG)", None, "Low Back - Lumbar & Thoracic (Acute & Chronic)",
       "MRIs (magnetic resonance imaging)")]),
    ("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Low Back (Trigger point "
     "impedance imaging).",
     [("non_mtus", "Official Disability Guidelines (ODG)", None, "Low Back", "Trigger point impedance imaging")]),
    ("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Knee/DME, Low Back Lumbar and "
     "Thoracic/Mattress selection and Other Medical Treatment Guidelines https://example.org/R148CIM.pdf.",
     [("non_mtus", "Official Disability Guidelines (ODG)", None, "Knee", "DME"),
      ("non_mtus", "Official Disability Guidelines (ODG)", None, "Low Back Lumbar and Thoracic", "Mattress selection"),
      ("non_mtus", "Other Medical Treatment Guidelines", None, None, None)]),
    ("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Low back, Manipulation; Neck and "
     "Upper back, Manipulation.",
     [("non_mtus", "Official Disability Guidelines (ODG)", None, "Low back", "Manipulation"),
      ("non_mtus", "Official Disability Guidelines (ODG)", None, "Neck and Upper back", "Manipulation")]),
    ("Decision based on Non-MTUS Citation Neck and Upper Back, Physical Therapy, ODG Preface - Physical Therapy.",
     [("non_mtus", None, None, "Neck and Upper Back", "Physical Therapy"),
      ("non_mtus", "ODG", None, "Preface", "Physical Therapy")]),
    ("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) physical therapy, elbow chapter.",
     [("non_mtus", "Official Disability Guidelines (ODG)", None, "elbow chapter", "physical therapy")]),
    ("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) MRI shoulder.",
     [("non_mtus", "Official Disability Guidelines (ODG)", None, None, "MRI shoulder")]),
    ("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Forearm, Wrist, and hand "
     "(updated 11/23/16), MRI's (magnetic resonance imaging).",
     [("non_mtus", "Official Disability Guidelines (ODG)", "updated 11/23/16", "Forearm, Wrist, and hand",
       "MRI's (magnetic resonance imaging)")]),
    ("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG).",
     [("non_mtus", "Official Disability Guidelines (ODG)", None, None, None)]),
    ("Decision based on Non-MTUS Citation Green's Operative Hand Surgery, 6th ed Chapter 17: Distal Radius "
     "Fractures, Chapter 30: Compression Neuropathies.",
     [("non_mtus", "Green's Operative Hand Surgery", "6th ed", "Chapter 17: Distal Radius Fractures", None),
      ("non_mtus", "Green's Operative Hand Surgery", "6th ed", "Chapter 30: Compression Neuropathies", None)]),
    ("Decision based on Non-MTUS Citation Sildenafil: Drug information, accessed from UpToDate.com on 12/17/2016.",
     [("non_mtus", "Sildenafil: Drug information, accessed from UpToDate.com on 12/17/2016", None, None, None)]),
])
def test_every_cited_source_as_printed(raw, expected):
    assert cited(raw) == expected


def test_citation_pages_urls_and_no_citation():
    found, _ = parse_citations("Decision based on MTUS Chronic Pain Treatment Guidelines Aquatic therapy Page(s): 22.")
    assert found[0]["pages"] == "22"
    found, _ = parse_citations("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Low "
                               "Back/Intra-operative monitoring and Other Medical Treatment Guidelines "
                               "http://www.aetna.com/cpb/medical/data/100_199/0181.html.")
    assert found[-1]["url"] == "http://www.aetna.com/cpb/medical/data/100_199/0181.html"
    assert parse_citations("The Expert Reviewer did not cite any medical evidence for its decision.") == ([], True)
    assert parse_citations("no statement here") == ([], False)


@pytest.mark.parametrize("names,key", [
    (["Low Back - Lumbar & Thoracic (Acute & Chronic)", "Low Back Problems", "MTUS Low Back Complaints",
      "Low back section", "Low Back chapter"], "low back"),
    (["Neck & upper back", "Neck and Upper Back Chapter", "MTUS Neck and Upper Back Complaints"], "neck"),
    (["Knee & Leg Chapter", "Knee", "MTUS Knee Complaints"], "knee"),
    (["Hips & Pelvis Chapter", "Hip & Pelvis"], "hip"),
    (["MTUS Chronic Pain Medical Treatment", "Chronic Pain Medical Treatment Guidelines",
      "MTUS Chronic Pain Treatment Guidelines"], "chronic pain"),
    (["Pain (Chronic)", "Pain Chapter", "Pain"], "pain"),
])
def test_chapter_keys_ignore_how_a_chapter_is_spelled(names, key):
    assert {chapter_key(n) for n in names} == {key}


# --- bad input ----------------------------------------------------------------

PROGRESS_NOTE = """PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2)

Subjective: low back pain 6/10, worse with lifting.

Objective: tenderness L4-5. Plan: home exercise kit, follow up in 4 weeks.
"""


@pytest.mark.parametrize("text,what", [
    (PROGRESS_NOTE, "no 'IMR ISSUES"),
    (SEED_000.split("IMR ISSUES")[0], "no 'IMR ISSUES"),
    (SEED_000.replace("Upheld", "Pending"), "no disputed item"),
    ("", "empty"),
    (" \n\n \r\n\t", "empty"),
])
def test_not_a_letter(text, what):
    with pytest.raises(LetterError) as err:
        imp(text, "note.txt")
    assert what in err.value.message
    assert err.value.file == "note.txt" and err.value.hint
    assert isinstance(err.value, InputError)


@pytest.mark.parametrize("content,what", [
    (b"", "empty"),
    (b"\x00\x01\x02binary", "binary"),
    ("IMR ISSUES caf\u00e9".encode("latin-1"), "UTF-8"),
    (PROGRESS_NOTE.encode(), "not an IMR determination letter"),
])
def test_bad_files_are_input_errors_naming_the_file(tmp_path, content, what):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        import_letter_file(path, patterns=PATTERNS)
    assert what in err.value.message
    assert err.value.file == str(path) and err.value.hint


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as err:
        import_letter_file(tmp_path / "nope.txt", patterns=PATTERNS)
    assert "not found" in err.value.message


def _import_or_letter_error(text: str):
    try:
        case = imp(text)
    except LetterError:
        return None
    assert isinstance(case, dict) and case["items"]
    return case


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_fuzz_arbitrary_text(text):
    _import_or_letter_error(text)


_LINES = [l for letter in (SEED_000, SEED_001, DEV_02, DEV_03) for l in letter.split("\n")]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_LINES), st.text(max_size=80)), max_size=200),
       st.sampled_from(["\n", "\n\n", "\r\n", " "]))
def test_fuzz_shuffled_letter_lines(lines, sep):
    case = _import_or_letter_error(sep.join(lines))
    if case:
        norm = normalize(sep.join(lines))
        for e in case["evidence"].values():
            assert norm[e["start"]:e["end"]] == e["quote"]


@pytest.mark.timeout(60, method="thread")
def test_pathological_input_does_not_hang():
    # Guards against catastrophic regex backtracking: a hang fails through the
    # per-test timeout (speed itself is measured in benchmarks/, not asserted).
    for text in ("a" * 200_000, "no " * 60_000, ("IMR ISSUES\n" + "x: Upheld\nDecision rationale: "
                                                 + "why " * 20_000 + "\n") * 2, ".In" * 50_000,
                 "IMR ISSUES\nx: Upheld\nDecision rationale: " + "In this case no goals why need. " * 2_000):
        _import_or_letter_error(text)


def test_oversized_text_is_refused():
    with pytest.raises(LetterError):
        imp("x" * (2 << 20))


def test_a_sentence_ends_after_its_closing_quote_and_bracket():
    from imr_rules.letters.findings import sentences
    text = 'The guideline says "rest (briefly)." The patient improved (she said "better.") Next visit in June.'
    assert [text[s:e] for s, e in sentences(text, 0, len(text))] == [
        'The guideline says "rest (briefly)."', 'The patient improved (she said "better.")', "Next visit in June."]
