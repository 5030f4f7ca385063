"""Item names as other letters word them: category, body region and the values read from the name.

Reads the SHIPPED rule base. None of the names is copied from a published
letter: they are the ways providers and utilization review write requests
(abbreviations, brand and generic drug names, frequencies, quantities), with
names that must keep their category (a compounded cream with an opioid in it
is a topical analgesic; a back brace is no physical therapy).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from imr_rules import derive
from imr_rules.loader import load_rulebase

pytestmark = pytest.mark.shipped

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rb():
    return load_rulebase(ROOT / "rules", ROOT / "guidelines")


CATEGORIES = [
    # Opioids by brand and generic name.
    ("Ultracet 37.5/325mg #60", "opioid"),
    ("Lortab 10/325mg #90", "opioid"),
    ("Lorcet 10/650 #60", "opioid"),
    ("Hydrocodone/APAP 10/325mg #120", "opioid"),
    ("MS Contin 30mg #60", "opioid"),
    ("MSContin 15mg ER", "opioid"),
    ("Kadian 20mg", "opioid"),
    ("Tylenol #3 #60", "opioid"),
    ("Tylenol No. 3, 30 tablets", "opioid"),
    ("Roxicodone 15mg #90", "opioid"),
    ("Endocet 10/325mg", "opioid"),
    ("Oxymorphone ER 10mg", "opioid"),
    ("Opana ER 5mg #60", "opioid"),
    ("Zohydro ER 20mg", "opioid"),
    ("Hysingla ER 30mg", "opioid"),
    ("Xtampza ER 9mg", "opioid"),
    ("Exalgo 8mg", "opioid"),
    ("Suboxone 8/2mg film", "opioid"),
    ("Belbuca 150mcg buccal film", "opioid"),
    ("Demerol 50mg", "opioid"),
    ("Meperidine 50mg #20", "opioid"),
    ("Conzip 100mg #30", "opioid"),
    ("Levorphanol 2mg #60", "opioid"),
    ("Nucynta ER 100mg #60", "opioid"),
    ("Tramadol ER 150mg #30", "opioid"),
    # NSAIDs by brand and generic name; oral flurbiprofen is an NSAID, a flurbiprofen cream a topical.
    ("Aleve 220mg", "nsaid"),
    ("Toradol 60mg IM injection", "nsaid"),
    ("Lodine 400mg #60", "nsaid"),
    ("Relafen 750mg #60", "nsaid"),
    ("Piroxicam 20mg #30", "nsaid"),
    ("Feldene 20mg", "nsaid"),
    ("Oxaprozin 600mg #60", "nsaid"),
    ("Daypro 600mg", "nsaid"),
    ("Sulindac 200mg #60", "nsaid"),
    ("Indocin 25mg", "nsaid"),
    ("Diflunisal 500mg #60", "nsaid"),
    ("Fenoprofen 400mg #90", "nsaid"),
    ("Nalfon 400mg", "nsaid"),
    ("Arthrotec 75mg #60", "nsaid"),
    ("Zorvolex 35mg", "nsaid"),
    ("Naprelan 500mg", "nsaid"),
    ("Flurbiprofen 100mg #60", "nsaid"),
    ("Flurbiprofen 100mg tablets", "nsaid"),
    ("Flurbiprofen 20% cream 120g", "topical_analgesic"),
    ("Flurbiprofen/Lidocaine cream", "topical_analgesic"),
    ("Naproxen sodium 550mg #90", "nsaid"),
    # Muscle relaxants.
    ("Amrix 15mg #30", "muscle_relaxant"),
    ("Lioresal 10mg", "muscle_relaxant"),
    ("Norgesic Forte #60", "muscle_relaxant"),
    ("Parafon Forte 500mg", "muscle_relaxant"),
    ("Lorzone 750mg", "muscle_relaxant"),
    ("Dantrolene 25mg #60", "muscle_relaxant"),
    ("Cyclobenzaprine 10mg #90", "muscle_relaxant"),
    # Gastric protection: PPIs and H2 blockers.
    ("Aciphex 20mg #30", "gastric_protection"),
    ("Dexilant 60mg #30", "gastric_protection"),
    ("Dexlansoprazole 30mg", "gastric_protection"),
    ("Cimetidine 400mg #60", "gastric_protection"),
    ("Tagamet 300mg", "gastric_protection"),
    ("Nizatidine 150mg", "gastric_protection"),
    ("Zegerid 40mg", "gastric_protection"),
    ("Omeprazole DR 20mg #60", "gastric_protection"),
    # Topical analgesics, and what must stay apart from them.
    ("Capsaicin 0.075% cream", "topical_analgesic"),
    ("Zostrix", "topical_analgesic"),
    ("Pennsaid 2% solution", "topical_analgesic"),
    ("Pennsaid pump 112g", "topical_analgesic"),
    ("Menthoderm 120ml", "topical_analgesic"),
    ("Methyl salicylate/menthol", "topical_analgesic"),
    ("Biofreeze roll-on", "topical_analgesic"),
    ("Voltaren gel 1% 100g", "topical_analgesic"),
    ("Lidocaine 5% patch #30", "topical_analgesic"),
    ("Compound: tramadol/gabapentin/lidocaine", "topical_analgesic"),
    ("Trigger point injection with 1% lidocaine", None),
    ("Ketorolac injection 60mg", "nsaid"),
    # Other medications keep their category.
    ("Gabapentin 300mg #90", "medication"),
    ("Cymbalta 60mg #30", "medication"),
    ("Movantik 25mg #30", "medication"),
    # Imaging.
    ("MRA of the right shoulder", "mri"),
    ("XR lumbar spine 2 views", "xray"),
    ("Computerized tomography of the lumbar spine", "ct_scan"),
    ("Computerized axial tomography scan of the head", "ct_scan"),
    ("Flexion/extension views of the lumbar spine", "xray"),
    ("Lumbar spine series, 5 views", "xray"),
    ("Diagnostic ultrasound of the right shoulder", None),
    ("Ultrasound of the right shoulder", None),
    ("Ultrasound guided cortisone injection, right shoulder", None),
    ("Ultrasound-guided PRP injection to the right knee", "platelet_rich_plasma"),
    ("Ultrasound therapy 2x4", "passive_modality"),
    ("Therapeutic ultrasound to the low back x6", "passive_modality"),
    # Electrodiagnostic studies.
    ("EMG/NCV BLE", "electrodiagnostic"),
    ("NCS/EMG bilateral LEs", "electrodiagnostic"),
    # Physical medicine.
    ("Physio 2x6", "physical_therapy"),
    ("P.T. 3x4 lumbar", "physical_therapy"),
    ("PT eval and treat", "physical_therapy"),
    ("Post-op PT 2x6 right knee", "postsurgical_therapy"),
    ("Post op OT x12", "postsurgical_therapy"),
    ("Postoperative rehab 12 visits", "postsurgical_therapy"),
    ("PT after right knee arthroscopy 2x6", "postsurgical_therapy"),
    ("PT s/p right knee arthroscopy 2x6", "physical_therapy"),        # a past surgery: not a surgery request
    ("PT status post rotator cuff repair x12", "physical_therapy"),
    ("Physical therapy following right shoulder arthroscopy, 12 visits", "postsurgical_therapy"),
    ("Post-op rehab kit", "home_exercise_equipment"),
    ("Back brace", "lumbar_support"),
    ("Electroacupuncture x6", "acupuncture"),
    ("Accupuncture 6 sessions", "acupuncture"),
    ("Electro-acupuncture 2x3", "acupuncture"),
    ("CMT 2x4 lumbar", "chiropractic"),
    ("OMT x4", "chiropractic"),
    ("Muscle stimulator unit", "electrical_stimulation"),
    ("TENS unit supplies: electrodes and batteries", "electrical_stimulation"),
    ("Hot/cold packs", "passive_modality"),
    ("Moist heat packs 2x4", "passive_modality"),
    # Injections.
    ("Left L4-5 TFESI", "epidural_steroid_injection"),
    ("Repeat C6-7 ILESI", "epidural_steroid_injection"),
    ("Lumbar epidural at L4-5", "epidural_steroid_injection"),
    ("Epidural neuroplasty", "epidural_adhesiolysis"),
    ("Bilateral L4-5 facet joint steroid injections", "facet_injection"),
    ("Bilateral L4-5 MBB", "facet_neurotomy"),
    ("L3-4, L4-5 rhizotomy", "facet_neurotomy"),
    # Surgery and the services requested with it.
    ("Right shoulder scope with SAD and DCR", "shoulder_surgery"),
    ("Right knee scope, partial medial meniscectomy", "knee_surgery"),
    ("Left knee arthroscopic chondroplasty", "knee_surgery"),
    ("Right TKA", "knee_surgery"),
    ("Left total knee replacement", "knee_surgery"),
    ("Pre-surgical labs: CBC, BMP", "preoperative_testing"),
    ("Pre-op testing", "preoperative_testing"),
    ("Pre-op coags", "preoperative_coagulation_testing"),
    ("Post-op shoulder immobilizer", "sling"),
    # Equipment.
    ("Lumbar spine brace", "lumbar_support"),
    ("Lumbar sacral orthosis", "lumbar_support"),
    ("Lumbar support cushion", None),
    ("Carpal tunnel splints, bilateral", "wrist_brace"),
    ("Resting hand splint", "wrist_brace"),
    ("Tennis elbow strap", "elbow_brace"),
    ("Counterforce brace, left elbow", "elbow_brace"),
    ("Thera-band", "home_exercise_equipment"),
    ("Stationary bike", "home_exercise_equipment"),
    ("Recumbent exercise bike", "home_exercise_equipment"),
    ("Treadmill for home use", "home_exercise_equipment"),
    ("Fitness membership x 6 months", "gym_membership"),
    # A drug's extended release ("XR") is no radiograph; "XR" before a body part is one.
    ("Voltaren XR 100mg", "nsaid"),
    ("Effexor XR 75mg", "medication"),
    ("Xanax XR 1mg", "medication"),
    ("XR right knee 3 views", "xray"),
    # More of the rule base's items by other names.
    ("Hand therapy x12", "physical_therapy"),
    ("Certified hand therapy 2x6", "physical_therapy"),
    ("Manual therapy 2x4", "chiropractic"),
    ("Physical therapy with manual therapy 2x4", "physical_therapy"),
    ("IF unit rental", "electrical_stimulation"),
    ("Inferential unit", "electrical_stimulation"),
    ("Iontophoresis x6", "passive_modality"),
    ("Paraffin bath", "passive_modality"),
    ("Senokot-S #60", "medication"),
    ("Miralax", "medication"),
    ("Xanax #60", "medication"),
    ("Ben-Gay", "topical_analgesic"),
    ("Icy Hot patch", "topical_analgesic"),
    ("Right shoulder SAD/DCR", "shoulder_surgery"),
    ("Distal clavicle excision, left shoulder", "shoulder_surgery"),
    ("PA-C assistant", "assistant_surgeon"),
    ("F/U visit in 4 weeks", "consultation"),
    ("Evaluation by a neurosurgeon", "consultation"),
    # An opioid's transdermal patch is an opioid (the opioid rules decide it), not a topical analgesic.
    ("Butrans patch 10mcg/hr #4", "opioid"),
    ("Fentanyl patch 25mcg", "opioid"),
    ("Duragesic 50mcg/hr", "opioid"),
    ("Buprenorphine 2mg sublingual", "opioid"),
    ("Lidoderm 5% patch #30", "topical_analgesic"),
    ("Flector patch 1.3%", "topical_analgesic"),
    ("Terocin patches #20", "topical_analgesic"),
    ("Compound cream with tramadol 5%", "topical_analgesic"),
]


@pytest.mark.parametrize("name, category", CATEGORIES)
def test_category(rb, name, category):
    assert rb.items.category_of(name) == category


REGIONS = [
    ("MRI of the upper back", "thoracic"),
    ("MRI thoracolumbar spine", "lumbar"),
    ("X-rays of the cervicothoracic spine", "cervical"),
    ("MRI lumbo-sacral spine", "lumbar"),
    ("EMG/NCV bilateral LE", "lower_extremity"),
    ("EMG/NCV B/L LEs", "lower_extremity"),
    ("NCS bilateral UEs", "upper_extremity"),
    ("EMG/NCV of both UE", "upper_extremity"),
    ("MRI of the right thumb", "wrist_hand"),
    ("X-ray right forearm", "wrist_hand"),
    ("X-ray of the right AC joint", "shoulder"),
    ("MRI of the acromioclavicular joint", "shoulder"),
    ("X-rays of the left patella", "knee"),
    ("X-ray of the right great toe", "ankle_foot"),
    ("MRI left heel", "ankle_foot"),
    ("Right L5 transforaminal ESI", "lumbar"),
    ("Facet injections at T12-L1", "thoracic"),
    ("C5-6 ESI", "cervical"),
    ("Back brace", "lumbar"),
    ("Physical therapy 2x6 low back", "lumbar"),
    ("Labs: T3, T4, TSH", "unspecified"),
    ("Vitamin B12 injection", "unspecified"),
    ("3T MRI of the brain", "head"),
    ("MRI L/S w/o contrast", "lumbar"),
    ("MRI C/S without contrast", "cervical"),
    # The spine's abbreviations, as requests write them.
    ("MRI of the L-spine", "lumbar"),
    ("MRI LS spine without contrast", "lumbar"),
    ("X-rays of the L/S spine", "lumbar"),
    ("C-spine MRI", "cervical"),
    ("X-ray of the Cspine, 3 views", "cervical"),
    ("MRI of the T-spine", "thoracic"),
    ("MRI of the spine", "unspecified"),
    ("X-ray of all spine segments", "unspecified"),
]


@pytest.mark.parametrize("name, region", REGIONS)
def test_region(rb, name, region):
    assert rb.items.body_region_of(name) == region
