"""The coverage work's pattern changes (rules/fact_patterns.yaml) on paraphrases.

Reads the SHIPPED patterns. None of the sentences is copied from a letter:
they state the findings the coverage changes read (symptoms that persist, a
recent surgery or hospitalization, a homebound patient, a red flag ruled out
in other words, the merged conservative-care and rehabilitation facts) the
way other reviewers could phrase them, with negations, negative controls and
guideline-voice sentences that must give nothing. It also checks the new
finding openings (a sentence that states the case starts the reading) and the
home health category.
"""

from __future__ import annotations

import pytest

from imr_rules.letters.patterns import ascii_lower
from imr_rules.loader import load_rulebase
from test_letters_patterns import PATTERNS, ROOT, read     # the shipped patterns, read like a rationale

pytestmark = pytest.mark.shipped

PERSIST, RECENT, HOMEBOUND = ("symptoms_persist_documented", "recent_surgery_or_hospitalization_documented",
                              "homebound_documented")
RED, NEURO, CARE, REHAB, IMPROVED = ("red_flags_documented", "neurologic_deficit_documented",
                                     "conservative_care_failed", "rehabilitation_program_documented",
                                     "prior_therapy_functional_improvement_documented")
NEW_FACTS = (PERSIST, RECENT, HOMEBOUND)


def read_in_case(sentence: str) -> dict:
    """The sentence as a finding, after a guideline quotation and 'In this case'."""
    return read("Recommended on a short-term basis following major surgical procedures or in-patient "
                "hospitalization, to prevent hospitalization, or to provide longer-term nursing care and "
                "supportive services for those whose condition is such that they would otherwise require "
                "inpatient care. In this case the provider has requested the service. " + sentence)


PARAPHRASES = [
    # The symptoms persist, or they do not.
    (PERSIST, "Her radicular symptoms persist after a month of observation.", True),
    (PERSIST, "The arm numbness has not improved since the injury.", True),
    (PERSIST, "He continues to have neck pain radiating into the right hand.", True),
    (PERSIST, "There are persistent paresthesias in both hands.", True),
    (PERSIST, "Three weeks of home exercises brought no improvement.", True),
    (PERSIST, "The neck pain is unchanged from the prior visit.", True),
    (PERSIST, "The tingling in the fingers has resolved.", False),
    (PERSIST, "Her symptoms have improved with the home exercises.", False),
    # A recent surgery or hospitalization.
    (RECENT, "The patient was recently discharged from the hospital after a bowel resection.", True),
    (RECENT, "He is status post hospitalization for a wound infection.", True),
    (RECENT, "She was discharged home from the hospital on 12/01/2016.", True),
    (RECENT, "There has been no recent hospitalization or surgery.", False),
    # Homebound.
    (HOMEBOUND, "The claimant is homebound after the amputation.", True),
    (HOMEBOUND, "He is unable to leave the house without assistance.", True),
    (HOMEBOUND, "There is no documentation that the patient is homebound.", False),
    (HOMEBOUND, "The patient is not confined to the home; she drives to her appointments.", False),
    # A red flag ruled out in other words ("no indication ... osteonecrosis").
    (RED, "Nothing gives an indication that the patient may have a fracture of the hip.", False),
    (RED, "There is no indication the claimant could have an infection of the spine.", False),
    # The merged facts read the phrasings of both of their former patterns.
    (CARE, "The shoulder pain has not responded to conservative treatment.", True),
    (CARE, "Her pain is refractory to physical therapy and NSAIDs.", True),
    (CARE, "It is unclear whether conservative care was tried.", False),
    (REHAB, "The patient follows a daily home exercise program.", True),
    (REHAB, "He is currently attending physical therapy twice a week.", True),
    (REHAB, "There is no evidence of a daily exercise program.", False),
    # "contingent upon ... response" says the results of the visits had are not in.
    (IMPROVED, "Additional visits are contingent upon the patient's response to the first six visits.", False),
]


