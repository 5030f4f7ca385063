"""The consultation and equipment fact patterns on findings phrased in ways the letters do not use.

Facts for consultations, referrals and office visits (MTUS Chronic Pain,
Office visits; MTUS General Approaches) and for durable medical equipment
(ODG, Durable medical equipment), read by the SHIPPED rules/fact_patterns.yaml.
The sentences are paraphrases of the findings, as other letters phrase them,
negations, negative controls that must give nothing, and guideline text that
must never give a fact. The last part checks the item categories of these
requests and of the services requested with a surgery that stay not
addressed.
"""

from __future__ import annotations

import pytest

from test_letters_patterns import read      # facts of a rationale, read with the shipped patterns

pytestmark = pytest.mark.shipped

NEED = "visit_clinical_need_documented"
DME_NEED = "equipment_medical_need_documented"
DME_DEF = "equipment_meets_dme_definition"
TRANSPORT = "self_transport_prevented_documented"
NURSING = "nursing_home_level_of_care_documented"
LOSS = "hearing_loss_type_documented"
AUDIOLOGIST = "hearing_aid_specialist_recommendation_documented"
TOPIC_FACTS = (NEED, DME_NEED, DME_DEF, TRANSPORT, NURSING, LOSS, AUDIOLOGIST)


def read_in_case(sentence: str) -> dict:
    """The sentence as a finding, after a guideline quotation and 'In this case'."""
    return read("California MTUS 2016 Chronic Pain Guidelines indicate the need for a clinical office visit "
                "with a health care provider is individualized based upon a review of the patient concerns, "
                "signs and symptoms, clinical stability, and reasonable physician judgment. In this case the "
                "provider has requested the service. " + sentence)


PARAPHRASES = [
    # The clinical need for a visit, consultation or referral.
    (NEED, "Examination findings that support a referral to a spine surgeon are documented.", True),
    (NEED, "The records indicate clinical findings which warrant an orthopedic consultation.", True),
    (NEED, "The provider documents a clear rationale for the neurology consultation.", True),
    (NEED, "The progress note documents that the primary provider needs the guidance of a hand surgeon.",
     True),
    (NEED, "There are no objective findings to support an orthopedic evaluation.", False),
    (NEED, "No neurological deficits were noted that would justify a neurosurgical referral.", False),
    (NEED, "There is no clear rationale for the pain management consultation.", False),
    (NEED, "The reason for the follow-up visit is unclear.", False),
    (NEED, "There is no surgical lesion on imaging to warrant a spine surgeon consultation.", False),
    # The medical need for equipment or supplies.
    (DME_NEED, "The provider documented the rationale for the hospital bed.", True),
    (DME_NEED, "The note explains why she needs a front-wheeled walker.", True),
    (DME_NEED, "The patient is unable to bear weight on the left foot after the fracture.", True),
    (DME_NEED, "There is no rationale provided for the shower chair.", False),
    (DME_NEED, "The medical need for the requested equipment is not documented.", False),
    (DME_NEED, "The reason for the wheelchair is unclear.", False),
    # Medicare's definition of durable medical equipment.
    (DME_DEF, "A walker meets Medicare's definition of durable medical equipment.", True),
    (DME_DEF, "The gloves do not meet the definition of DME.", False),
    (DME_DEF, "The wipes are disposable supplies.", False),
    (DME_DEF, "A reacher is not considered durable medical equipment.", False),
    # Transportation: a disability preventing self transport, a nursing home level of care.
    (TRANSPORT, "The patient is unable to drive because of the right foot fracture.", True),
    (TRANSPORT, "His disability prevents him from driving to appointments.", True),
    (TRANSPORT, "There is no documentation that the patient is unable to drive.", False),
    (TRANSPORT, "No disability preventing her from self transport is documented.", False),
    (NURSING, "The patient requires a nursing home level of care.", True),
    (NURSING, "He does not need a nursing home level of care.", False),
    # Hearing aids: the type of hearing loss, a specialist's recommendation.
    (LOSS, "The audiogram revealed a moderate sensorineural hearing loss.", True),
    (LOSS, "The patient has a documented mixed hearing loss.", True),
    (LOSS, "There is no documentation of sensorineural hearing loss.", False),
    (LOSS, "The type of sensorineural hearing loss is unspecified.", False),
    (AUDIOLOGIST, "The audiologist recommended bilateral hearing aids.", True),
    (AUDIOLOGIST, "The hearing aids were recommended by an otolaryngologist.", True),
    (AUDIOLOGIST, "There is no recommendation from an audiologist.", False),
    (AUDIOLOGIST, "The hearing aids were not recommended by an audiologist.", False),
]

# Sentences that state none of this topic's facts.
CONTROLS = [
    "The patient reports low back pain radiating to the left leg.",
    "He was seen for a follow-up visit on 12/01/2016.",
    "The physical examination did not reveal any neurological deficits to support an imaging study.",
    "There was no clear rationale for the need of additional physical therapy.",
    "The requested service did not specify the amount of gloves.",
    "There is no endpoint estimated for the rental.",
    "Therefore, the request is not medically necessary.",
    "The treating physician requested a consultation with an orthopedic surgeon.",
    "She uses a cane to walk.",
    "The patient drove to the appointment.",
    "The patient reports hearing loss over the past year.",
    "The type of hearing device requested is not specified.",
]

