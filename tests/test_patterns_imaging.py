"""The imaging and electrodiagnostic fact patterns on findings phrased as letters might phrase them.

Reads the SHIPPED pattern file (rules/fact_patterns.yaml) and the shipped
guideline excerpts. None of the sentences is copied from a published letter:
they are paraphrases of the findings the letters state both ways ("there is no
evidence of red flags", "the records indicate a neurologic deficit"), negative
controls that must give no fact, and guideline text (quoted or paraphrased)
that must never give one.
"""

from __future__ import annotations

import pytest

from test_letters_patterns import read     # the shipped patterns, read like a letter's rationale

pytestmark = pytest.mark.shipped

RED, NEURO, SYMPTOMS, CARE, SURGERY, WHY, LESION, FILMS = (
    "red_flags_documented", "neurologic_deficit_documented", "neurologic_symptoms_documented",
    "conservative_care_failed", "surgery_considered", "study_rationale_documented",
    "specific_exam_findings_documented", "plain_radiographs_documented")


def read_in_case(sentence: str) -> dict:
    """The sentence as a finding, after a verbatim guideline quotation (an excerpt of
    guidelines/mtus-low-back-2004-imaging.yaml) and "In this case"."""
    return read("Unequivocal objective findings that identify specific nerve compromise on the neurologic "
                "examination are sufficient evidence to warrant imaging in patients who do not respond to "
                "treatment and who would consider surgery an option. In this case the provider has requested "
                "an MRI of the lumbar spine. " + sentence)


RED_FLAG_CASES = [
    ("No red flags were identified on examination.", False),
    ("The examination shows no red-flag findings.", False),
    ("The physician did not document any red flags.", False),
    ("Red flags have not been documented in the progress notes.", False),
    ("There is no suspicion of fracture, tumor or infection.", False),
    ("Cauda equina syndrome was not suspected by the treating physician.", False),
    ("Red flag conditions have been ruled out.", False),
    ("Radiographs showed the appearance of a compression fracture.", True),
    ("Red flags were noted on examination, including saddle anesthesia.", True),
    ("The surgeon documented progressive neurological deficits in both legs.", True),
    ("An infection is suspected at the prior surgical site.", True),
    ("There is evidence of a cauda equina syndrome.", True),
    # Other reviewers' words: the state after the topic, a suspicion, "has".
    ("Red flags are absent.", False),
    ("There is no suspicion for an occult fracture.", False),
    ("There is no concern for cauda equina syndrome.", False),
    ("The patient denies red flag symptoms.", False),
    ("The records describe red flags, including bowel incontinence.", True),
    ("The physician suspects a fracture of the scaphoid.", True),
    ("There is concern for an occult fracture.", True),
    ("The patient has progressive neurologic deficits.", True),
    ("There is clinical suspicion of infection.", True),
]

NEURO_CASES = [
    ("The neurologic examination showed no focal deficits.", False),
    ("Strength, sensation and reflexes were normal in both arms.", False),
    ("He had 5/5 strength and intact sensation in the lower extremities.", False),
    ("There was no evidence of nerve root compromise on the examination.", False),
    ("Objective evidence of radiculopathy has not been documented.", False),
    ("The records lack any objective neurological findings.", False),
    ("A positive straight leg raise was found on the left.", True),
    ("The physician documented a neurologic deficit in the right arm.", True),
    ("Examination revealed a positive Spurling test on the left.", True),
    ("There are objective findings consistent with lumbar radiculopathy.", True),
    # The examination as other reviewers report it: normal, or the deficit by its root or reflex.
    ("The neurological examination was within normal limits.", False),
    ("The neurologic exam is unremarkable.", False),
    ("Motor and sensory examinations were normal.", False),
    ("The patient has a normal neurological examination.", False),
    ("The neurological examination revealed no deficits.", False),
    ("There were no sensory or motor deficits.", False),
    ("Reflexes are absent at the ankles bilaterally.", True),
    ("Objective neurologic deficits are absent.", False),
    # An affirm word before the topic, the negated or missing finding after it.
    ("Objective neurologic deficits were not found.", False),
    ("Objective evidence of radiculopathy on exam is lacking.", False),
    ("Deep tendon reflexes were 2+ and symmetric.", False),
    ("The examination does not reveal any radicular findings.", False),
    ("Examination revealed decreased sensation in the L5 dermatome.", True),
    ("There was weakness of the extensor hallucis longus on the left.", True),
    ("Diminished left ankle reflex was noted.", True),
    ("He has an absent Achilles reflex on the right.", True),
    ("Straight leg raise was positive on the left at 40 degrees.", True),
    ("The examination shows diminished sensation in the C6 distribution.", True),
    ("There was 4/5 strength of the left ankle dorsiflexors.", True),
    ("Neurologic examination revealed 4/5 strength in the left EHL.", True),
    ("Spurling's test was positive on the left, otherwise the examination was normal.", True),
    ("The neurological examination was unremarkable except for decreased sensation in the S1 dermatome.", True),
]