@pytest.mark.parametrize("fact,sentence,value", PARAPHRASES)
def test_paraphrases(fact, sentence, value):
    assert read(sentence).get(fact) is value
    assert read_in_case(sentence).get(fact) is value


CONTROLS = [
    "The patient reports neck pain radiating to the shoulder.",
    "A home health aide was requested for four hours a day.",
    "Surgery is scheduled for next month.",
    "The provider requested an MRI of the cervical spine.",
]


@pytest.mark.parametrize("sentence", CONTROLS)
def test_negative_controls_give_no_new_fact(sentence):
    for facts in (read(sentence), read_in_case(sentence)):
        assert not set(facts) & set(NEW_FACTS), facts


GUIDELINE_VOICE = [
    "Per the guidelines, imaging is warranted if symptoms persist.",
    "The MTUS recommends home health services for patients who are homebound.",
    "According to the MTUS, home care is recommended following a recent hospitalization.",
    "Repeat injections are based on documented improvement.",
]


@pytest.mark.parametrize("sentence", GUIDELINE_VOICE)
def test_guideline_voice_gives_no_fact(sentence):
    assert read_in_case(sentence) == {}


# A sentence that states the case starts the reading, so that a paraphrase of
# the guideline before it is not read as a finding.
OPENERS = [
    "Here, it was not clearly stated why the study was ordered.",
    "On 11/30/2016, there was a lack of neurologic deficits.",
    "In the clinical note dated December 12, 2016, the patient reported pain.",
    "The applicant's knee range of motion was full.",
    "There are no red flag conditions noted.",
    "There was no clear rationale provided by the physician.",
    "It is unclear if this is a first time prescription.",
    "The very limited medical record provides no documentation of failed care.",
    "Medical records document 8 prior therapy sessions.",
    "Records indicate two earlier injections.",
    "Documentation shows that the worker underwent a fusion.",
    "The submitted and reviewed documentation indicated the worker was experiencing neck pain.",
    "The reviewed and submitted records described numbness in the thigh.",
]


@pytest.mark.parametrize("sentence", OPENERS)
def test_finding_openings(sentence):
    assert PATTERNS.findings_start.search(sentence, ascii_lower(sentence))


@pytest.mark.parametrize("sentence", [
    "An MRI is useful to identify specific nerve compromise found on physical exam.",
    "There is no evidence for use of any other muscle relaxant as a topical product.",
    "Physiologic evidence may be in the form of definitive neurologic findings.",
    "Documentation of pain and functional improvement are critical components.",
    "Medical documentation of objective improvement should be provided.",
])
def test_guideline_sentences_are_no_finding_opening(sentence):
    assert not PATTERNS.findings_start.search(sentence, ascii_lower(sentence))


def test_an_opening_skips_the_paraphrase_before_it():
    # The first sentence paraphrases the guideline (read, it would give a
    # neurologic deficit); "Here," opens the findings, and nothing before it is
    # read. Without an opening the reading starts at "In this case", later.
    def rationale(opening):
        return read("An MRI is useful to identify specific nerve compromise found on physical exam. "
                    f"{opening} the examination documents no neurologic deficit. "
                    "In this case the provider requested an MRI of the lumbar spine.")
    assert rationale("Here,")[NEURO] is False
    assert NEURO not in rationale("Then,")


def test_a_count_after_an_opening_without_article_is_read():
    facts = read("Patients should be formally assessed after a six-visit clinical trial. "
                 "Medical records document 8 prior therapy sessions. In this case more visits are requested.")
    assert facts["prior_therapy_visits"] == 8


@pytest.mark.parametrize("name, category", [
    ("Daily RN for 4 weeks for wound care and monitoring of wound healing", "home_health"),
    ("Home health aide 4 hours a day for 6 weeks", "home_health"),
    ("Skilled nursing visits twice a week", "home_health"),
    ("Home exercise kit", "home_exercise_equipment"),
    ("Transportation to and from medical appointments", "transportation"),
])
def test_home_health_category(name, category):
    rb = load_rulebase(ROOT / "rules", ROOT / "guidelines")
    assert rb.items.category_of(name) == category
