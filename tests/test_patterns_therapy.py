"""The therapy fact patterns (rules/fact_patterns.yaml) on findings phrased in ways the letters do not use.

Physical therapy, manipulation, acupuncture, electrical stimulation and
passive modalities. None of the sentences below is copied from a published
letter: they are paraphrases of the findings the letters state, number
phrasings included, plus negations, guideline-voice sentences and negative
controls that must give no fact. They read the SHIPPED patterns.
"""

from __future__ import annotations

import pytest

from imr_rules.derive import modality_in_item_name
from test_letters_patterns import read     # the shipped patterns, read like a letter's rationale

pytestmark = pytest.mark.shipped

PRIOR, REQUESTED, EXCEED = "prior_therapy_visits", "therapy_visits_requested", "therapy_visits_exceed_guideline"
IMPROVED, DEFICITS, NEED = ("prior_therapy_functional_improvement_documented",
                            "objective_functional_deficits_documented", "supervised_therapy_need_documented")
REHAB, MEDS, HEP_FAILED = ("rehabilitation_program_documented", "pain_medication_reduced_or_not_tolerated",
                           "home_exercise_program_failed")
THERAPY_FACTS = {PRIOR, REQUESTED, EXCEED, IMPROVED, DEFICITS, NEED, REHAB, MEDS, HEP_FAILED}


def read_in_case(sentence: str) -> dict:
    """The sentence as a finding, after a guideline quotation and 'In this case'."""
    return read("Physical medicine encompasses interventions that are within the scope of various practitioners "
                "(including Physical Therapy, Occupational Therapy, Chiropractic, and MD/DO). In this case the "
                "provider has requested further treatment. " + sentence)


# Visits already had: the count, whatever the verb or the word for a visit.
PRIOR_CASES = [
    ("The claimant has attended at least 6 previous sessions.", 6),
    ("She completed 12 sessions of physical therapy last year.", 12),
    ("He had six prior visits with the chiropractor.", 6),
    ("The injured worker underwent eight sessions of acupuncture in the fall.", 8),
    ("To date the patient has received 10 therapy visits.", 10),
    ("The employee was previously approved for an initial 6 visits of manipulation.", 6),
    ("Utilization review authorized a trial of four sessions in January.", 4),
    ("Nine physical therapy visits were completed before the flare-up.", 9),
    ("The notes list the previous twelve treatments and their dates.", 12),
    ("The therapist reports on the initial 6 sessions.", 6),
    ("She has finished 5 physical therapy visits to date.", 5),
    ("The patient has participated in 12 physical therapy sessions.", 12),
    ("The claimant has been through 6 sessions of acupuncture.", 6),
    ("She has done 8 chiropractic visits.", 8),
]

# The original request of a partial authorization (the request's own count
# comes from the item's name, imr_rules/derive.py).
REQUESTED_CASES = [
    ("Eighteen chiropractic visits for the low back was the original request.", 18),
    ("The original request was for 12 sessions of therapy.", 12),
    ("The original amount of eight acupuncture treatments was reduced on review.", 8),
]

EXCEED_CASES = [
    ("The twelve visits asked for go beyond what the guideline allows; in fact they exceed the guideline.", True),
    ("Eighteen more sessions would surpass the maximum for this diagnosis.", True),
    ("The number of visits requested is in excess of the MTUS recommendation.", True),
    ("Together with the sessions already completed, this request exceeds the recommended number of visits.", True),
    ("The quantity requested is excessive for a sprain.", True),
    ("There are no exceptional factors that would justify 10 more visits, which would exceed the guidelines.", True),
    ("The requested visits are within the guideline recommendation for this condition.", False),
    ("Six visits do not exceed the guidelines for radiculitis.", False),
    ("The request is not in excess of the guidelines.", False),
    ("The number of sessions requested is more than the guidelines allow.", True),
    ("The request is beyond the guideline recommendations.", True),
    ("The additional 12 visits would bring the total to 36, well above the 10 recommended.", True),
]

