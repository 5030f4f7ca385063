"""The medication fact patterns (rules/fact_patterns.yaml, "--- medications ---") on paraphrases.

None of the sentences below is copied from a letter: they say the findings of
medication rationales (pain relief, function, opioid monitoring, muscle spasm,
duration of use, GI risk, first-line therapy, topical versus oral...) the way
other reviewers phrase them, with negations, negative controls and guideline
text that must never give a fact. They read the SHIPPED patterns.
"""

from __future__ import annotations

import pytest

from test_letters_patterns import read     # the shipped patterns, read like a letter's rationale

pytestmark = pytest.mark.shipped

RELIEF = "medication_pain_relief_documented"
FUNCTION = "medication_functional_improvement_documented"
MONITOR = "opioid_aberrant_behavior_monitoring_documented"
ADVERSE = "opioid_severe_adverse_effects_documented"
SPASM = "acute_muscle_spasm_documented"
SHORT_MR = "muscle_relaxant_short_course_documented"
NEURO = "neuropathic_pain_documented"
SHORT_NSAID = "nsaid_use_short_term"
INITIAL = "medication_initial_trial"
GI = "gi_risk_factors_documented"
ON_NSAID = "nsaid_use_documented"
FIRST_LINE = "first_line_therapy_failed"
ORAL = "topical_over_oral_rationale_documented"
ON_OPIOID = "opioid_therapy_documented"
MEDICATION_FACTS = (RELIEF, FUNCTION, MONITOR, ADVERSE, SPASM, SHORT_MR, NEURO, SHORT_NSAID, INITIAL, GI,
                    ON_NSAID, FIRST_LINE, ORAL, ON_OPIOID)


def read_in_case(sentence: str) -> dict:
    """The sentence as a finding, after guideline text and "In this case"."""
    return read("The guidelines recommend medications for chronic pain with documented benefit. "
                "In this case the provider requested a refill. " + sentence)


