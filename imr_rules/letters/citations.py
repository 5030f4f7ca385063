"""The guideline basis of an IMR decision, from the letter's "MAXIMUS guideline:" field.

Letters cite in two shapes, with the names often duplicated or truncated by
the PDF template:

* ``Decision based on MTUS Chronic Pain Treatment Guidelines Chronic Pain
  Medical Treatment Guidelines exercise Page(s): 46-47.``
* ``The Expert Reviewer did not base their decision on the MTUS. Decision based
  on Non-MTUS Citation Official Disability Guidelines (ODG), Low Back
  Problems, Exercise.``

Chapter names are mapped onto the chapters the rule base knows (``chapters``,
``(tier, chapter)`` pairs); an unknown chapter keeps the letter's words.
"""

from __future__ import annotations

import re
from functools import lru_cache

_PAGES = re.compile(r"\b(?:page\(?s?\)?|pp?\.)\s?:?\s?(?P<p>\d{1,4}(?: ?- ?\d{1,4})?(?: ?, ?\d{1,4}(?: ?- ?\d{1,4})?){0,9})",
                    re.IGNORECASE)
_BASED_ON = re.compile(r"decision (?:was )?based on\s?", re.IGNORECASE)
_NON_MTUS = re.compile(r"\bnon-? ?mtus\b|did not base (?:their|his|her|the|its) decision on the mtus",
                       re.IGNORECASE)
_MTUS = re.compile(r"\bmtus\b", re.IGNORECASE)
_CITATION_WORD = re.compile(r"(?:non-? ?mtus )?citation:?\s?", re.IGNORECASE)
_MTUS_PREFIX = re.compile(r"(?:the )?(?:california |ca )?mtus\b[ ,]?", re.IGNORECASE)
_ODG = re.compile(r"(?:(?:the )?official disability guidelines?(?: \(odg\))?|odg)(?:[ ,]{1,2}|$)",
                  re.IGNORECASE)
ODG_NAME = "Official Disability Guidelines (ODG)"
# Words the templates add or drop from chapter names.
_FILLER = ("medical", "treatment", "guidelines", "guideline", "problems", "complaints")


def parse_basis(raw: str, chapters) -> dict:
    """``{tier, guideline, chapter, section, pages, raw}``; unknown parts are None, tier is omitted."""
    out: dict = {}
    body = raw
    based = None
    for based in _BASED_ON.finditer(raw):
        pass
    if based is not None:
        body = raw[based.end():]
    pages = None
    m = _PAGES.search(body)
    if m:
        pages = re.sub(r"\s", "", m.group("p"))
        body = body[:m.start()]
    body = _CITATION_WORD.sub("", body, count=1) if _CITATION_WORD.match(body) else body
    body = body.strip(" .,;:")

    if _NON_MTUS.search(raw):
        out["tier"] = "non_mtus"
        guideline, chapter, section = _non_mtus(body, _known(chapters, "non_mtus"))
    elif _MTUS.search(raw):
        out["tier"] = "mtus"
        guideline, chapter, section = _mtus(body, _known(chapters, "mtus"))
    else:
        guideline, chapter, section = _non_mtus(body, ())
    out.update(guideline=guideline or None, chapter=chapter or None,
               section=_cap(section) or None, pages=pages, raw=raw)
    return out


def _mtus(body: str, known) -> tuple[str, str | None, str | None]:
    m = _MTUS_PREFIX.match(body)
    rest = body[m.end():].lstrip(" ,") if m else body
    chapter = None
    while True:           # consume the chapter name, as often as the template repeats it
        hit = _chapter_prefix(rest, known)
        if not hit:
            break
        chapter, used = hit
        rest = rest[used:].lstrip(" ,.-")
    if chapter:
        return f"MTUS {chapter}", chapter, rest or None
    head, _, tail = rest.partition(", ")
    return "MTUS", head or None, tail or None


def _non_mtus(body: str, known) -> tuple[str | None, str | None, str | None]:
    guideline = None
    rest = body
    while True:           # "Official Disability Guidelines (ODG) Official Disability ..."
        m = _ODG.match(rest)
        if not m:
            break
        guideline = ODG_NAME
        rest = rest[m.end():]
    if guideline is None:
        guideline, _, rest = rest.partition(", ")
        if not rest:      # no comma: the whole text names the guideline
            return guideline or None, None, None
    hit = _chapter_prefix(rest, known) or _chapter_truncated(rest, known)
    if hit:
        chapter, used = hit
        return guideline, chapter, rest[used:].strip(" ,.-") or None
    chapter, _, section = rest.partition(", ")
    return guideline, chapter.strip() or None, section.strip(" .") or None


@lru_cache(maxsize=64)
def _aliases(chapters: tuple[tuple[str, str], ...], tier: str) -> tuple[tuple[str, str], ...]:
    """``(alias, canonical)`` for the chapters of ``tier``, longest alias first."""
    pairs = set()
    for t, name in chapters:
        if t != tier:
            continue
        words = name.split()
        pairs.add((name.lower(), name))
        for filler in _FILLER:
            pairs.add((" ".join(w for w in words if w.lower() != filler).lower(), name))
        pairs.add((" ".join(w for w in words if w.lower() not in _FILLER).lower(), name))
    return tuple(sorted((p for p in pairs if len(p[0]) >= 4), key=lambda p: -len(p[0])))


def _known(chapters, tier: str) -> tuple[tuple[str, str], ...]:
    try:
        key = tuple((str(t), str(c)) for t, c in chapters or ())
    except (TypeError, ValueError):
        key = ()
    return _aliases(key, tier)


def _chapter_prefix(text: str, known) -> tuple[str, int] | None:
    """A known chapter (or a variant of its name) that begins ``text``: (canonical, length used)."""
    low = text.lower()
    for alias, name in known:
        if low.startswith(alias) and (len(low) == len(alias) or not low[len(alias)].isalnum()):
            return name, len(alias)
    return None


def _chapter_truncated(text: str, known) -> tuple[str, int] | None:
    """``Low Back, Exercise``: the words before the comma begin exactly one known chapter."""
    head = text.partition(",")[0].strip().lower()
    if len(head) < 4:
        return None
    names = {name for alias, name in known if alias.startswith(head)
             and (len(alias) == len(head) or alias[len(head)] == " ")}
    if len(names) == 1:
        return names.pop(), len(text.partition(",")[0])
    return None


def _cap(section: str | None) -> str | None:
    if not section:
        return None
    section = section.strip(" .,;:")
    return section[:1].upper() + section[1:] if section[:1].islower() else section
