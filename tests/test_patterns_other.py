"""The topic-other fact patterns on findings phrased in ways the letters do not use.

Facts for surgery-related services (preoperative testing, equipment after a
surgery), epidural steroid injections, functional capacity evaluations and
cervical pillows, read by the SHIPPED rules/fact_patterns.yaml. None of the
sentences is copied from a letter: they are paraphrases of the findings, as
other letters phrase them, negations, negative controls that must give
nothing, and guideline text that must never give a fact. The last part checks
the fact read from the request itself (requested_with_surgery) and the item
categories of these services.
"""

from __future__ import annotations

import pytest

from imr_rules.derive import repeat_injection_in_item_name, surgery_in_item_name
from test_letters_patterns import read      # facts of a rationale, read with the shipped patterns

pytestmark = pytest.mark.shipped

RISK = "perioperative_risk_factors_documented"
BLEED = "bleeding_risk_documented"
ANTICOAG = "anticoagulant_use_documented"
IMPLANT = "implant_or_urologic_procedure_planned"
EXAM = "radiculopathy_exam_findings_documented"
CORROB = "radiculopathy_corroborated_documented"
CONSERV = "conservative_care_failed"
FULL_DUTY = "released_to_full_duty"
RTW = "unsuccessful_return_to_work_attempts"
MMI = "near_maximum_medical_improvement"
EXERCISE = "rehabilitation_program_documented"
PRIOR_ESI = "prior_epidural_injection_documented"
RELIEF = "prior_injection_relief_documented"
TOPIC_FACTS = (RISK, BLEED, ANTICOAG, IMPLANT, EXAM, CORROB, CONSERV, FULL_DUTY, RTW, MMI, EXERCISE,
               PRIOR_ESI, RELIEF)


def read_in_case(sentence: str) -> dict:
    """The sentence as a finding, after a guideline quotation and 'In this case'."""
    return read("Preoperative testing should be guided by the patient's clinical history, comorbidities, "
                "and physical examination findings. In this case the provider has requested the service. "
                + sentence)


