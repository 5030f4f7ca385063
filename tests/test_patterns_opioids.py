"""Opioid and TENS findings (rules/fact_patterns.yaml) on paraphrases.

The opioid rules (rules/medication-opioids.yaml) need the "four A's": pain
relief, function, monitoring for aberrant behavior (and side effects); the
electrical-stimulation rules (rules/therapy-electrical-stimulation.yaml) need
a program of functional restoration the stimulation is used with. These
tables say those findings the ways reviewers phrase them beyond the wordings
the first patterns were written from: the four A's named as such, pain
measured with and without the medication, drug screens without "urine",
functional improvement as the guideline defines it (ADLs, work restrictions),
stimulation used "in conjunction with" or "as part of" a program. None of
the sentences is copied from a letter; each table has negations and guideline
text that must give nothing. They read the SHIPPED patterns.
"""

from __future__ import annotations

import pytest

from test_letters_patterns import read     # the shipped patterns, read like a letter's rationale

pytestmark = pytest.mark.shipped

RELIEF = "medication_pain_relief_documented"
FUNCTION = "medication_functional_improvement_documented"
MONITOR = "opioid_aberrant_behavior_monitoring_documented"
PROGRAM = "rehabilitation_program_documented"
PRIOR_BENEFIT = "prior_therapy_functional_improvement_documented"


def read_in_case(sentence: str) -> dict:
    """The facts the sentence gives as a finding, after guideline text and "In this case"."""
    return read("The guidelines recommend opioids for chronic pain with documented benefit. "
                "In this case the provider requested a refill. " + sentence)


# (sentence, {fact: value}): every fact named must be read with that value.
FINDINGS = [
    # The four A's named as such: all of analgesia, activity and aberrant behavior.
    ("There is no documentation of the 4 A's.", {RELIEF: False, FUNCTION: False, MONITOR: False}),
    ("The four A's of ongoing opioid management were not documented.",
     {RELIEF: False, FUNCTION: False, MONITOR: False}),
    ("The treating physician did not document the \"4 A's\" at the last visits.",
     {RELIEF: False, FUNCTION: False, MONITOR: False}),
    ("The provider documented the four A's at each visit.", {RELIEF: True, FUNCTION: True, MONITOR: True}),
    # Pain measured on and off the medication.
    ("The records lack pain scores with and without the medication.", {RELIEF: False}),
    ("There is no documentation of pain levels before and after taking the medication.", {RELIEF: False}),
    ("Pain was rated 8/10 without medications and 4/10 with medications.", {RELIEF: True}),
    # A share of relief on the medication.
    ("The patient reports 40% relief with Norco.", {RELIEF: True}),
    ("There is no documentation of 50% relief with the medication.", {RELIEF: False}),
    ("The notes record VAS scores with and without the opioid at each visit.", {RELIEF: True}),
    # Monitoring without the word "urine".
    ("There is no recent drug screen in the records.", {MONITOR: False}),
    ("A toxicology screen was not submitted.", {MONITOR: False}),
    ("No pill counts were documented.", {MONITOR: False}),
    ("The patient's urine toxicology was consistent with the prescribed medications.", {MONITOR: True}),
    ("A random drug test performed in December was negative for illicit substances.", {MONITOR: True}),
    # Function as the guideline defines it.
    ("There is no documentation of increased function with the medication.", {FUNCTION: False}),
    ("The notes do not show a reduction in work restrictions with this regimen.", {FUNCTION: False}),
    ("The patient reported improved ability to perform activities of daily living with the medication.",
     {FUNCTION: True}),
    ("The physician documented increased function, with longer walking tolerance on the medication.",
     {FUNCTION: True}),
    # Stimulation used with a program.
    ("There is no documentation that the TENS unit will be used in conjunction with a functional "
     "restoration program.", {PROGRAM: False}),
    ("The unit will be used as part of a home exercise program.", {PROGRAM: True}),
    ("The stimulation is to be used along with her ongoing physical therapy.", {PROGRAM: True}),
    ("There is no evidence of an ongoing home exercise program.", {PROGRAM: False}),
    ("The patient continues a home exercise program.", {PROGRAM: True}),
    ("He has an established home stretching routine.", {PROGRAM: True}),
    # The stimulation already used, and pain measured as it changed.
    ("The patient reported that the TENS unit was helpful.", {PRIOR_BENEFIT: True}),
    ("The records do not say whether the stimulation was effective.", {PRIOR_BENEFIT: False}),
    ("The patient reports pain decreased from 8/10 to 5/10 with the medication.", {RELIEF: True}),
    ("There is no documentation that her pain was reduced by any measurable amount with the opioid.",
     {RELIEF: False}),
]


@pytest.mark.parametrize("sentence, expected", FINDINGS, ids=[s[:50] for s, _ in FINDINGS])
def test_finding_is_read(sentence, expected):
    found = read_in_case(sentence)
    assert {k: found.get(k) for k in expected} == expected, found


# Guideline text, hypotheses and sentences about something else: none of the four facts.
NOTHING = [
    "The guidelines require documentation of the four A's at each visit.",
    "Documentation of the 4 A's is a critical component of ongoing opioid management.",
    "The provider should document pain scores with and without medications.",
    "A one-month trial is recommended in conjunction with a functional restoration program.",
    "If a drug screen is inconsistent, the provider should consider a referral.",
    "The patient was involved in a motor vehicle accident on the way to work.",
    "The drug was prescribed by another physician.",
    "Pain was rated 8/10 on the last visit.",
    "The patient has an increased risk of falls.",
    "A TENS unit is effective for some patients with neuropathic pain.",
    "The pain radiates from the low back to the left foot.",
    # Inadequate relief is as often why the medication is requested as what it
    # achieved: nothing, and never documented relief.
    "The patient reports inadequate pain relief with the current medications.",
    "She reported minimal relief of pain at the time of the request.",
    # The reviewer weighing a course of action, not a finding.
    "It would not be appropriate to deny better pain control for these acute fractures.",
]


@pytest.mark.parametrize("sentence", NOTHING, ids=[s[:50] for s in NOTHING])
def test_no_finding(sentence):
    found = read_in_case(sentence)
    assert not {k: v for k, v in found.items() if k in (RELIEF, FUNCTION, MONITOR, PROGRAM, PRIOR_BENEFIT)}, found


# A functional restoration program is a program the patient takes part in (or not): it says
# nothing of the medication's effect on function.
PROGRAM_NOT_FUNCTION = [
    "The patient has not participated in a functional restoration program.",
    "There is no functional restoration program documented.",
    "A referral to a functional restoration program (FRP) is pending.",
]


@pytest.mark.parametrize("sentence", PROGRAM_NOT_FUNCTION, ids=[s[:50] for s in PROGRAM_NOT_FUNCTION])
def test_a_functional_restoration_program_is_not_functional_improvement(sentence):
    assert FUNCTION not in read_in_case(sentence)


def test_functional_improvement_beside_a_program_is_still_read():
    found = read_in_case("He completed a functional restoration program and reports "
                         "functional improvement with the medication.")
    assert found.get(FUNCTION) is True
