"""The surgery fact patterns on findings phrased in ways the letters do not use.

surgical_lesion_imaging_documented (the imaging shows the lesion the surgery
would treat, or does not), read by the SHIPPED rules/fact_patterns.yaml, with
the facts the surgery rules share with other topics (conservative care,
examination findings). None of the sentences is copied from a letter: they are
paraphrases of the findings, negations, negative controls that must give
nothing, and guideline text that must never give a fact. The last part checks
the item categories of surgeries against the services requested with them.
"""

from __future__ import annotations

import pytest

from conftest import ROOT
from imr_rules.loader import load_rulebase
from test_letters_patterns import read      # facts of a rationale, read with the shipped patterns

pytestmark = pytest.mark.shipped

LESION = "surgical_lesion_imaging_documented"
CONSERV = "conservative_care_failed"
EXAM = "specific_exam_findings_documented"


def read_in_case(sentence: str) -> dict:
    """The sentence as a finding, after a guideline quotation and 'In this case'."""
    return read("The ACOEM Guidelines recommend surgery for patients who have red flag conditions, activity "
                "limitation, failure to increase range of motion and strength even after exercise programs, "
                "and clear clinical and imaging evidence of a lesion that has been shown to benefit from "
                "surgical repair. In this case the provider has requested the procedure. " + sentence)


PARAPHRASES = [
    # The imaging shows the lesion.
    (LESION, "The MRI confirmed a full-thickness tear of the supraspinatus.", True),
    (LESION, "His MR arthrogram demonstrated an anterior labral tear.", True),
    (LESION, "The claimant has instability on examination with concordant imaging findings.", True),
    (LESION, "Imaging findings correlate with the examination.", True),
    (LESION, "The knee MRI is consistent with a bucket-handle meniscus tear.", True),
    (LESION, "A Bankart lesion was identified on the MRI arthrogram.", True),
    (LESION, "There is clear imaging evidence of a posterior horn tear.", True),
    # ... or does not.
    (LESION, "Although the surgeon read a labral tear on the films, the radiology report did not confirm it.", False),
    (LESION, "The official MRI report does not show a rotator cuff tear.", False),
    (LESION, "There is no imaging evidence of a meniscal tear.", False),
    (LESION, "The MRI was negative for a labral tear.", False),
    (LESION, "Imaging of the knee was unremarkable, without a meniscal lesion.", False),
    (LESION, "The MR arthrogram findings were equivocal for a SLAP lesion.", False),
    # The facts the surgery rules share with imaging and injections.
    (CONSERV, "She has failed six months of physical therapy, NSAIDs and a cortisone injection.", True),
    (CONSERV, "There is no documentation that a course of conservative care was tried and failed.", False),
    (EXAM, "The examination shows a positive apprehension test and a positive relocation sign.", True),
    (EXAM, "McMurray's test was negative on the most recent examination.", False),
]

# Sentences that state no imaging finding of a lesion.
CONTROLS = [
    "The surgeon requests a right shoulder arthroscopy with labral repair.",
    "An MRI of the knee was obtained on 11/01/2016.",
    "The patient has had an MRI for a possible tear.",
    "The provider would like an MR arthrogram to rule out a labral tear.",
    "The patient reports locking and catching of the knee.",
    "He attended eight sessions of physical therapy.",
    "Therefore, the requested surgery is not medically necessary.",
    "The ACL was poorly visualized on imaging.",
]

# Guideline text (quoted or paraphrased) that must never yield the fact.
GUIDELINE_VOICE = [
    "Surgery is recommended after failure of conservative care when physical exam findings and imaging "
    "corroborate the medical necessity of the request.",
    "The guidelines state that surgery is appropriate when there is clear clinical and imaging evidence of a "
    "lesion.",
    "Per ODG, surgery for SLAP lesions is recommended for type II and type IV lesions.",
    "If the MRI confirms a tear, arthroscopy may be appropriate.",
]


@pytest.mark.parametrize("fact,sentence,value", PARAPHRASES)
def test_paraphrases(fact, sentence, value):
    assert read(sentence).get(fact) is value
    assert read_in_case(sentence).get(fact) is value


@pytest.mark.parametrize("sentence", CONTROLS)
def test_negative_controls_give_no_lesion_fact(sentence):
    for facts in (read(sentence), read_in_case(sentence)):
        assert LESION not in facts, facts


@pytest.mark.parametrize("sentence", GUIDELINE_VOICE)
def test_guideline_voice_gives_no_lesion_fact(sentence):
    assert LESION not in read_in_case(sentence)


def test_quoted_criteria_give_no_fact_and_the_finding_after_does():
    quote = ("According to the ACOEM Guidelines, surgery is recommended after the failure of conservative "
             "care, when physical exam findings and imaging corroborate the medical necessity of the request. ")
    assert LESION not in read(quote)
    assert read(quote + "In this case, the MRI shows a complex tear of the medial meniscus.")[LESION] is True


def test_the_verdict_on_the_surgery_is_no_finding():
    # "the requested surgery is supported" is the reviewer's conclusion: blanked, never read.
    facts = read_in_case("Given the corresponding imaging, the requested surgery is supported.")
    assert facts == {LESION: True}
    assert read_in_case("The requested surgery is not supported.") == {}


@pytest.fixture(scope="module")
def rb():
    return load_rulebase(ROOT / "rules", ROOT / "guidelines")


@pytest.mark.parametrize("name, category", [
    ("Left shoulder arthroscopy with Bankart repair, possible biceps tenodesis", "shoulder_surgery"),
    ("Operative arthroscopy, superior labral anterior posterior repair, right shoulder", "shoulder_surgery"),
    ("Right shoulder arthroscopic subacromial decompression", "shoulder_surgery"),
    ("SLAP repair", "shoulder_surgery"),
    ("Right knee arthroscopy with evaluation of ACL, medial meniscectomy", "knee_surgery"),
    ("Left knee ACL reconstruction", "knee_surgery"),
    ("with open carpal tunnel release", "surgery"),
    ("Lumbar fusion L4-5", "surgery"),
    # What goes with a surgery is not the surgery.
    ("Associated surgical service: Ultrasling", "sling"),
    ("Associated surgical service: Labs - CBC", "preoperative_testing"),
    ("Post operative physical therapy for the right knee 2 times a week for 6 weeks", "postsurgical_therapy"),
    ("Post-op physical therapy after shoulder arthroscopy", "postsurgical_therapy"),
    ("MR arthrogram of the right shoulder before arthroscopy", "mri"),
    ("Consult with hip replacement specialist to evaluation for a total hip arthroplasty", "consultation"),
    ("Assistant surgeon for the knee arthroscopy", "assistant_surgeon"),
    ("Medical clearance for knee arthroscopy", "medical_clearance"),
    ("Referral to a hand surgeon for carpal tunnel release", "consultation"),
])
def test_surgeries_and_the_services_with_them_are_told_apart(rb, name, category):
    assert rb.items.category_of(name) == category
