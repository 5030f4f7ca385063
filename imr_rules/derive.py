"""Facts read from the request itself rather than from the record.

A request for authorization says how much it asks for: "Physical therapy 2
times a week for 6 weeks", "Twelve acupuncture visits", "Chiropractic
manipulation times 6". A fact of the catalog with ``derived_from`` names one
of the :data:`DERIVATIONS` here; when a case does not state that fact for an
item, it is computed from the item's name (a stated value always wins).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

_N = r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|" \
     r"sixteen|seventeen|eighteen|nineteen|twenty-four|twenty|thirty-six|thirty)"   # the longer word first
_WORDS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                     "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split())}
_WORDS.update({"twenty-four": 24, "thirty": 30, "thirty-six": 36, "once": 1, "twice": 2})
_UNITS = r"(?:sessions?|visits?|treatments?|appointments?)"

# Most specific first. A range ("2-3 times", "1 to 2 times", "12-18 sessions")
# counts its upper bound: what would be authorized is the most it allows.
_RANGE = r"(?:(?:\s?-\s?|\s(?:to|or)\s)" + _N + r")?"
# "2x/week x 6 weeks", "2/wk x 6 wks", "2 per week for 4-6 weeks" (weeks: the upper bound too).
_FREQUENCY = re.compile(
    r"\b(?:" + _N + _RANGE + r"\s?(?:x|times?|visits?|sessions?|(?=/|\s?per\b))|(once|twice))\s?(?:a|per|each|/|every)?\s?"
    r"(?:week|wk)(?:ly)?"
    r"\s?(?:for|x|times|over)?\s?" + _N + _RANGE + r"\s?(?:weeks?|wks?)\b", re.IGNORECASE)
_WEEKLY = re.compile(r"\b" + _N + _RANGE + r"\s?times?\s?weekly\s?(?:for|x)\s?" + _N + _RANGE + r"\s?(?:weeks?|wks?)\b",
                     re.IGNORECASE)
# The weeks first: "6 weeks, 2 times a week", "for 6 weeks at 2x/week".
_WEEKS_FIRST = re.compile(
    r"\b" + _N + _RANGE + r"\s?(?:weeks?|wks?),?\s(?:at\s)?(?:" + _N + _RANGE + r"\s?(?:x|times?)|(once|twice))"
    r"\s?(?:a|per|each|/|every)?\s?(?:week|wk)\b", re.IGNORECASE)
# A count after the therapy it counts: "Physical therapy #12", "Acupuncture QTY: 6" (not a
# prescription's "#60": the name must say it is a therapy).
_THERAPY_COUNT = re.compile(
    r"\b(?:therapy|pt|ot|physio(?:therapy)?|chiropractic|chiro|acupuncture|manipulation|sessions?|visits?|treatments?)\b"
    r"[^#\d]{0,30}?(?:#|\bqty\.?:?|\bquantity:?)\s?(\d{1,2})\b", re.IGNORECASE)
# "two (2) times per week for six (6) weeks": the figure restates the word.
_RESTATED = re.compile(r"\b(" + _N[1:-1] + r")\s\(\d{1,3}\)", re.IGNORECASE)
# "12 sessions", "Twelve physical therapy visits"; not "two times four visits"
# (a frequency) nor "3 visits per week" (a frequency too).
_COUNT = re.compile(r"\b" + _N + _RANGE + r"\s(?:(?!(?:times?|x|per)\b)[a-z/-]+\s){0,4}?" + _UNITS
                    + r"\b(?!\s?(?:per|a|each|every)\s(?:week|wk))", re.IGNORECASE)
_PAREN = re.compile(r"\((" + r"\d{1,3}" + r")\)")
_BY = re.compile(r"\b(\d{1,2})\s?(?:x|times)\s?(\d{1,2})\b(?!\s?(?:mg|ml|g|%))", re.IGNORECASE)
_TIMES = re.compile(r"\b(?:times|x)\s?(\d{1,3})\b(?!\s?(?:mg|ml|g|%|weeks?|wks?|months?|days?))", re.IGNORECASE)


def _num(text: str | None) -> int | None:
    if text is None:
        return None
    t = text.lower()
    return int(t) if t.isdigit() else _WORDS.get(t)


def _upper(low: str | None, high: str | None) -> int | None:
    a, b = _num(low), _num(high)
    return max(x for x in (a, b) if x is not None) if (a is not None or b is not None) else None


def visits_in_item_name(name: str) -> int | None:
    """How many visits (sessions, treatments) an item's name asks for, or None when it does not say."""
    name = _RESTATED.sub(r"\1", name)
    m = _PAREN.search(name)           # "two times four visits (8)": the total, when the name gives it
    if m:
        return int(m.group(1))
    m = _COUNT.search(name)
    if m:
        return _upper(m.group(1), m.group(2))
    for pattern in (_FREQUENCY, _WEEKLY):
        m = pattern.search(name)
        if m:
            groups = m.groups()
            per_week = _upper(groups[0], groups[1]) if pattern is _WEEKLY or groups[0] else _num(groups[2])
            weeks = _upper(groups[-2], groups[-1])
            if per_week and weeks:
                return per_week * weeks
    m = _WEEKS_FIRST.search(name)
    if m:
        weeks, per_week = _upper(m.group(1), m.group(2)), _upper(m.group(3), m.group(4)) or _num(m.group(5))
        if per_week and weeks:
            return per_week * weeks
    m = _BY.search(name)
    if m:
        return int(m.group(1)) * int(m.group(2))
    m = _TIMES.search(name)
    if m:
        return int(m.group(1))
    m = _THERAPY_COUNT.search(name)
    if m:
        return int(m.group(1))
    return None