IMPROVED_CASES = [
    ("The prior sessions produced no objective functional improvement.", False),
    ("There is no documentation of measurable gains from the earlier visits.", False),
    ("The notes do not show a decrease in pain or an increase in function after the treatments.", False),
    ("Her response to the previous acupuncture is not documented.", False),
    ("The records do not describe the results of the first six visits.", False),
    ("Further visits depend on the patient's response to the trial, which is pending.", None),
    ("Continued care is contingent upon the results of the initial trial.", False),
    ("The earlier chiropractic care has not been reported to have helped; no functional gains were recorded.", False),
    ("The physical therapy progress notes document objective functional improvement: lifting went from 10 to 25 pounds.", True),
    ("Range of motion improved with the previous treatment, and measurable gains in function are documented.", True),
    ("She completed six visits with significant improvement.", True),
    ("The treating physician reports that therapy has been beneficial.", True),
    # What the visits did, with the patient or the therapy as subject.
    ("Objective functional improvement from the completed visits is absent.", False),
    ("The patient did not improve with the prior physical therapy.", False),
    ("Prior physical therapy did not provide any lasting benefit.", False),
    ("The prior acupuncture sessions were not helpful.", False),
    ("Previous physical therapy provided no relief.", False),
    ("The patient reports that the prior physical therapy helped.", True),
    ("Prior therapy resulted in improved range of motion and strength.", True),
    ("The patient improved with the previous course of physical therapy.", True),
    ("The patient has benefited from prior acupuncture with decreased pain and increased activity.", True),
    ("Her pain decreased from 7/10 to 4/10 after the prior sessions.", True),
    ("The prior chiropractic treatment provided significant relief.", True),
    ("The outcome of the prior physical therapy is not known.", False),
    ("The results of the previous acupuncture are not described.", False),
    ("The patient had physical therapy in the past without improvement.", False),
    ("The patient reports some improvement with prior chiropractic care.", True),
    ("Prior physical therapy was reported to be beneficial.", True),
]

DEFICITS_CASES = [
    ("The examination does not document objective functional deficits.", False),
    ("Only minimal deficits remain on the last examination.", False),
    ("No significant deficits were found on examination.", False),
    ("Strength deficits of the left shoulder persist on examination.", True),
    ("The physical examination documents range of motion deficits of the lumbar spine.", True),
]

NEED_CASES = [
    ("Nothing explains why the remaining deficits could not be managed with a self-directed home program.", False),
    ("It is unclear why the patient cannot continue her exercises at home.", False),
    ("There is no rationale for further supervised therapy.", False),
    ("The provider gives no justification for additional formal therapy sessions.", False),
    ("There is no explanation why the patient could not transition to a home exercise program.", False),
    ("It is not clear why the patient would need additional supervised therapy.", False),
    ("The therapist explained why the patient needs further skilled therapy.", True),
    ("The therapist explains why a home exercise program alone is not enough for this patient.", True),
    ("The records document the reasons for continued supervised therapy: she cannot yet lift safely on her own.", True),
]

REHAB_CASES = [
    ("The patient is currently participating in a physical therapy program.", True),
    ("He is engaged in a home exercise program as well.", True),
    ("She is attending functional restoration three days a week.", True),
    ("The patient performs a daily home exercise program.", True),
    ("There is no evidence that the treatment would be an adjunct to physical rehabilitation.", False),
    ("The patient is not enrolled in a program of functional restoration.", False),
    ("The records do not show that the unit would be used as an adjunct to an exercise program.", False),
]

MEDS_CASES = [
    ("The patient cannot tolerate oral pain medications because of gastritis.", True),
    ("Her opioid medication has been tapered over the past two months.", True),
    ("There is no evidence that pain medication is being reduced.", False),
    ("Nothing indicates the patient is intolerant of his medications.", False),
    ("The records do not show that pain medications are reduced or not tolerated.", False),
]

HEP_FAILED_CASES = [
    ("The home exercise program has not been effective despite good compliance.", True),
    ("Her home exercises have plateaued after three months.", True),
    ("The notes do not describe any changes to the home exercise program that were tried.", False),
]

PARAPHRASES = [(fact, sentence, value)
               for fact, cases in ((PRIOR, PRIOR_CASES), (REQUESTED, REQUESTED_CASES), (EXCEED, EXCEED_CASES),
                                   (IMPROVED, IMPROVED_CASES), (DEFICITS, DEFICITS_CASES), (NEED, NEED_CASES),
                                   (REHAB, REHAB_CASES), (MEDS, MEDS_CASES), (HEP_FAILED, HEP_FAILED_CASES))
               for sentence, value in cases]


@pytest.mark.parametrize("fact,sentence,value", PARAPHRASES)
def test_paraphrases(fact, sentence, value):
    assert read(sentence).get(fact) == value and type(read(sentence).get(fact)) is type(value)
    assert read_in_case(sentence).get(fact) == value


# Sentences about therapy that state none of the therapy facts.
CONTROLS = [
    "The patient reports neck pain radiating to the left arm.",
    "Physical therapy was requested on 12/01/2016.",
    "The request is for 12 sessions of physical therapy.",
    "The request included 12 sessions of physical therapy.",
    "The patient is scheduled for 12 sessions.",
    "She was seen for follow-up 6 weeks after the injury.",
    "The diagnoses include lumbar strain and cervical radiculitis.",
    "He works full duty as a warehouse clerk.",
    "Therefore, the request for physical therapy is not medically necessary.",
    "The acupuncture request is medically necessary.",
    # The conservative care that failed (conservative_care_failed), not what these visits achieved.
    "There is no indication the patient has failed to improve with conservative treatment.",
    "The patient would benefit from additional physical therapy.",
    # "above" names the guideline cited, not a count beyond it.
    "There are no findings suggestive of the pathologies outlined in the above guidelines.",
]


