"""The other-medication fact patterns (rules/fact_patterns.yaml, "--- other medications ---") on paraphrases.

None of the sentences below is copied from a letter: they say the findings of
benzodiazepine and compounded-medication rationales (how long a benzodiazepine
has been taken; why a compounded liquid rather than tablets) the way other
reviewers phrase them, with negations, negative controls and guideline text
that must never give a fact. They read the SHIPPED patterns.
"""

from __future__ import annotations

import pytest

from test_letters_patterns import read     # the shipped patterns, read like a letter's rationale

pytestmark = pytest.mark.shipped

LONG_TERM = "benzodiazepine_long_term_use_documented"
SOLID = "oral_solid_form_unsuitable_documented"
FACTS = (LONG_TERM, SOLID)


def read_topic(rationale: str) -> dict:
    """This topic's facts of a rationale."""
    return {k: v for k, v in read(rationale).items() if k in FACTS}


def read_in_case(sentence: str) -> dict:
    """The sentence as a finding, after guideline text and "In this case"."""
    return read_topic("The guidelines recommend medications for chronic pain with documented benefit. "
                "In this case the provider requested a refill. " + sentence)


CASES = {
    LONG_TERM: [
        ("She has been taking Xanax since 2014 for anxiety.", True),
        ("The claimant has used diazepam for several months.", True),
        ("He has been on Klonopin for over two years.", True),
        ("The records show lorazepam prescribed for more than 6 weeks.", True),
        ("Her ongoing use of Ativan is documented in each progress note.", True),
        ("The injured worker's chronic use of benzodiazepines is noted.", True),
        ("There is no documentation that the patient has taken Valium for more than 4 weeks.", False),
        ("The notes do not show alprazolam use for several months.", False),
    ],
    SOLID: [
        ("There is no indication that the claimant cannot swallow tablets.", False),
        ("The records do not show the patient is unable to take capsules.", False),
        ("Nothing documents an intolerance of the pill form of the medication.", False),
        ("The provider did not explain why a compounded suspension is needed rather than tablets.", False),
        ("The patient has difficulty swallowing pills after her cervical fusion.", True),
        ("The injured worker is unable to swallow tablets because of an esophageal stricture.", True),
        ("The records document an intolerance to the solid oral forms of gabapentin.", True),
        ("She suffers from dysphagia.", True),
    ],
}

# Sentences about something else: no fact.
NEGATIVE_CONTROLS = [
    "The patient was prescribed Valium 2 years ago after a car accident.",  # a date, not a duration of use
    "She has been on Klonopin since 11/20/2016.",                           # since a date: may be days
    "The patient cannot take oral medications because of nausea.",         # no solid form: nor a liquid then
    "The patient takes gabapentin capsules twice a day.",
    "The requested quantity is 60 tablets.",
]

# The guideline speaking: never a finding.
GUIDELINE_VOICE = [
    "Long-term use of benzodiazepines may actually increase anxiety.",
    "Benzodiazepines for more than 4 weeks are not recommended.",
    "Benzodiazepines should not be used for more than 4 weeks.",
    "Compounded medications are not recommended for patients able to take tablets.",
]


@pytest.mark.parametrize("fact, sentence, value",
                         [(fact, s, v) for fact, cases in CASES.items() for s, v in cases])
def test_paraphrases(fact, sentence, value):
    assert read_in_case(sentence).get(fact) is value


@pytest.mark.parametrize("sentence", NEGATIVE_CONTROLS)
def test_negative_controls_give_no_fact(sentence):
    assert read_in_case(sentence) == {}


@pytest.mark.parametrize("sentence", GUIDELINE_VOICE)
def test_guideline_voice_gives_no_fact(sentence):
    assert read_in_case(sentence) == {}


def test_the_quoted_benzodiazepine_excerpt_is_not_a_finding():
    # The MTUS text the rules cite, as a letter quotes it, before the finding.
    facts = read_topic('The MTUS states that benzodiazepines are "not recommended for long-term use because '
                 'long-term efficacy is unproven and there is a risk of dependence. Most guidelines limit '
                 'use to 4 weeks." In this case, the patient has taken Xanax for three years.')
    assert facts == {LONG_TERM: True}


def test_an_inability_inside_the_topic_negates_nothing():
    # "not able to" is part of the finding; only a negation before it denies.
    assert read_in_case("The patient is not able to swallow tablets after the surgery.") == {SOLID: True}
    assert read_in_case("There is no evidence the patient is not able to swallow tablets.") == {SOLID: False}