# "Associated surgical service: Cold therapy", "Post-op sling", "Pre-op labs:
# CBC", "Sling after surgery": the request itself says the item goes with a
# surgery.
# A procedure a request names as the surgery it goes with ("after right shoulder arthroscopy"). Not
# "s/p" or "status post": that surgery is behind the patient, not the one requested with the item.
_PROCEDURE = (r"(?:surgery|arthroscop(?:y|ic)|scope|repair|replacement|arthroplasty|release|reconstruction|fusion"
              r"|meniscectomy|orif|tka|tkr)")
_WITH_SURGERY = re.compile(
    r"\b(?:associated surgical services?|(?:pre|post)-? ?op(?:erative(?:ly)?)?|(?:pre|post)-? ?surg(?:ical|ery)"
    r"|(?:after|following|before|prior to) (?:the |his |her )?(?:[a-z]+ ){0,3}?" + _PROCEDURE + r")\b",
    re.IGNORECASE)


def surgery_in_item_name(name: str) -> bool | None:
    """True when an item's name says it is requested with a surgery (before or after
    it); None otherwise: a name that does not say so does not show it is not."""
    return True if _WITH_SURGERY.search(name) else None


# "Repeat lumbar ESI", "Second epidural steroid injection": the request itself
# says an injection was given before.
_REPEAT_INJECTION = re.compile(
    r"\b(?:repeat(?:ed)?|second|2nd|third|3rd|another|additional)\b.{0,40}?\b(?:epidural|(?:tf|il|l|c|t)?esis?|transforaminal|interlaminar)\b"
    r"|\b(?:epidural|(?:tf|il|l|c|t)?esis?|transforaminal|interlaminar)\b.{0,40}?\b(?:repeat(?:ed)?|second|2nd)\b", re.IGNORECASE)


def repeat_injection_in_item_name(name: str) -> bool | None:
    """True when an item's name asks for a repeat epidural injection; None otherwise."""
    return True if _REPEAT_INJECTION.search(name) else None


# A passive modality request names its modality, and the guidelines decide
# some modalities by name (therapeutic ultrasound; heat or cold applied by a
# therapist). First match wins: "Infrared heat" is infrared, "Ice/Heat pads
# therapy" is heat or cold.
_MODALITIES = (
    ("ultrasound", re.compile(r"\bultrasound\b(?!.{0,20}\bguid)", re.IGNORECASE)),
    ("infrared", re.compile(r"\binfrared\b", re.IGNORECASE)),
    ("diathermy", re.compile(r"\bdiathermy\b", re.IGNORECASE)),
    ("traction", re.compile(r"\btraction\b|\bspinolator\b", re.IGNORECASE)),
    ("myofascial_release", re.compile(r"\bmyofascial release\b", re.IGNORECASE)),
    ("massage", re.compile(r"\bmassage\b", re.IGNORECASE)),
    ("heat_cold", re.compile(r"\b(?:heat|ice|cold|hot)(?:/(?:heat|ice|cold|hot))? ?(?:packs?|pads?|therapy|applications?)\b"
                             r"|\bmoist heat\b", re.IGNORECASE)),
)


def modality_in_item_name(name: str) -> str | None:
    """The passive modality an item's name asks for (``ultrasound``, ``heat_cold``, ...), or None."""
    for value, pattern in _MODALITIES:
        if pattern.search(name):
            return value
    return None