PARAPHRASES = [
    # Comorbidities that bear on the surgery's risk.
    (RISK, "The patient is obese and has poorly controlled diabetes.", True),
    (RISK, "Her comorbidities include coronary artery disease and COPD.", True),
    (RISK, "Given his hypertension and sleep apnea, preoperative labs were ordered.", True),
    (RISK, "The claimant has an underlying chronic disease, chronic kidney disease stage 3.", True),
    (RISK, "No comorbidities are documented.", False),
    (RISK, "He has no significant past medical history.", False),
    (RISK, "The patient is an otherwise healthy 32-year-old.", False),
    # Bleeding history, conditions predisposing to bleeding.
    (BLEED, "The patient has a history of excessive bleeding after dental extraction.", True),
    (BLEED, "Her thrombocytopenia is documented in the hematology note.", True),
    (BLEED, "There is no history of bleeding.", False),
    (BLEED, "No bleeding disorder was identified.", False),
    # Anticoagulants.
    (ANTICOAG, "He takes warfarin for atrial fibrillation.", True),
    (ANTICOAG, "The patient is currently on Eliquis.", True),
    (ANTICOAG, "She is not taking any anticoagulants.", False),
    (ANTICOAG, "The medication list includes no blood thinners.", False),
    # Implants and urologic procedures.
    (IMPLANT, "The planned knee replacement will implant a prosthesis.", True),
    (IMPLANT, "The procedure involves placement of a synthetic mesh.", True),
    (IMPLANT, "No hardware will be implanted during the arthroscopy.", False),
    # Radiculopathy on examination.
    (EXAM, "Examination revealed decreased sensation in the L5 dermatome on the left.", True),
    (EXAM, "Physical examination findings are consistent with an S1 radiculopathy.", True),
    (EXAM, "Radiculopathy was noted on examination, with an absent ankle reflex.", True),
    (EXAM, "The neurological examination was normal.", False),
    (EXAM, "There were no dermatomal sensory deficits.", False),
    (EXAM, "The physician did not document objective signs of radiculopathy on the most recent visit.", False),
    (EXAM, "Objective evidence of radiculopathy on exam is lacking.", False),
    # Corroboration by imaging or electrodiagnostic testing.
    (CORROB, "The MRI shows a disc extrusion at L4-5 with nerve root impingement.", True),
    (CORROB, "An EMG confirmed an acute left C6 radiculopathy.", True),
    (CORROB, "The electrodiagnostic study was negative for radiculopathy.", False),
    (CORROB, "No imaging study documents nerve root compression at the requested level.", False),
    # Failure of conservative treatment.
    (CONSERV, "Pain persisted despite six weeks of physical therapy and NSAIDs.", True),
    (CONSERV, "She has failed conservative management including home exercise and medications.", True),
    (CONSERV, "He completed therapy without improvement and conservative measures have been exhausted.", True),
    (CONSERV, "The claimant has not yet tried conservative treatment.", False),
    (CONSERV, "It is unclear whether any conservative care was attempted and failed.", False),
    # An earlier epidural injection, and what it gave.
    (PRIOR_ESI, "He is status post L4-5 transforaminal ESI in March.", True),
    (PRIOR_ESI, "The previous epidural steroid injection was performed in 2015.", True),
    (PRIOR_ESI, "She has never had an epidural injection.", False),
    (PRIOR_ESI, "There is no prior ESI on record.", False),
    (RELIEF, "The patient reported 60% pain relief for two months after the last injection.", True),
    (RELIEF, "He had significant relief from the prior epidural block.", True),
    (RELIEF, "There was no documented relief from the previous ESI.", False),
    (RELIEF, "The first injection gave only temporary relief.", False),
    (RELIEF, "After the prior block he had no improvement.", False),
    (RELIEF, "She reports 30% relief after the last epidural.", False),
    (RELIEF, "The earlier ESI gave 70% relief for only two weeks.", False),
    (RELIEF, "The prior epidural injection provided 60 percent improvement for three months.", True),
    # Work status.
    (FULL_DUTY, "He returned to full duty last month.", True),
    (FULL_DUTY, "The employee is working regular duty without restrictions.", True),
    (FULL_DUTY, "The patient remains off work.", False),
    (FULL_DUTY, "She is on modified duty with a lifting limit.", False),
    (RTW, "Two earlier return to work attempts were unsuccessful.", True),
    (RTW, "He had a failed return-to-work trial in October.", True),
    (RTW, "There have been no prior failed return to work attempts.", False),
    (MMI, "The orthopedist declared the patient permanent and stationary.", True),
    (MMI, "The worker has reached maximum medical improvement.", True),
    (MMI, "The patient is not yet at MMI.", False),
    # A daily exercise program.
    (EXERCISE, "The patient is compliant with a daily home exercise program.", True),
    (EXERCISE, "She continues with her home exercise program every morning.", True),
    (EXERCISE, "There is no documentation of a daily exercise program.", False),
    (EXERCISE, "He is not participating in any rehabilitation program.", False),
]

# Sentences that state none of this topic's facts.
CONTROLS = [
    "The patient reports neck pain radiating to the shoulder.",
    "The request is for a cervical pillow and a lumbar support.",
    "He has completed twelve sessions of physical therapy.",
    "A diagnosis of lumbar radiculopathy is listed.",
    "The MRI was performed on 11/02/2016.",
    "She should be taught a home exercise program.",
    "The note does not explain why a home exercise program is insufficient.",
    "The surgeon plans an arthroscopy of the right shoulder.",
    "Therefore, the request is not medically necessary.",
    "He was seen for follow-up on 12/01/2016.",
    "The goals include returning to full duty within three months.",   # a goal, not a release
]

# Guideline text (quoted or paraphrased) that must never yield a fact.
GUIDELINE_VOICE = [
    "The guidelines state that coagulation studies are reserved for patients taking anticoagulants.",
    "Per ODG, a functional capacity evaluation is recommended for patients at or close to maximum medical "
    "improvement.",
    "The MTUS recommends epidural injections after failure of conservative treatment.",
    "If the patient has comorbidities, preoperative testing may be appropriate.",
    "Radiculopathy must be documented by physical examination and corroborated by imaging studies.",
    "Repeat blocks should be based on at least 50% pain relief for six to eight weeks.",
]


@pytest.mark.parametrize("fact,sentence,value", PARAPHRASES)
def test_paraphrases(fact, sentence, value):
    assert read(sentence).get(fact) is value
    assert read_in_case(sentence).get(fact) is value


@pytest.mark.parametrize("sentence", CONTROLS)
def test_negative_controls_give_no_topic_fact(sentence):
    for facts in (read(sentence), read_in_case(sentence)):
        assert not set(facts) & set(TOPIC_FACTS), facts


@pytest.mark.parametrize("sentence", GUIDELINE_VOICE)
def test_guideline_voice_gives_no_topic_fact(sentence):
    assert not set(read_in_case(sentence)) & set(TOPIC_FACTS)