SYMPTOM_CASES = [
    ("She denies numbness or tingling in the hands.", False),
    ("There were no radicular complaints at the last visit.", False),
    ("The notes never mention paresthesias in the fingers.", False),
    ("He reports numbness and tingling in the fingers.", True),
    ("The patient complains of pain radiating down the left leg.", True),
    ("She has radicular symptoms into the right arm.", True),
    ("The pain does not radiate.", False),
    ("Clear radicular symptoms are lacking.", False),
    ("There is no radiation of pain into the legs.", False),
    ("The pain radiates into the left arm.", True),
]

CARE_CASES = [
    ("The patient has not completed a course of physical therapy.", False),
    ("It is not clear whether conservative treatment was tried.", False),
    ("She is improving with physical therapy.", False),
    ("No trial of conservative management has been documented.", False),
    ("Conservative care has yet to be attempted.", False),
    ("Symptoms persisted despite eight sessions of physical therapy and NSAIDs.", True),
    ("He has failed conservative treatment, including medications and a home program.", True),
    ("Conservative care over six weeks brought little change.", True),
    ("The claimant did not improve with physical therapy.", True),
    # Failure stated with "no relief", "in spite of", "failed to respond"; a trial not had.
    ("Conservative treatment has not been tried.", False),
    ("Physical therapy has not been tried for the shoulder.", False),
    ("Symptoms have persisted in spite of conservative treatment.", True),
    ("The claimant has failed to respond to conservative care.", True),
    ("The patient has had no relief with conservative treatment.", True),
    ("Conservative management has provided no lasting benefit.", True),
    ("The patient remains symptomatic after a course of physical therapy.", True),
    ("There was no improvement with physical therapy.", True),
    ("She did not benefit from physical therapy.", True),
    ("The patient has undergone physical therapy, acupuncture and chiropractic care with persistent pain.", True),
    ("Conservative treatment has been ineffective.", True),
    ("The patient is currently in physical therapy and improving.", False),
    ("There is insufficient documentation of a failed trial of physical therapy.", False),
    ("The patient has completed 12 sessions of physical therapy with minimal improvement.", True),
]

SURGERY_CASES = [
    ("Surgery has not been discussed with the patient.", False),
    ("The patient is not a surgical candidate.", False),
    ("He does not wish to consider surgery.", False),
    ("There is no plan for an invasive procedure.", False),
    ("Surgery has been discussed with the claimant.", True),
    ("The spine surgeon is planning an L5-S1 decompression surgery.", True),
    ("The claimant is a candidate for surgical decompression.", True),
    # The patient's wish, a surgeon's recommendation.
    ("The patient is not interested in surgery.", False),
    ("The patient does not want surgery.", False),
    ("The patient declines surgery.", False),
    ("Surgery is not being contemplated.", False),
    ("The surgeon recommended surgery.", True),
    ("The patient would like to proceed with surgery.", True),
]

RATIONALE_CASES = [
    ("The provider does not explain why the MRI was ordered.", False),
    ("It is unclear how the results would change the treatment plan.", False),
    ("No clinical rationale for the study was provided.", False),
    ("The physician clearly stated why the EMG was requested.", True),
    ("The treating physician explained how the MRI results would change the treatment plan.", True),
    ("The reason for the study was not documented.", False),
    ("It is unclear what the EMG is intended to rule out.", False),
    ("The physician documented the reason for the repeat MRI: a new foot drop.", True),
]

LESION_CASES = [
    ("McMurray and Lachman tests were negative.", False),
    ("There were no objective findings of internal derangement.", False),
    ("No physical examination findings suggested a labral tear.", False),
    ("The examination showed a positive McMurray sign and joint line tenderness.", True),
    ("Physical examination findings suggest a possible meniscal tear.", True),
    ("Impingement signs were positive on the right.", True),
    ("The physical examination was unremarkable.", False),
    ("Examination findings were nonspecific.", False),
    ("Examination of the knee was within normal limits.", False),
    ("The examination was unremarkable except for a positive McMurray test.", True),
]

FILM_CASES = [
    ("Plain radiographs have not been obtained.", False),
    ("There are no plain films of the elbow in the record.", False),
    ("Plain radiographs of the knee were normal.", True),
    ("Prior plain films showed mild degenerative change.", True),
]

