"""Patient facts from the clinical case summary: age, sex, date of injury, diagnoses.

Best effort and conservative: a value is returned only when the summary
states it in one of the usual ways; anything else is left out (a case file
omits what is unknown rather than guessing).
"""

from __future__ import annotations

import datetime as dt
import re

_AGE = re.compile(r"\b(?P<age>\d{1,3})(?:[- ](?:years?|yrs?)[- ]old|[- ]?y/?o)\b"
                  r"(?P<after>(?: [A-Za-z-]{1,20}){0,3})", re.IGNORECASE)
_SEX_WORDS = {"male": "male", "man": "male", "gentleman": "male", "boy": "male",
              "female": "female", "woman": "female", "lady": "female", "girl": "female"}

_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_DATE = (r"(?:\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}-\d{1,2}-\d{2,4}"
         r"|[A-Za-z]{3,9}\.? \d{1,2},? \d{4})")
_INJURY_DATE = re.compile(
    r"(?:date of (?:the )?injury|\bDOI\b|injury date)\s?(?:of|is|was|on|:|=)?\s?(?:\w+ ){0,2}?(?P<d>" + _DATE + r")"
    r"|\binjured\b(?: [a-z]+){0,4}? on (?P<d2>" + _DATE + r")",
    re.IGNORECASE)

_DIAGNOSES = re.compile(
    r"\bdiagnos[ie]s\b(?: [a-z]+){0,2}? (?:include[sd]?|are|were|is|was|of)(?: the following)?:? "
    r"(?P<list>[^.;]{3,400})"
    r"|\bdiagnosed with (?P<list2>[^.;]{3,400})",
    re.IGNORECASE)
_LIST_SPLIT = re.compile(r",? and (?=[a-z])|, ?(?:and )?", re.IGNORECASE)


def patient(summary: str) -> dict:
    """``{age, sex, date_of_injury}`` with only the keys the summary states."""
    out: dict = {}
    m = _AGE.search(summary)
    if m and 0 < int(m.group("age")) <= 120:
        out["age"] = int(m.group("age"))
        for word in m.group("after").lower().split():
            if word in _SEX_WORDS:
                out["sex"] = _SEX_WORDS[word]
                break
    for m in _INJURY_DATE.finditer(summary):
        iso = parse_date(m.group("d") or m.group("d2"))
        if iso:
            out["date_of_injury"] = iso
            break
    return out


def parse_date(text: str) -> str | None:
    """``03/06/2013`` / ``5/1/04`` / ``2013-03-06`` / ``March 6, 2013`` as an ISO date, else None."""
    text = text.strip()
    try:
        if "/" in text or (text[:1].isdigit() and text.count("-") == 2 and len(text.split("-")[0]) <= 2):
            month, day, year = (int(p) for p in re.split(r"[/-]", text))
        elif text[:1].isdigit():
            year, month, day = (int(p) for p in text.split("-"))
        else:
            name, day_s, year_s = text.replace(",", " ").replace(".", " ").split()
            month = _MONTHS.get(name[:3].lower())
            if month is None:
                return None
            day, year = int(day_s), int(year_s)
        if year < 100:
            # Two-digit years: IMR began in 2013, injuries go back decades.
            year += 2000 if year <= dt.date.today().year % 100 else 1900
        date = dt.date(year, month, day)
    except (ValueError, TypeError):
        return None
    if not 1900 <= date.year <= dt.date.today().year + 1:
        return None
    return date.isoformat()


def diagnoses(summary: str) -> list[str]:
    """Diagnoses named in "The diagnoses include A, B and C." style sentences."""
    m = _DIAGNOSES.search(summary)
    if not m:
        return []
    found = []
    for part in _LIST_SPLIT.split(m.group("list") or m.group("list2")):
        part = part.strip(" :-")
        if part and len(part) <= 200 and part.lower() not in ("the following", "etc"):
            found.append(part)
    return found[:20]
