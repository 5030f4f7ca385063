"""The header block and the reviewer's credentials of a published determination letter.

Letters published by DWC (2016 on) open with a two-column table that PDF
extraction reads row by row::

    Case Number: CM16-0219557
    Date Assigned: 11/18/2016 Date of Injury:  10/10/2016
    Decision Date: 12/19/2016 UR Denial Date:  11/09/2016
    Priority:  Standard Application
    Received:
    11/14/2016

("Application Received" is one label split over two cells), and the section
"HOW THE IMR FINAL DETERMINATION WAS MADE" lists ``State(s) of Licensure:``
and ``Certification(s)/Specialty:``. Older letters have no header block and
state the credentials in a sentence ("The expert reviewer is Board Certified
in Family Medicine and is licensed to practice in North Carolina").

The header is read from the letter's text before :func:`normalize` (which
drops "Case Number" lines as running page headers), with the same character
clean-up, so both PDF readers' layouts give the same fields.
"""

from __future__ import annotations

import re
import unicodedata

from .summary import parse_date

#: The header block sits in the first lines; nothing past this is header.
_HEADER_CHARS = 2000
_DATE = r"(\d{1,2}/\d{1,2}/\d{2,4})"
_FIELDS = {
    "case_number": re.compile(r"\bcase number:? ?([a-z]{2}\d{2}-\d{3,10})\b", re.IGNORECASE),
    "date_assigned": re.compile(r"\bdate assigned:? ?" + _DATE, re.IGNORECASE),
    "date_of_injury": re.compile(r"\bdate of injury:? ?" + _DATE, re.IGNORECASE),
    "decision_date": re.compile(r"\bdecision date:? ?" + _DATE, re.IGNORECASE),
    "ur_denial_date": re.compile(r"\bur denial date:? ?" + _DATE, re.IGNORECASE),
    "application_received": re.compile(r"\bapplication received:? ?" + _DATE, re.IGNORECASE),
}
# "Priority: Standard Application Received: ..." (the next label follows the value).
_PRIORITY = re.compile(r"\bpriority:? ?([a-z]+(?: [a-z]+)?)(?= application\b| date\b| ur\b| case\b|$)",
                       re.IGNORECASE)
_END_OF_HEADER = re.compile(r"how the imr final determination was made", re.IGNORECASE)

_LICENSURE = re.compile(r"state\(s\) of licensure: ?(?P<v>.{1,300}?) ?(?=certification\(s\)|\n|$)",
                        re.IGNORECASE)
_SPECIALTY = re.compile(r"certification\(s\)/specialty: ?(?P<v>.{1,300}?) ?(?=state\(s\)|\n|clinical case|$)",
                        re.IGNORECASE)
# Older letters: "The expert reviewer is Board Certified in Family Medicine and
# is licensed to practice in North Carolina."
_SENTENCE = re.compile(r"board certified in (?P<spec>[A-Za-z &,/-]{2,120}?) and is licensed to practice in "
                       r"(?P<states>[A-Za-z ,]{2,200}?)\.", re.IGNORECASE)
_LIST_SPLIT = re.compile(r" ?, ?(?:and )?")


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def letter_header(text: str) -> dict:
    """The header fields the letter states: dates as ISO strings, priority, case number."""
    head = text[:_HEADER_CHARS]
    end = _END_OF_HEADER.search(head)
    head = _clean(head[:end.start()] if end else head)
    out: dict = {}
    for name, pattern in _FIELDS.items():
        m = pattern.search(head)
        if not m:
            continue
        value = m.group(1) if name == "case_number" else parse_date(m.group(1))
        if value:
            out[name] = value.upper() if name == "case_number" else value
    m = _PRIORITY.search(head)
    if m:
        out["priority"] = m.group(1).strip().capitalize()
    return out


def reviewer(section: str) -> dict:
    """``{licensure: [...], specialty: [...]}`` from the "how the determination was made" section."""
    text = " ".join(section.split())
    out: dict = {}
    m = _LICENSURE.search(text)
    if m:
        out["licensure"] = _items(m.group("v"))
    m = _SPECIALTY.search(text)
    if m:
        out["specialty"] = _items(m.group("v"))
    if not out:
        m = _SENTENCE.search(text)
        if m:
            out = {"licensure": _items(m.group("states").replace(" and ", ", ")),
                   "specialty": _items(m.group("spec"))}
    return {k: v for k, v in out.items() if v}


def _items(value: str) -> list[str]:
    return [p.strip(" .;") for p in _LIST_SPLIT.split(value.strip(" .;")) if p.strip(" .;")]