# Sentences that state none of the facts.
CONTROLS = [
    "The patient reports low back pain rated 7/10.",
    "An MRI of the lumbar spine was requested on 12/01/2016.",
    "Therefore, the MRI of the lumbar spine is not medically necessary.",
    "The request for EMG/NCV of the upper extremities is medically necessary.",
    "She works as a cashier and was injured lifting a box.",
    "He was seen for follow-up on 11/30/2016.",
    # A complaint of weakness or numbness is no examination finding.
    "The patient states she has decreased strength in the arm.",
    "She has decreased sensation of the lateral foot.",
]

# Guideline text, quoted or paraphrased, that must never give a fact, even
# after "In this case".
GUIDELINE_VOICE = [
    "MRI is recommended for red flags such as cauda equina, tumor or infection.",
    "Imaging is indicated only if surgery is being considered.",
    "The guidelines support EMG in patients with radicular symptoms lasting more than four weeks.",
    "Per ACOEM, special studies are not needed until after a period of conservative care.",
    "Findings that identify nerve compromise warrant imaging in patients who do not respond to treatment.",
    "The utilization review denied the MRI for lack of neurological deficits.",
    "Imaging is reserved for patients who have red flags.",
    # The criteria listed, a counterfactual, a condition in the subjunctive.
    "Criteria include failure of conservative treatment and objective neurologic findings.",
    "Had conservative treatment failed, an MRI could be considered.",
    "An MRI would be indicated if neurologic deficits were present.",
    # Patients in general.
    "Patients who have not responded to conservative treatment may be candidates for surgery.",
    # Verbatim excerpt text (guidelines/*-imaging.yaml, *-electrodiagnostic.yaml).
    "Most patients improve quickly, provided red flag conditions are ruled out.",
    "Neuroimaging is not recommended in patients who sustained a concussion/mTBI beyond the emergency "
    "phase (72 hours post-injury) unless the condition deteriorates or red flags are noted.",
    "Nerve conduction studies are not recommended, but electromyography is recommended as an option to "
    "obtain unequivocal evidence of radiculopathy after a one month conservative therapy, but "
    "electromyography is not necessary if radiculopathy is already clinically obvious.",
]

PARAPHRASES = [(fact, sentence, value)
               for fact, cases in ((RED, RED_FLAG_CASES), (NEURO, NEURO_CASES), (SYMPTOMS, SYMPTOM_CASES),
                                   (CARE, CARE_CASES), (SURGERY, SURGERY_CASES), (WHY, RATIONALE_CASES),
                                   (LESION, LESION_CASES), (FILMS, FILM_CASES))
               for sentence, value in cases]


@pytest.mark.parametrize("fact,sentence,value", PARAPHRASES)
def test_paraphrases(fact, sentence, value):
    assert read(sentence).get(fact) is value
    assert read_in_case(sentence).get(fact) is value


@pytest.mark.parametrize("sentence", CONTROLS)
def test_negative_controls_give_no_fact(sentence):
    assert read(sentence) == {}
    assert read_in_case(sentence) == {}


@pytest.mark.parametrize("sentence", GUIDELINE_VOICE)
def test_guideline_voice_gives_no_fact(sentence):
    assert read_in_case(sentence) == {}


def test_the_verbatim_guideline_quotation_gives_no_fact():
    # The prefix of read_in_case on its own: an excerpt, then the request.
    assert read_in_case("") == {}


def test_each_clause_reads_its_own_fact():
    facts = read_in_case("There are no red flags; however, the examination revealed a positive Spurling sign.")
    assert facts == {RED: False, NEURO: True}
    facts = read_in_case("Although physical therapy has failed, there is no plan for surgery.")
    assert facts == {CARE: True, SURGERY: False}


def test_the_state_word_after_the_topic_denies():
    # "intact" stands after "reflexes": it must deny, not sit unread inside the topic.
    assert read_in_case("It is noted that reflexes and strength are intact in the arms.") == {NEURO: False}


def test_a_result_of_radiographs_needs_a_verb():
    # The guideline's criteria name radiographs with an adjective: not a finding.
    assert FILMS not in read_in_case("Chronic elbow pain, suspect mass; plain films nondiagnostic.")
    assert read_in_case("Plain films of the elbow were nondiagnostic.") == {FILMS: True}


def test_disagreeing_sentences_leave_the_fact_unknown():
    assert RED not in read_in_case("Red flags were noted on examination. No red flags were identified.")


def test_a_reason_after_as_is_a_clause_of_its_own():
    # The guideline's "should be" in the reason no longer hides the finding before it.
    sentence = ("However, there was lack of clinical documentation indicating the patient will be undergoing "
                "surgical intervention, as immobilization should be avoided except for patients undergoing surgery.")
    assert read_in_case(sentence).get("surgery_considered") is False