# Procedures the guidelines do not recommend, named by the request: percutaneous
# adhesiolysis ("Neuroplasty, lumbar spine", "epidural neurolysis", "lysis of
# epidural adhesions", the injection of a neurolytic substance into the epidural
# space), trigger point impedance imaging, extracorporeal shockwave therapy. The
# rules decide them by name, as the quoted text does ("This procedure is not
# recommended"); the region they apply to is the rule's.
_PROCEDURES = (
    ("percutaneous_adhesiolysis", re.compile(
        r"\b(?:adhesiolysis|neuroplasty|lysis of (?:epidural )?adhesions?|epidural neurolysis"
        r"|racz(?: procedure)?|neurolytic (?:substance|agent|solution)s?)\b", re.IGNORECASE)),
    ("trigger_point_impedance_imaging", re.compile(
        r"\btrigger[- ]points? impedance imaging\b|\btpii\b", re.IGNORECASE)),
    ("shockwave_therapy", re.compile(
        r"\b(?:extra-?corporeal )?shock ?wave(?: therapy| treatments?| lithotripsy)?\b|\beswt\b", re.IGNORECASE)),
)


def procedure_in_item_name(name: str) -> str | None:
    """The not-recommended procedure an item's name asks for (``percutaneous_adhesiolysis``,
    ``trigger_point_impedance_imaging``, ``shockwave_therapy``), or None."""
    for value, pattern in _PROCEDURES:
        if pattern.search(name):
            return value
    return None


# --- Medications ------------------------------------------------------------
# A prescription names what it asks for: "Post-op Norco 5/325mg #60", "Flurbiprofen
# 10%/Cyclobenzaprine 3%/Lidocaine 5% cream", "Post-op Colace 100mg #60".

_POSTOPERATIVE = re.compile(r"\b(?:post[- ]?op(?:erative(?:ly)?)?|post[- ]?surg(?:ical|ery)|peri-?operative)\b"
                            r"|\b(?:after|following) (?:the |his |her )?(?:[a-z]+ ){0,3}?" + _PROCEDURE
                            + r"\b", re.IGNORECASE)


def postoperative_in_item_name(name: str) -> bool:
    """Whether the request is for the post-operative period ("Post-op Percocet 5/325mg")."""
    return bool(_POSTOPERATIVE.search(name))


_COUNT_WORD = r"(?:\d{1,4}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|thirty|sixty|ninety)"
_QUANTITY = re.compile(
    r"#\s?\d"                                                         # "#60"
    r"|\b(?:qty|quantity)\.?:?\s?(?:of\s)?\d"                           # "quantity 30", "Qty: 30"
    r"|\b" + _COUNT_WORD + r"\s(?:[\w-]+\s)?(?:tablets?|tabs?|capsules?|caps?|pills?|patch(?:es)?|pads?|"
    r"bottles?|tubes?|containers?|jars?|boxes?|vials?)\b"                # "60 tablets", "one container"
    r"|(?<![/\d.])\d{1,4}(?:\.\d+)?\s?(?:ml|g|gm|grams?|oz)\b(?!\s?/)"      # "420ml", "120grams"; not "300mg/g"
    r"|\b" + _COUNT_WORD + r"[- ](?:days?|weeks?|months?)['\u2019]?\s(?:supply|worth)\b"   # "one month supply"
    r"|\bday supply:?\s?\d"
    r"|\b(?:box|bottle|tube|pack|jar)(?:e?s)? of \d"                        # "box of 30"
    r"|\bdisp(?:ense)?\.?:?\s?#?\d"                                     # "dispense 120", "disp: 90"
    r"|\b\d{1,4}\s?count\b"                                             # "90 count"
    r"|\(\s?#?\d{1,4}\s?\)"                                               # "(60)"
    r"|\bx\s?\d{2,3}\b(?!\s?(?:days?|weeks?|months?|mg|mcg|ml|%|/))", re.IGNORECASE)   # "x 60", not "x 30 days"


def quantity_stated_in_item_name(name: str) -> bool:
    """Whether the request states how much it asks for (a count, a volume, a supply), not
    only a strength: "Norco 5/325mg #60" does, "Post-op Percocet 5/325mg" does not."""
    return bool(_QUANTITY.search(name))


def _words(*names: str) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(names) + r")\b", re.IGNORECASE)


# Topical agents by what the MTUS Chronic Pain "Topical analgesics" section says of them.
_TOPICAL_NSAID = _words("diclofenac", "voltaren", "pennsaid", "flector", "ketoprofen", "flurbiprofen", "ibuprofen",
                        "piroxicam", "indomethacin", "naproxen")