CASES = {
    RELIEF: [
        ("The progress notes do not document any decrease in pain with the medication.", False),
        ("There is no quantified pain relief attributed to this drug.", False),
        ("The provider did not record how much the medication reduces pain.", False),
        ("Pain relief from the current regimen remains undocumented.", False),
        ("The claimant reported a reduction in pain from 8/10 to 4/10 with the medication.", True),
        ("She has experienced meaningful pain relief with its use.", True),
        ("The notes document improved pain levels with the regimen.", True),
        # The medication as the subject of the verb.
        ("The medication reduces his pain from 8/10 to 4/10.", True),
        ("The medication helps with pain.", True),
        ("The medication does not reduce his pain.", False),
        ("Decrease in pain with the medication was not indicated.", False),
    ],
    FUNCTION: [
        ("The notes do not show improvement in activities of daily living with the medication.", False),
        ("No functional gains from the opioid are documented.", False),
        ("The reviewer found no objective functional benefit from this regimen.", False),
        ("Functional improvement has not been demonstrated on the current regimen.", False),
        ("The physician documented improved function, with the patient now able to work full duty.", True),
        ("He has gained objective improvement in activities of daily living with the regimen.", True),
        # What the medication makes possible.
        ("The medication allows her to perform household chores.", True),
        ("With the medication he is able to walk longer and do his activities of daily living.", True),
        ("The medication does not allow her to perform household chores.", False),
    ],
    MONITOR: [
        ("No urine drug screen results were submitted.", False),
        ("The prescriber did not check the CURES database before prescribing.", False),
        ("An addiction risk assessment has not been completed.", False),
        ("There is no signed opioid agreement in the records.", False),
        ("Screening for misuse was never performed.", False),
        ("A urine drug test from last month was consistent with the prescribed medications.", True),
        ("The CURES report was reviewed and shows a single prescriber.", True),
        ("An opioid agreement was signed at the first visit.", True),
        ("Urine drug screens have been appropriate.", True),
        ("The last urine drug screen was inconsistent with the prescribed medications.", True),
    ],
    ADVERSE: [
        ("The patient reports significant sedation and other side effects from the opioid.", True),
        ("He developed respiratory depression on the current dose.", True),
        ("She denies side effects.", False),
        ("No adverse effects are reported.", False),
    ],
    SPASM: [
        ("No paraspinal spasm was found on examination.", False),
        ("The examination does not describe muscle spasm.", False),
        ("There is no documentation of acute spasm.", False),
        ("Palpation revealed paravertebral muscle spasm.", True),
        ("The examination documented lumbar muscle spasms on 12/01/2016.", True),
        ("Spasm is absent.", False),
    ],
    SHORT_MR: [
        ("The patient has been taking the muscle relaxant since early 2015.", False),
        ("The records reflect ongoing use of this medication.", False),
        ("There is no indication that its use will be short-term.", False),
        ("The prescription is documented as a short course for an acute flare.", True),
        ("The patient has been on Flexeril for several months.", False),
        ("The patient has been taking cyclobenzaprine for over a year.", False),
        ("The muscle relaxant has been prescribed chronically.", False),
    ],
    NEURO: [
        ("There is no documentation of neuropathic pain on examination.", False),
        ("The patient does not complain of neuropathic symptoms.", False),
        ("The examination findings are consistent with neuropathic pain in the left leg.", True),
        ("He has a diagnosis of diabetic peripheral neuropathy.", True),
        ("The patient's pain is not neuropathic in nature.", False),
        ("Neuropathic pain is not documented.", False),
        ("The pain is described as burning and neuropathic.", True),
        ("The patient's pain is neuropathic in nature.", True),
    ],
    SHORT_NSAID: [
        ("The NSAID is prescribed for a brief course during the subacute phase of the injury.", True),
        ("The patient has been taking ibuprofen for several years.", False),
        ("There is no documentation that the NSAID will be used short term.", False),
        ("The records reflect long-term use of the anti-inflammatory.", False),
        ("She has used naproxen daily for many months.", False),
    ],
    INITIAL: [
        ("This is an initial trial of the medication.", True),
        ("The physician wrote a first-time prescription for meloxicam.", True),
        ("It is unclear whether this is a first-time prescription.", False),
    ],
    GI: [
        ("There is no history of GI bleeding or peptic ulcer disease.", False),
        ("The patient has no gastrointestinal complaints.", False),
        ("The records do not mention dyspepsia.", False),
        ("She is not at increased risk of gastrointestinal events.", False),
        ("The patient has a history of peptic ulcer.", True),
        ("He reports dyspepsia with the NSAID.", True),
        ("The patient is on concurrent aspirin therapy and takes an NSAID.", True),
        ("He is under age 65 with no history of ulcers.", False),
        ("The patient reports gastric upset with NSAIDs.", True),
    ],
    ON_NSAID: [
        ("The patient is taking naproxen twice daily.", True),
        ("He was prescribed an anti-inflammatory medication last month.", True),
        ("The patient is not using any NSAID.", False),
    ],
    FIRST_LINE: [
        ("There is no record of a trial of antidepressants or anticonvulsants.", False),
        ("The physician has not documented failure of first-line medications.", False),
        ("The patient tried and failed gabapentin and amitriptyline.", True),
        ("Trials of first-line therapy have failed, as documented in the notes.", True),
        ("There is no documentation of failed trials of first-line, non-opioid treatments.", False),
        ("The records document failure of first-line, non-opioid treatments.", True),
        # The drug named, tried or not tolerated.
        ("The patient has not tried gabapentin or an antidepressant.", False),
        ("Gabapentin was not tried.", False),
        ("Gabapentin was tried without benefit.", True),
        ("The patient did not tolerate gabapentin.", True),
    ],
    ORAL: [
        ("The records do not explain why a topical product is needed instead of an oral medication.", False),
        ("There is no evidence that the patient is intolerant of oral medications.", False),
        ("The physician documented that the patient is unable to tolerate oral NSAIDs because of gastritis.", True),
    ],
    ON_OPIOID: [
        ("The patient is taking hydrocodone for pain after the surgery.", True),
        ("Opioid medication will be used for the first week after surgery.", True),
        ("The patient is not taking any opioids.", False),
    ],
}

