"""The topic-inject fact patterns, categories and request derivation.

Facet joint injections, platelet-rich plasma, lumbar supports, wrist and elbow
braces, and the procedures the quoted ODG text does not recommend
(percutaneous adhesiolysis, trigger point impedance imaging, shockwave therapy
for back pain), read by the SHIPPED rules. The sentences are paraphrases of
the findings as reviewers state them (not copied from a letter), negations,
negative controls that must give nothing, and guideline text that must never
give a fact.
"""

from __future__ import annotations

import pytest

from imr_rules.derive import procedure_in_item_name
from test_letters_patterns import read      # facts of a rationale, read with the shipped patterns

pytestmark = pytest.mark.shipped

FACET = "facet_joint_pain_documented"
PRIOR_FACET = "prior_facet_injection_documented"
PRP = "prp_indication_documented"
ACUTE = "acute_phase_documented"
SPLINT = "wrist_splint_indication_documented"
TOPIC_FACTS = (FACET, PRIOR_FACET, PRP, ACUTE, SPLINT)


def read_in_case(sentence: str) -> dict:
    """The sentence as a finding, after a guideline quotation and 'In this case'."""
    return read("Lumbar supports have not been shown to have any lasting benefit beyond the acute phase "
                "of symptom relief. In this case the provider has requested the item. " + sentence)


PARAPHRASES = [
    # Facet joint pain as the suspected source.
    (FACET, "The patient has positive facet loading bilaterally at L4-5.", True),
    (FACET, "Examination revealed tenderness over the lumbar facet joints.", True),
    (FACET, "The findings are consistent with facet-mediated pain.", True),
    (FACET, "Facet loading was negative.", False),
    (FACET, "The exam showed negative lumbar facet loading and straight leg raise.", False),
    (FACET, "His radicular complaints undermine the theory of facetogenic pain.", False),
    # Facet injections had before.
    (PRIOR_FACET, "He underwent bilateral L4-5 facet joint injections in 2015.", True),
    (PRIOR_FACET, "She is status post lumbar facet blocks at L3-4 and L4-5.", True),
    (PRIOR_FACET, "There is no documentation of prior facet injections.", False),
    # The knee's indications for PRP.
    (PRP, "The knee MRI shows osteoarthritis of the medial compartment.", True),
    (PRP, "He has been diagnosed with refractory patellar tendinopathy.", True),
    (PRP, "The records do not document osteoarthritis or patellar tendinosis.", False),
    # The acute phase of low back symptoms.
    (ACUTE, "The patient sustained an acute injury to the low back last week.", True),
    (ACUTE, "She presented with an acute flare-up of back pain two days ago.", True),
    (ACUTE, "The patient has chronic low back pain since 2012.", False),
    (ACUTE, "There is no acute exacerbation documented.", False),
    # De Quervain's tendinitis or carpal tunnel syndrome.
    (SPLINT, "She was diagnosed with carpal tunnel syndrome confirmed by EMG.", True),
    (SPLINT, "Examination showed a positive Finkelstein's test on the right.", True),
    (SPLINT, "There is no diagnosis of De Quervain's tenosynovitis or carpal tunnel syndrome.", False),
]

# Sentences that state none of this topic's facts.
CONTROLS = [
    "The patient reports low back pain radiating to the left leg.",
    "The request is for a lumbar support and wrist braces.",
    "He is scheduled for a carpal tunnel release.",
    "The provider requested facet joint injections at L4-5 and L5-S1.",
    "A platelet-rich plasma injection to the knee was requested.",
    "Therefore, the request is not medically necessary.",
]

# Guideline text (quoted or paraphrased) that must never yield a fact.
GUIDELINE_VOICE = [
    "The guidelines state that no more than one set of facet blocks is recommended when facet joint pain "
    "is suspected.",
    "Per ODG, PRP injections are recommended for significantly symptomatic osteoarthritis.",
    "The MTUS states that wrist splints are indicated for carpal tunnel syndrome.",
    "If the symptoms are acute, a lumbar support may be considered.",
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


@pytest.mark.parametrize("name, procedure", [
    ("Neuroplasty, lumbar spine", "percutaneous_adhesiolysis"),
    ("Injection of neurolytic substance, lumbar spine", "percutaneous_adhesiolysis"),
    ("Percutaneous epidural adhesiolysis L4-5", "percutaneous_adhesiolysis"),
    ("Lysis of epidural adhesions", "percutaneous_adhesiolysis"),
    ("Trigger points impedance imaging (TPII)", "trigger_point_impedance_imaging"),
    ("Extracorporeal shockwave therapy (ESWT)", "shockwave_therapy"),
    ("Shock wave therapy to the lumbar spine x3", "shockwave_therapy"),
    ("ESWT right shoulder", "shockwave_therapy"),
    ("Right L5-S1 epidural steroid injection", None),
    ("Trigger point injections x4", None),
])
def test_procedure_is_read_from_the_name(name, procedure):
    assert procedure_in_item_name(name) == procedure


@pytest.mark.parametrize("name, category", [
    ("Facet joint injections L4-5, L5-S1", "facet_injection"),
    ("Bilateral L4-5 intra-articular facet injections", "facet_injection"),
    ("Lumbar facet blocks L3-4, L4-5", "facet_injection"),
    ("Medial branch blocks L4-5 bilaterally", "facet_neurotomy"),
    ("Radiofrequency ablation L3-L5", "facet_neurotomy"),
    ("Neuroplasty, lumbar spine", "epidural_adhesiolysis"),
    ("Injection of neurolytic substance, lumbar spine", "epidural_adhesiolysis"),
    ("Epidural neuroplasty L5-S1", "epidural_adhesiolysis"),
    ("Percutaneous adhesiolysis", "epidural_adhesiolysis"),
    ("Lysis of epidural adhesions with hypertonic saline", "epidural_adhesiolysis"),
    ("Neuroplasty of the ulnar nerve at the elbow", None),       # a nerve decompression, surgery
    ("Neurolysis of the median nerve, right wrist", None),
    ("Arthroscopic lysis of adhesions, right knee", "knee_surgery"),
    ("Right L5-S1 epidural steroid injection", "epidural_steroid_injection"),
    ("1 platelet rich plasma injection to left foot", "platelet_rich_plasma"),
    ("One platelet-rich plasma injection to the right knee", "platelet_rich_plasma"),
    ("PRP injection right elbow", "platelet_rich_plasma"),
    ("Trigger points impedance imaging (TPII)", "trigger_point_impedance_imaging"),
    ("Extracorporeal shockwave therapy (ESWT)", "shockwave_therapy"),
    ("SSEP of the lumbar and lower extremities", "evoked_potentials"),
    ("Lumbar support", "lumbar_support"),
    ("LSO back brace", "lumbar_support"),
    ("Lumbar support pillow", None),                  # a pillow, not a support
    ("Wrist braces #2", "wrist_brace"),
    ("Right thumb spica splint", "wrist_brace"),
    ("Elbow braces #2", "elbow_brace"),
    ("Localized intense neurostimulation therapy [following TPII]", "electrical_stimulation"),
])
def test_categories(shipped_rb, name, category):
    assert shipped_rb.items.category_of(name) == category