def test_quoted_preoperative_criteria_give_no_fact():
    # The ODG's words (an excerpt file holds them) say who needs the test, not
    # what this patient has: nothing is read from them, the finding after is.
    quote = ("The guidelines indicate coagulation studies are reserved for patients with a history of "
             "bleeding or medical conditions that predispose him to bleeding, and for those taking "
             "anticoagulants. ")
    assert read(quote) == {}
    assert read(quote + "The records show no history of bleeding.") == {BLEED: False}


def test_each_clause_reads_its_own_fact():
    facts = read_in_case("Examination shows dermatomal sensory loss at L5; however, the MRI shows no "
                         "nerve root compression.")
    assert facts[EXAM] is True and facts[CORROB] is False


@pytest.mark.parametrize("name, with_surgery", [
    ("Associated surgical service: Cold therapy for one week", True),
    ("Associated Surgical Services: Ultrasling", True),
    ("Post-op sling", True),
    ("Postoperative Percocet 5/325mg", True),
    ("Pre-op labs: CBC", True),
    ("Cold therapy unit rental after shoulder surgery", True),
    ("Cold therapy unit", None),
    ("Shoulder sling", None),
    ("Surgical consultation", None),
])
def test_requested_with_surgery_is_read_from_the_name(name, with_surgery):
    assert surgery_in_item_name(name) is with_surgery


@pytest.mark.parametrize("name, repeat", [
    ("Repeat lumbar epidural steroid injection L4-5", True),
    ("Second ESI at L5-S1", True),
    ("Lumbar ESI, repeat", True),
    ("Right L5-S1 epidural steroid injection", None),
    ("Repeat MRI of the lumbar spine", None),
    ("Additional physical therapy 2 times a week for 4 weeks", None),
])
def test_a_repeat_injection_is_read_from_the_name(name, repeat):
    assert repeat_injection_in_item_name(name) is repeat


@pytest.mark.parametrize("name, category", [
    ("Pre-op chest x-ray", "preoperative_testing"),
    ("Associated surgical service: Chest x-ray", "preoperative_testing"),
    ("Associated surgical service: EKG", "preoperative_testing"),
    ("Pre-op labs: CBC", "preoperative_testing"),
    ("Pre-op labs: PT/PTT", "preoperative_coagulation_testing"),
    ("Associated surgical service: UA", "preoperative_urinalysis"),
    ("Chest x-ray", "xray"),                                   # not before a surgery: imaging
    # Therapy after a surgery is postsurgical therapy (the Postsurgical Treatment
    # Guidelines, not the Chronic Pain visit counts or TENS trial; therapies topic).
    ("Associated surgical service: Physical therapy, times 12", "postsurgical_therapy"),
    ("Associated surgical service: EMS/TENS unit", "postsurgical_therapy"),
    ("Associated surgical service: Cold therapy for one week", "cold_therapy_unit"),
    ("Cold therapy unit", "cold_therapy_unit"),
    ("Ice/Heat pads therapy times 6", "passive_modality"),     # a passive modality, not a unit
    ("Associated surgical service: Vascutherm unit, 14 days rental", "cold_compression_device"),  # not a cold therapy unit
    ("Associated surgical service: Slingshot sling", "sling"),
    ("Right L5-S1 epidural steroid injection", "epidural_steroid_injection"),
    ("Neuroplasty, lumbar spine", "epidural_adhesiolysis"),    # adhesiolysis is no ESI (topic inject)
    ("Functional capacity evaluation (FCE)", "functional_capacity_evaluation"),
    ("Wedge pillow", "cervical_pillow"),
])
def test_categories_of_surgery_related_services(shipped_rb, name, category):
    assert shipped_rb.items.category_of(name) == category


@pytest.mark.parametrize("name, region", [
    ("Right L5-S1 epidural steroid injection", "lumbar"),
    ("Facet joint injections L4-5, L5-S1", "lumbar"),
    ("Cervical epidural steroid injection C5-6", "cervical"),
    ("C6-7 interlaminar injection", "cervical"),
])
def test_spinal_levels_name_the_region(shipped_rb, name, region):
    assert shipped_rb.items.body_region_of(name) == region


def _drafts(shipped_rb, tmp_path, items: str) -> dict:
    from imr_rules.evaluate import Evaluator
    from imr_rules.inputs import load_any
    case = tmp_path / "case.yaml"
    case.write_text("case_id: c\nur_decision: non_certified\nitems:\n" + items)
    result = Evaluator(shipped_rb).evaluate(load_any(str(case), shipped_rb))
    return {i["item_id"]: i for i in result["items"]}


