"""Facts read from the request itself rather than from the record.

A request for authorization says how much it asks for: "Physical therapy 2
times a week for 6 weeks", "Twelve acupuncture visits", "Chiropractic
manipulation times 6". A fact of the catalog with ``derived_from`` names one
of the :data:`DERIVATIONS` here; when a case does not state that fact for an
item, it is computed from the item's name (a stated value always wins).
"""

from __future__ import annotations

import re
from typing import Callable

_N = r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|" \
     r"sixteen|seventeen|eighteen|nineteen|twenty|twenty-four|thirty|thirty-six)"
_WORDS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                     "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split())}
_WORDS.update({"twenty-four": 24, "thirty": 30, "thirty-six": 36, "once": 1, "twice": 2})
_UNITS = r"(?:sessions?|visits?|treatments?|appointments?)"

# Most specific first. A range ("2-3 times", "1 to 2 times", "12-18 sessions")
# counts its upper bound: what would be authorized is the most it allows.
_RANGE = r"(?:(?:\s?-\s?|\s(?:to|or)\s)" + _N + r")?"
_FREQUENCY = re.compile(
    r"\b(?:" + _N + _RANGE + r"\s?(?:x|times?|visits?|sessions?)|(once|twice))\s?(?:a|per|each|/|every)?\s?"
    r"(?:week|wk)(?:ly)?"
    r"\s?(?:for|x|times|over)?\s?" + _N + r"\s?(?:weeks?|wks?)\b", re.IGNORECASE)
_WEEKLY = re.compile(r"\b" + _N + _RANGE + r"\s?times?\s?weekly\s?(?:for|x)\s?" + _N + r"\s?(?:weeks?|wks?)\b",
                     re.IGNORECASE)
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
            weeks = _num(groups[-1])
            if per_week and weeks:
                return per_week * weeks
    m = _BY.search(name)
    if m:
        return int(m.group(1)) * int(m.group(2))
    m = _TIMES.search(name)
    if m:
        return int(m.group(1))
    return None


# "Associated surgical service: Cold therapy", "Post-op sling", "Pre-op labs:
# CBC", "Sling after surgery": the request itself says the item goes with a
# surgery.
_WITH_SURGERY = re.compile(
    r"\b(?:associated surgical services?|(?:pre|post)-? ?op(?:erative(?:ly)?)?|(?:pre|post)-? ?surg(?:ical|ery)"
    r"|(?:after|following|before|prior to) (?:the |his |her )?(?:[a-z]+ ){0,2}?surgery)\b", re.IGNORECASE)


def surgery_in_item_name(name: str) -> bool | None:
    """True when an item's name says it is requested with a surgery (before or after
    it); None otherwise: a name that does not say so does not show it is not."""
    return True if _WITH_SURGERY.search(name) else None


# "Repeat lumbar ESI", "Second epidural steroid injection": the request itself
# says an injection was given before.
_REPEAT_INJECTION = re.compile(
    r"\b(?:repeat(?:ed)?|second|2nd|third|3rd|another|additional)\b.{0,40}?\b(?:epidural|esis?|transforaminal|interlaminar)\b"
    r"|\b(?:epidural|esis?|transforaminal|interlaminar)\b.{0,40}?\b(?:repeat(?:ed)?|second|2nd)\b", re.IGNORECASE)


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
    ("heat_cold", re.compile(r"\b(?:heat|ice|cold|hot)(?:/(?:heat|ice|cold))? ?(?:packs?|pads?|therapy|applications?)\b",
                             re.IGNORECASE)),
)


def modality_in_item_name(name: str) -> str | None:
    """The passive modality an item's name asks for (``ultrasound``, ``heat_cold``, ...), or None."""
    for value, pattern in _MODALITIES:
        if pattern.search(name):
            return value
    return None


#: Derivations a fact of the catalog may name in ``derived_from``.
DERIVATIONS: dict[str, Callable[[str], object]] = {
    "visits_in_item_name": visits_in_item_name,
    "surgery_in_item_name": surgery_in_item_name,
    "repeat_injection_in_item_name": repeat_injection_in_item_name,
    "modality_in_item_name": modality_in_item_name,
}