PARAPHRASES = [(fact, sentence, value) for fact, cases in CASES.items() for sentence, value in cases]

# Sentences that state none of the medication facts.
CONTROLS = [
    "The patient presents with low back pain radiating to the left leg.",
    "Therefore, the request is not medically necessary.",
    "Therefore, the medication is medically necessary.",
    "The request was for Norco 10/325mg #60 and a urine drug screen.",
    "The patient underwent a lumbar MRI on 10/01/2016.",
    "She was seen for follow-up on 11/15/2016.",
    "Pain is rated 7/10.",
    "Non-opioid analgesics such as acetaminophen are an alternative.",
]

# Guideline text (quoted or reported) that must never yield a fact, even after "In this case".
GUIDELINE_VOICE = [
    "The guidelines state that urine drug screening should be performed for patients on opioids.",
    "Per MTUS, topical analgesics are primarily recommended for neuropathic pain when trials of antidepressants "
    "and anticonvulsants have failed.",
    "This medication is only recommended for a short course of therapy.",
    "Long-term use is not recommended.",
    "Documentation of pain relief and functional improvement are critical components of opioid management.",
    "There should be documentation of pain relief and improvement in function with the medication.",
    "They also state that side effects should be documented at each visit.",
    "Muscle relaxants may be appropriate for short-term treatment of acute muscle spasm.",
    "Continued use is based upon documented pain relief and functional improvement.",
    "The medication may be continued if functional improvement is documented.",
    "Continuation is appropriate when the medication allows the patient to return to work.",
    "Opioids are continued when the medication reduces pain and improves function.",
    "Tapering is studied less in the patient population receiving chronic opioid treatment.",
    "Topical agents are recommended when the pain is neuropathic in nature.",
]


@pytest.mark.parametrize("fact,sentence,value", PARAPHRASES)
def test_paraphrases(fact, sentence, value):
    assert read(sentence).get(fact) is value
    assert read_in_case(sentence).get(fact) is value


@pytest.mark.parametrize("sentence", CONTROLS)
def test_negative_controls_give_no_medication_fact(sentence):
    assert not set(read_in_case(sentence)) & set(MEDICATION_FACTS)


@pytest.mark.parametrize("sentence", GUIDELINE_VOICE)
def test_guideline_voice_gives_no_medication_fact(sentence):
    assert not set(read_in_case(sentence)) & set(MEDICATION_FACTS)


def test_a_quoted_excerpt_is_not_a_finding():
    # The MTUS Opioid Treatment text as a letter quotes it (an excerpt file holds it).
    quote = ("MTUS states that if the patient fails to meet any of the following four criteria, 13 the "
             "treatment should be reevaluated, including consideration of tapering. (See Section 4, Tapering "
             "Opioids) a. Analgesia: Meaningful improvement in level of pain. b. Activity: Meaningful "
             "improvement in pain interference or function. c. Adverse events: Whether the medication is "
             "causing severe side effects. d. Aberrant behavior: Current substance use disorder or evidence "
             "of diversion.")
    assert not set(read_in_case(quote)) & set(MEDICATION_FACTS)


def test_a_negated_non_opioid_is_not_opioid_therapy():
    # "non-opioid analgesics" names no opioid therapy, negated or not.
    assert ON_OPIOID not in read_in_case("There is no record that non-opioid medications were tried.")


def test_clauses_read_relief_and_function_apart():
    facts = read_in_case("The patient had decreased pain with the medication, however, there was no "
                         "documentation of functional improvement.")
    assert facts[RELIEF] is True and facts[FUNCTION] is False


def test_an_event_months_ago_is_not_a_duration_of_use():
    assert SHORT_NSAID not in read_in_case("The injury occurred several months ago.")


def test_duration_words_inside_the_topic_still_deny_a_short_course():
    # "since" and "ongoing" deny a short course even where the topic phrase
    # ("has been on the medication", "use") sits right next to them.
    assert read_in_case("The patient has been on cyclobenzaprine since June.")[SHORT_MR] is False
    assert read_in_case("The notes document the ongoing use of the relaxant.")[SHORT_MR] is False