def test_equipment_after_surgery_waits_for_the_surgery(shipped_rb, tmp_path):
    drafts = _drafts(shipped_rb, tmp_path,
                     '  - {id: a, name: "Associated surgical service: Slingshot sling"}\n'
                     '  - {id: b, name: "Associated surgical service: Slingshot sling",'
                     ' facts: {associated_surgery_certified: true}}\n'
                     '  - {id: c, name: "Associated surgical service: Cold therapy for one week",'
                     ' facts: {associated_surgery_certified: false}}\n'
                     '  - {id: d, name: "Post-op sling", facts: {associated_surgery_certified: true,'
                     ' requested_with_surgery: false}}\n')
    # The name says a surgery goes with it; whether the surgery happens is asked.
    assert drafts["a"]["determination"] == "insufficient_information"
    assert [g["fact"] for g in drafts["a"]["documentation_gaps"]] == ["associated_surgery_certified"]
    assert (drafts["b"]["determination"], drafts["b"]["deciding_rules"]) == (
        "medically_necessary", ["other-sling-after-surgery"])
    assert (drafts["c"]["determination"], drafts["c"]["deciding_rules"]) == (
        "not_medically_necessary", ["other-cryotherapy-surgery-not-certified"])
    # A value the case states wins over the one read from the name.
    assert drafts["d"]["deciding_rules"] == ["other-sling-not-after-surgery"]


def test_preoperative_test_lists_the_surgery_as_open_documentation(shipped_rb, tmp_path):
    drafts = _drafts(shipped_rb, tmp_path,
                     '  - {id: a, name: "Pre-op labs: CBC", facts: {perioperative_risk_factors_documented: true}}\n'
                     '  - {id: b, name: "Pre-op labs: CBC", facts: {perioperative_risk_factors_documented: true,'
                     ' associated_surgery_certified: false}}\n')
    assert drafts["a"]["determination"] == "medically_necessary"
    assert [g["fact"] for g in drafts["a"]["documentation_gaps"]] == ["associated_surgery_certified"]
    assert drafts["b"]["deciding_rules"] == ["other-preop-surgery-not-certified"]


# The published letters with items of this topic's categories (preoperative
# tests, equipment after a surgery, ESIs, FCEs, cervical pillows).
TOPIC_LETTERS = ["CM16-0246487", "CM16-0247274", "CM16-0248471", "CM16-0248698", "CM17-0006287",
                 "CM17-0006634", "CM17-0010420", "CM17-0014449"]


@pytest.mark.parametrize("case_number", TOPIC_LETTERS)
def test_shipped_patterns_are_conclusion_blind_on_this_topics_letters(shipped_rb, case_number):
    # tests/test_conclusion_blind.py flips every letter with the fixture's
    # patterns; this topic's facts live in the shipped ones.
    from conftest import HISTORICAL
    from imr_rules.cases import case_from_document
    from imr_rules.evaluate import Evaluator
    from imr_rules.letters import import_letter, letter_text
    from imr_rules.letters.conclusions import flip
    from imr_rules.yamlio import Document
    from test_conclusion_blind import facts_of
    from test_letters_patterns import PATTERNS as SHIPPED_PATTERNS

    path = HISTORICAL / "real" / f"{case_number}.pdf"
    text = letter_text(path.read_bytes(), str(path))
    as_written, turned = (import_letter(t, source_file=path.name, sha256="0", patterns=SHIPPED_PATTERNS)
                          for t in (text, flip(text)))
    assert facts_of(turned) == facts_of(as_written)
    evaluator = Evaluator(shipped_rb)
    drafts = [evaluator.evaluate(case_from_document(Document(c, c["case_id"], {}), shipped_rb,
                                                    schema_checked=True))["items"] for c in (as_written, turned)]
    assert drafts[0] == drafts[1]
    assert any(i["category"] in CATEGORIES for i in drafts[0])


CATEGORIES = {"preoperative_testing", "preoperative_coagulation_testing", "preoperative_urinalysis",
              "cold_therapy_unit", "sling", "epidural_steroid_injection", "functional_capacity_evaluation",
              "cervical_pillow"}


@pytest.mark.parametrize("sentence", [
    "The patient reports 40% relief with Norco.",
    "Her medications give 70% pain relief.",
])
def test_a_medications_share_of_relief_is_not_an_injections(sentence):
    for facts in (read(sentence), read_in_case(sentence)):
        assert RELIEF not in facts, facts