_TOPICAL_OTHER = _words("lidocaine", "lidoderm", "lido ?pro", "terocin", "anecream", "capsaicin", "gabapentin",
                        "pregabalin", "amitriptyline", "dextromethorphan", "ketamine", "clonidine", "tramadol",
                        "cyclobenzaprine", "flexeril", "baclofen", "orphenadrine", "methocarbamol", "tizanidine",
                        "carisoprodol", "metaxalone", "chlorzoxazone", "xylocaine")
# Not recommended as a topical product: any muscle relaxant ("There is no evidence for use
# of any other muscle relaxant as a topical product") and lidocaine in any form but the
# dermal patch (Lidoderm). Lidopro, Terocin and Anecream are lidocaine creams/ointments;
# a product that contains one "is not recommended" as a whole.
_TOPICAL_MUSCLE_RELAXANT = _words("cyclobenzaprine", "flexeril", "baclofen", "orphenadrine", "methocarbamol",
                                  "tizanidine", "carisoprodol", "metaxalone", "chlorzoxazone")
_LIDOCAINE = _words("lidocaine", "xylocaine", "lido ?pro", "terocin", "anecream")
# A lidocaine "pad" is a patch ("Lidocaine 4% pads #30").
_PATCH = _words("patch(?:es)?", "pads?", "lidoderm", "dermal system")
# Agents the guideline text we hold neither rules out nor in: a product containing one is unsettled.
_TOPICAL_UNSETTLED = _words("gabapentin", "pregabalin", "amitriptyline", "dextromethorphan", "ketamine", "clonidine",
                            "tramadol", "flurbiprofen", "ketoprofen", "piroxicam", "indomethacin", "naproxen")
_TOPICAL_SETTLED = _words("diclofenac", "voltaren", "pennsaid", "flector", "ibuprofen", "capsaicin", "lidoderm",
                          "lidocaine", "xylocaine", "lido ?pro", "terocin", "anecream", "cyclobenzaprine", "flexeril",
                          "baclofen", "orphenadrine", "methocarbamol", "tizanidine", "carisoprodol", "metaxalone",
                          "chlorzoxazone")


def _topical_agent(name: str, present: bool) -> bool | None:
    """True when the agent is ``present``; False when it is not and every agent the name
    lists is one the guideline excerpts settle; None when the name does not tell."""
    if present:
        return True
    if _TOPICAL_UNSETTLED.search(name) or not _TOPICAL_SETTLED.search(name):
        return None
    return False


def topical_muscle_relaxant_in_item_name(name: str) -> bool | None:
    """Whether a topical product contains a muscle relaxant ("There is no evidence for use of
    any other muscle relaxant as a topical product"); None when the name does not tell."""
    return _topical_agent(name, bool(_TOPICAL_MUSCLE_RELAXANT.search(name)))


def topical_non_patch_lidocaine_in_item_name(name: str) -> bool | None:
    """Whether a topical product contains lidocaine in a form other than the dermal patch (a
    cream, gel, lotion or ointment: Lidopro, Terocin, Anecream); None when the name does not tell."""
    return _topical_agent(name, bool(_LIDOCAINE.search(name)) and not _PATCH.search(name))


def topical_agent_class_in_item_name(name: str) -> str | None:
    """``nsaid``, ``non_nsaid`` or ``mixed``: which kinds of topical agent the product contains
    (topical NSAIDs and the other topical analgesics have different criteria); None when the
    name names no agent we know."""
    nsaid, other = bool(_TOPICAL_NSAID.search(name)), bool(_TOPICAL_OTHER.search(name))
    if nsaid and other:
        return "mixed"
    return "nsaid" if nsaid else "non_nsaid" if other else None


_LAXATIVE = _words("colace", "docusate", "senna", "senokot(?:-s)?", "sennosides", "bisacodyl", "dulcolax", "miralax",
                   "polyethylene glycol", "lactulose", "amitiza", "lubiprostone", "stool softeners?", "laxatives?",
                   "psyllium", "metamucil", "milk of magnesia", "magnesium citrate", "magnesium hydroxide")


def medication_class_in_item_name(name: str) -> str | None:
    """The class of an "other medication" that the rule base has criteria for (``laxative``),
    or None: the rules for other medications then cannot tell what the request is."""
    return "laxative" if _LAXATIVE.search(name) else None


# Other medications by drug class, each its own fact: true when the name names a drug
# of the class; false when it names a drug of another class these facts (or
# ``medication_class``) know, so that a laxative's draft does not ask whether it is a
# benzodiazepine; None otherwise (a name that does not say so does not show it is not).
# They are not values of ``medication_class``: the guideline text the letters quote
# for these classes states criteria that deny, and for antidepressants one that
# approves, but not the both ways a closed list of classes would have to decide.