@pytest.mark.parametrize("sentence", CONTROLS)
def test_controls_give_no_therapy_fact(sentence):
    assert not THERAPY_FACTS & read(sentence).keys()
    assert not THERAPY_FACTS & read_in_case(sentence).keys()


# The guideline speaking (quoted or paraphrased): never a finding.
GUIDELINE_VOICE = [
    "The guidelines recommend 9-10 visits over 8 weeks for myalgia and myositis.",
    "Per MTUS, an initial trial of 6 visits over 2 weeks is recommended to establish objective functional improvement.",
    "Acupuncture treatments may be extended if functional improvement is documented.",
    "Functional improvement should be documented after six visits.",
    "Patients should have been transitioned to a home exercise program after the trial.",
    "It would not be advisable to continue these modalities if objective progress is not demonstrated.",
    "According to the MTUS, a TENS trial may be used as an adjunct to a program of functional restoration.",
    "ODG states that when the number of visits exceeds the guideline, exceptional factors should be noted.",
    "A total up to 18 visits, over 6-8 weeks, may be appropriate with documentation of objective functional improvement.",
    "The MTUS notes that acupuncture is an option when pain medication is reduced or not tolerated.",
    "Treatment beyond the initial trial is for patients who do not respond to the first visits.",
    "Physical therapy visits beyond the recommended number require documentation of exceptional factors.",
    "Patients who have not improved with the first visits are reassessed.",
]


@pytest.mark.parametrize("sentence", GUIDELINE_VOICE)
def test_guideline_voice_gives_no_therapy_fact(sentence):
    assert not THERAPY_FACTS & read_in_case(sentence).keys()


def test_the_verdict_is_never_read():
    # "... is not medically necessary" is blanked before anything is read.
    facts = read_in_case("The requested physical therapy is not medically necessary.")
    assert not THERAPY_FACTS & facts.keys()


def test_a_count_and_a_finding_in_one_sentence():
    facts = read_in_case("He has completed at least eight sessions without any documented functional improvement.")
    assert facts[PRIOR] == 8 and facts[IMPROVED] is False


def test_the_claims_administrators_part_of_this_request_is_not_a_prior_visit():
    facts = read_in_case("Ten physical therapy visits for the hand was authorized by the Claims Administrator.")
    assert PRIOR not in facts


def test_two_different_counts_leave_the_count_unknown():
    facts = read_in_case("She had 6 sessions in March. She had 9 sessions in April.")
    assert PRIOR not in facts


@pytest.mark.parametrize("name, modality", [
    ("Pulsed ultrasound 2 times a week for 4 weeks", "ultrasound"),
    ("Ultrasound guided injection of the shoulder", None),
    ("Infrared heat to the low back", "infrared"),
    ("Ice/Heat pads therapy times 6", "heat_cold"),
    ("Hot packs to the neck", "heat_cold"),
    ("Spinolator therapy (traction) times 6", "traction"),
    ("Cervical traction unit", "traction"),
    ("Myofascial release to the low back", "myofascial_release"),
    ("Massage therapy x 6", "massage"),
    ("Diathermy 6 sessions", "diathermy"),
    ("TENS unit", None),
    ("Physical therapy 2 times a week for 6 weeks", None),
])
def test_modality_in_item_name(name, modality):
    assert modality_in_item_name(name) == modality


@pytest.mark.parametrize("name, category", [
    ("Post operative physical therapy for the right knee 2 times a week for 6 weeks", "postsurgical_therapy"),
    ("Associated surgical service: Physical therapy, times 12", "postsurgical_therapy"),
    ("Post-op physical therapy 12-18 sessions", "postsurgical_therapy"),
    ("Occupational therapy after the carpal tunnel surgery, 8 visits", "postsurgical_therapy"),
    ("Associated surgical service: EMS/TENS unit", "postsurgical_therapy"),
    ("Physical therapy 2 times a week for 6 weeks low back", "physical_therapy"),
    ("Physical therapy for the shoulder, status post surgery in 2014", "physical_therapy"),
    ("Ice/Heat pads therapy times 6", "passive_modality"),
    ("TENS unit", "electrical_stimulation"),
    ("Chiropractic care for the low back; six sessions", "chiropractic"),
])
def test_postsurgical_therapy_is_its_own_category(shipped_rb, name, category):
    # The Postsurgical Treatment Guidelines, not the Chronic Pain visit counts, govern therapy after surgery.
    assert shipped_rb.items.category_of(name) == category