# Guideline text (quoted or paraphrased) that must never yield a fact.
GUIDELINE_VOICE = [
    "MTUS supports referral in cases where the primary provider needs guidance on diagnosis and treatment.",
    "The ACOEM Chapter 2 on General Approaches indicates that specialized treatments or referrals require "
    "a rationale for their use.",
    "The Official Disability Guidelines state that durable medical equipment is recommended to generally if "
    "medical need and if the device or system meets Medicare's definition of durable medical equipment.",
    "Per the guidelines, office visits are recommended as determined to be medically necessary.",
    "If the device meets Medicare's definition of durable medical equipment, it may be recommended.",
    "Per the ODG guidelines cited above, transportation is recommended for patients with disabilities "
    "preventing them from self transport, who are age 55 years or older and who need a nursing home level "
    "of care.",
    "The Official Disability Guidelines recommend hearing aids for sensorineural hearing loss.",
    "However, hearing aids should be recommended by an otolaryngologist or a qualified audiologist.",
    "It is recommended that the patient be referred to an audiologist evaluation to clarify the specific "
    "hearing loss needs.",
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


def test_quoted_office_visit_criteria_give_no_fact():
    # The MTUS words (an excerpt file holds them) say what the need rests on,
    # not what this patient has: nothing is read from them, the finding after is.
    quote = ("California MTUS 2016 Chronic Pain Guidelines indicate the need for a clinical office visit with "
             "a health care provider is individualized based upon a review of the patient concerns, signs and "
             "symptoms, clinical stability, and reasonable physician judgment. ")
    assert not set(read(quote)) & set(TOPIC_FACTS)
    assert read(quote + "There are no neurological deficits to support a spine surgeon evaluation at this "
                "time.").get(NEED) is False


@pytest.mark.parametrize("name, category", [
    ("TOC to ortho spine surgeon eval and treatment", "consultation"),
    ("Consult with hip replacement specialist to evaluation for a total hip arthroplasty", "consultation"),
    ("Orthopedic consultation", "consultation"),
    ("Referral to pain management", "consultation"),
    ("Follow-up visit with the primary treating physician", "consultation"),
    ("Office visit", "consultation"),
    ("Initial exam", "consultation"),
    ("Neurosurgeon evaluation for the cervical spine", "consultation"),
    # Evaluations that have categories of their own stay there.
    ("Physical therapy evaluation, cervical and thoracic spine", "physical_therapy"),
    ("Functional capacity evaluation (FCE)", "functional_capacity_evaluation"),
    ("Referral for EMG/NCV of the bilateral upper extremities", "electrodiagnostic"),
    # Services requested with a surgery that no letter quotes text for.
    ("Associated surgical service: Medical clearance", "medical_clearance"),
    ("Pre-op medical evaluation", "medical_clearance"),
    ("PA assist", "assistant_surgeon"),
    ("Assistant surgeon", "assistant_surgeon"),
    ("Surgical assistant for the lumbar fusion", "assistant_surgeon"),
    ("Associated surgical service: Vascutherm unit, 14 days rental", "cold_compression_device"),
    ("Associated surgical service: 2 leg wraps", "cold_compression_device"),
    ("Associated surgical service: Hip pad", "cold_compression_device"),
    ("Game Ready cold compression, 14 days", "cold_compression_device"),
    # Equipment and supplies.
    ("1 knee scooter", "durable_medical_equipment"),
    ("Hospital bed for an unspecified rental", "durable_medical_equipment"),
    ("Large gloves", "durable_medical_equipment"),
    ("Hygiene wipes", "durable_medical_equipment"),
    ("Sit-stand workstation", "durable_medical_equipment"),
    ("Front-wheeled walker", "durable_medical_equipment"),
    ("Bedside commode", "durable_medical_equipment"),
    ("Shower chair", "durable_medical_equipment"),
    ("DME: front-wheeled walker", "durable_medical_equipment"),
    ("Crutches", "durable_medical_equipment"),
    # Orthoses named with "DME" or "walker" are braces, not this category: the
    # braces' own categories where there is one, else none.
    ("DME: lumbar brace", "lumbar_support"),
    ("DME: wrist brace", "wrist_brace"),
    ("CAM walker boot, right ankle", None),
    # Hearing aids and transportation have categories of their own.
    ("Bilateral hearing aids", "hearing_aid"),
    ("Transportation to/from all medical appointments", "transportation"),
    ("Taxi to and from medical appointments", "transportation"),
    ("Cervical pillow", "cervical_pillow"),
    ("Associated surgical service: Ultrasling", "sling"),
    ("Lidoderm 5% patch", "topical_analgesic"),
])
def test_categories(shipped_rb, name, category):
    assert shipped_rb.items.category_of(name) == category