# Compounded oral medication kits (oral suspensions compounded from a drug sold as
# tablets: Fanatrex gabapentin, Dicopanol diphenhydramine, Deprizine ranitidine,
# Tabradol cyclobenzaprine, Synapryn tramadol, Ketophene ketoprofen), which the letters
# judge under MTUS "Compound drugs"; and a request that calls itself compounded.
_COMPOUNDED = _words("fanatrex", "dicopanol", "deprizine", "tabradol", "synapryn", "ketophene",
                     "compound(?:ed)?", "compounding")
_BENZODIAZEPINE = _words("benzodiazepines?", "diazepam", "valium", "alprazolam", "xanax", "clonazepam", "klonopin",
                         "lorazepam", "ativan", "temazepam", "restoril", "chlordiazepoxide", "librium", "clorazepate",
                         "tranxene", "oxazepam", "triazolam", "halcion", "estazolam", "flurazepam")
# Antidepressants for chronic pain: the tricyclics and the SNRIs. Bupropion, the SSRIs
# and trazodone are left out: the MTUS treats them apart (no letter quotes that text),
# so the class statement the letters quote must not decide them.
_ANTIDEPRESSANT = _words("amitriptyline", "elavil", "nortriptyline", "pamelor", "desipramine", "norpramin",
                         "imipramine", "tofranil", "doxepin", "clomipramine", "anafranil", "protriptyline",
                         "trimipramine", "duloxetine", "cymbalta", "venlafaxine", "effexor", "desvenlafaxine", "pristiq",
                         "milnacipran", "savella", "levomilnacipran", "fetzima")


_CLASSES = {"compounded": _COMPOUNDED, "benzodiazepine": _BENZODIAZEPINE, "antidepressant": _ANTIDEPRESSANT,
            "laxative": _LAXATIVE}


def _drug_class(name: str, own: str) -> bool | None:
    if _CLASSES[own].search(name):
        return True
    if any(pattern.search(name) for cls, pattern in _CLASSES.items() if cls != own):
        return False
    return None


def compounded_medication_in_item_name(name: str) -> bool | None:
    """Whether the request names a compounded medication ("Fanatrex 25mg/ml oral
    suspension", "Dicopanol (unknown quantity)"); None when the name does not tell."""
    return _drug_class(name, "compounded")


def benzodiazepine_in_item_name(name: str) -> bool | None:
    """Whether the request names a benzodiazepine ("Diazepam 5mg #10", "Xanax 0.5mg");
    None when the name does not tell."""
    return _drug_class(name, "benzodiazepine")


def antidepressant_in_item_name(name: str) -> bool | None:
    """Whether the request names a tricyclic or SNRI antidepressant ("Venlafaxine HCL ER
    37.5mg #90", "Cymbalta 30mg"); None when the name does not tell."""
    return _drug_class(name, "antidepressant")


#: Derivations a fact of the catalog may name in ``derived_from``.
DERIVATIONS: dict[str, Callable[[str], object]] = {
    "visits_in_item_name": visits_in_item_name,
    "surgery_in_item_name": surgery_in_item_name,
    "repeat_injection_in_item_name": repeat_injection_in_item_name,
    "modality_in_item_name": modality_in_item_name,
    "postoperative_in_item_name": postoperative_in_item_name,
    "quantity_stated_in_item_name": quantity_stated_in_item_name,
    "topical_muscle_relaxant_in_item_name": topical_muscle_relaxant_in_item_name,
    "topical_non_patch_lidocaine_in_item_name": topical_non_patch_lidocaine_in_item_name,
    "topical_agent_class_in_item_name": topical_agent_class_in_item_name,
    "medication_class_in_item_name": medication_class_in_item_name,
    "compounded_medication_in_item_name": compounded_medication_in_item_name,
    "benzodiazepine_in_item_name": benzodiazepine_in_item_name,
    "antidepressant_in_item_name": antidepressant_in_item_name,
    "procedure_in_item_name": procedure_in_item_name,
}


@lru_cache(maxsize=4096)
def derived_values(derivations: tuple[tuple[str, str], ...], name: str) -> tuple[tuple[str, object], ...]:
    """``(fact id, value)`` of every ``(fact id, derivation)`` that gives a value for an item named ``name``.

    Bulk input repeats the same item names, and reading a name takes a few
    dozen regular expressions: each name is read once per process."""
    out = []
    for fact_id, derivation in derivations:
        value = DERIVATIONS[derivation](name)
        if value is not None:
            out.append((fact_id, value))
    return tuple(out)
