"""Every source a guideline paragraph cites ("MAXIMUS guideline:", "Claims Administrator guideline:").

A paragraph holds one or more ``Decision based on ...`` statements, each
naming one or more sources:

* ``Decision based on MTUS Low Back Complaints 2004, Section(s): Summary, and
  Chronic Pain Medical Treatment 2016, Section(s): Facet blocks.``: MTUS
  chapters, each ending in its year, joined by ", and";
* ``Decision based on Non-MTUS Citation Official Disability Guidelines (ODG)
  Knee/DME, Low Back Lumbar and Thoracic/Mattress selection and Other Medical
  Treatment Guidelines https://...``: ODG chapters with their sections, other
  guidelines, web sources;
* older letters: ``Decision based on MTUS Chronic Pain Treatment Guidelines
  Chronic Pain Medical Treatment Guidelines exercise Page(s): 46-47.``
* ``The Expert Reviewer did not cite any medical evidence for its decision.``

Each source becomes one citation ``{tier, guideline, edition, chapter,
section, pages, url}`` with the words as printed (whitespace collapsed, a
trailing period dropped). MTUS chapters are guidelines of their own here
("MTUS Low Back Complaints", chapter None), as the letters name them.

:func:`chapter_key` gives the chapter a citation is about (``low back``,
``chronic pain``...), whatever words the letter or a guideline file uses for
it, so a draft's basis can be compared with a reviewer's citations.
"""

from __future__ import annotations

import re

#: The keys of a citation, in the order a case file lists them.
FIELDS = ("tier", "guideline", "edition", "chapter", "section", "pages", "url")

_NO_CITATION = re.compile(r"did not cite any (?:medical )?evidence", re.IGNORECASE)
_BASED_ON = re.compile(r"\bdecision (?:was )?based on:?\s?", re.IGNORECASE)
# Sentences about the basis, not sources: "The Expert Reviewer did not base
# their decision on the MTUS." / "...based their decision on recommendation(s)
# outside of the MTUS Guidelines."
_ASIDE = re.compile(r"\.?\s?the expert reviewer (?:did not base|based) .*$", re.IGNORECASE)
_NON_MTUS = re.compile(r"non-? ?mtus(?: citation)?:?\s?", re.IGNORECASE)
_MTUS = re.compile(r"(?:the )?(?:california |ca )?mtus\b:?\s?", re.IGNORECASE)
_PAGES = re.compile(r",?\s?\bpage\(?s?\)?:?\s?(?P<p>\d{1,4}(?: ?- ?\d{1,4})?(?: ?, ?\d{1,4}(?: ?- ?\d{1,4})?){0,9})\.?",
                    re.IGNORECASE)
_YEAR = r"(?:19|20)\d\d"
# One MTUS chapter of the published layout: "<chapter> <year>[ Guidelines][, Section(s): <sections>]",
# up to the next ", and <chapter> <year>" or the end.
_MTUS_PART = re.compile(
    r"(?P<name>[A-Z][A-Za-z ,&/-]{1,120}?) (?P<year>" + _YEAR + r")(?: guidelines)?"
    r"(?:,? section\(s\):? ?(?P<section>.+?))?"
    r"(?=,? and [A-Z][A-Za-z ,&/-]{1,120}? " + _YEAR + r"\b|\.?$)", re.IGNORECASE)
_AND = re.compile(r",? and ")

# How letters name the ODG. The chapter names below are the ODG's chapter
# titles as letters print them, with the qualifiers they add or drop.
_ODG = re.compile(r"(?:official disability guidelines?(?: \(odg\))?|odg(?: guidelines?)?)(?=[\s,:.;/-]|$)",
                  re.IGNORECASE)
_ODG_CHAPTERS = (
    r"low back(?: ?-? ?lumbar (?:&|and) thoracic)?", r"lumbar (?:&|and) thoracic",
    r"neck (?:&|and) upper back", r"neck", r"cervical", r"upper back",
    r"shoulder", r"elbow", r"forearm,? wrist,? (?:&|and) hand", r"wrist", r"hand",
    r"hips? (?:&|and) pelvis", r"hips?", r"knee (?:&|and) leg", r"knee", r"ankle (?:&|and) foot", r"foot",
    r"head", r"chronic pain", r"pain", r"mental illness (?:&|and) stress", r"stress (?:&|and) mental illness",
    r"carpal tunnel syndrome", r"fitness for duty", r"preface", r"burns", r"eye", r"hernia", r"pulmonary",
    r"diabetes", r"cardiology", r"integrated treatment/disability duration guidelines", r"appendix",
)
# A parenthesis right after the chapter's name that qualifies the chapter
# ("(Acute & Chronic)", "(Chronic)", "(trauma, headaches, etc., not including
# stress & mental disorders)"); any other parenthesis names a section.
_QUALIFIER = r"(?: ?\((?:acute|chronic|trauma)[^()]{0,80}\))"
_ODG_CHAPTER = re.compile(r"(?:" + "|".join(_ODG_CHAPTERS) + r")(?: (?:problems|complaints|disorders))?"
                          + _QUALIFIER + r"?(?: (?:chapter|section))?"
                          r"(?=[\s,:;/()-]|\.?$)", re.IGNORECASE)
_OTHER = re.compile(r"other medical treatment guidelines?", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")
_ACOEM = re.compile(r"acoem(?: occupational medicine practice guidelines?)?", re.IGNORECASE)
_EDITION = re.compile(r",? ?(?P<ed>\d{1,2}(?:st|nd|rd|th) ed(?:ition|\.)?|\(?updated \d{1,2}/\d{1,2}/\d{2,4}\)?)[,.]?",
                      re.IGNORECASE)


def parse_citations(raw: str) -> tuple[list[dict], bool]:
    """The sources a guideline paragraph cites, in order, and whether it says none was cited."""
    text = " ".join(raw.split())
    if _NO_CITATION.search(text):
        return [], True
    statements = [m.end() for m in _BASED_ON.finditer(text)]
    if not statements:
        return [], False
    out: list[dict] = []
    for n, start in enumerate(statements):
        end = _BASED_ON.search(text, start)
        body = text[start:end.start() if end else len(text)]
        body = _ASIDE.sub("", body).strip(" .;,")
        if not body:
            continue
        m = _NON_MTUS.match(body)
        if m:
            out += _non_mtus(body[m.end():])
            continue
        m = _MTUS.match(body)
        out += _mtus(body[m.end():] if m else body)
    return [_complete(c) for c in out], False


def _complete(c: dict) -> dict:
    return {k: (_tidy(c.get(k)) if k != "tier" else c[k]) for k in FIELDS}


def _tidy(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split()).strip(" ,;:")
    if value.endswith(".") and not value.endswith(("ed.", "etc.")):
        value = value[:-1].rstrip()
    return value or None


# --- MTUS ------------------------------------------------------------------

def _mtus(body: str) -> list[dict]:
    pages = None
    m = _PAGES.search(body)
    if m:
        pages = re.sub(r"\s", "", m.group("p"))
        body = (body[:m.start()] + body[m.end():]).strip(" .")
    parts = []
    pos = 0
    while pos < len(body):
        m = _MTUS_PART.match(body, pos)
        if not m:
            break
        parts.append({"tier": "mtus", "guideline": "MTUS " + m.group("name").strip(" ,"),
                      "edition": m.group("year"), "section": m.group("section"), "pages": pages})
        pos = m.end()
        a = _AND.match(body, pos)
        if not a:
            break
        pos = a.end()
    if parts and pos >= len(body.rstrip(" .")):
        return parts
    # Older letters: "Chronic Pain Treatment Guidelines Chronic Pain Medical
    # Treatment Guidelines exercise": the chapter (perhaps repeated), then the section.
    name, section = _mtus_old(body)
    return [{"tier": "mtus", "guideline": "MTUS " + name if name else "MTUS", "section": section, "pages": pages}]


_OLD_MTUS_CHAPTER = re.compile(
    r"(?:(?:acoem )?chapter \d{1,2},? )?(?P<name>(?:[A-Z][a-z]+,? (?:and |& )?){0,5}?"
    r"(?:complaints|treatment guidelines|medical treatment guidelines|treatment|approaches|guidelines))\b",
    re.IGNORECASE)


def _mtus_old(body: str) -> tuple[str | None, str | None]:
    name = None
    rest = body
    while True:      # the template may repeat the chapter's name
        m = _OLD_MTUS_CHAPTER.match(rest)
        if not m or not m.group("name"):
            break
        current = m.group("name")
        # Keep the fullest spelling ("Chronic Pain Medical Treatment Guidelines" over
        # "Chronic Pain Treatment Guidelines").
        if name is None or len(current) >= len(name):
            name = current
        rest = rest[m.end():].lstrip(" ,.-")
    if name is None:
        head, _, tail = body.partition(", ")
        return head or None, tail or None
    return name, _cap(rest) or None


def _cap(section: str | None) -> str | None:
    if not section:
        return None
    section = section.strip(" .,;:")
    return section[:1].upper() + section[1:] if section[:1].islower() else section


# --- non-MTUS --------------------------------------------------------------

def _non_mtus(body: str) -> list[dict]:
    out: list[dict] = []
    for source, listed in _sources(body):
        found = _source(source)
        if listed and out and found and found[0]["guideline"] is None and out[-1].get("guideline"):
            # "ODG Low back, Manipulation; Neck and Upper back, Manipulation": a
            # list of chapters of the source named first.
            found[0]["guideline"] = out[-1]["guideline"]
        out += found
    return out


def _sources(body: str) -> list[tuple[str, bool]]:
    """Split a non-MTUS statement into its sources: at "; ", before "Other Medical
    Treatment Guidelines", and before a new ODG mention. Each comes with whether
    it follows a "; " (an item of a list that continues the source before it)."""
    pieces: list[tuple[str, bool]] = []
    for n, part in enumerate(_list_items(body)):
        listed = n > 0
        pos = 0
        for m in _OTHER.finditer(part):
            cut = part[:m.start()].rstrip()
            head = re.sub(r"(?:,|\band)$", "", part[pos:len(cut)].rstrip()).strip()
            if head:
                pieces.append((head, listed))
                listed = False
            pos = m.start()
        tail = part[pos:]
        # "Neck and Upper Back, Physical Therapy, ODG Preface - Physical Therapy"
        starts = [m.start() for m in re.finditer(r", (?=(?:odg|official disability guidelines?)\b)", tail,
                                                 re.IGNORECASE)]
        prev = 0
        for s in starts:
            pieces.append((tail[prev:s], listed))
            listed = False
            prev = s + 2
        pieces.append((tail[prev:], listed))
    return [(p.strip(" ,."), listed) for p, listed in pieces if p.strip(" ,.")]


def _list_items(text: str) -> list[str]:
    """Split at "; " outside parentheses where a source or a chapter follows
    ("Low back, Manipulation; Neck and Upper back, Manipulation"); any other
    ";" belongs to the text ("Electrodiagnostic Studies (EDS); Nerve
    Conduction Studies (NCS)", a bibliographic reference)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            nxt = text[i + 1:].lstrip()
            if _ODG.match(nxt) or _ODG_CHAPTER.match(nxt) or _OTHER.match(nxt) or _ACOEM.match(nxt):
                parts.append(text[start:i])
                start = i + 1
    parts.append(text[start:])
    return parts


def _source(text: str) -> list[dict]:
    other = _OTHER.match(text)
    if other:
        url = _URL.search(text)
        return [{"tier": "non_mtus", "guideline": other.group(0),
                 "url": url.group(0).rstrip(".,;") if url else None}]
    odg = _ODG.match(text)
    if odg:
        rest = text[odg.end():]
        while True:      # the template may repeat the name: "Official Disability Guidelines (ODG) Official ..."
            again = _ODG.match(rest.lstrip(" ,"))
            if not again:
                break
            rest = rest.lstrip(" ,")[again.end():]
        return _odg(rest, odg.group(0))
    if _ODG_CHAPTER.match(text):
        return _odg(text, None)            # "Low Back (Hyperstimulation analgesia)": no guideline named
    acoem = _ACOEM.match(text)
    if acoem:
        return [_generic(text[acoem.end():], acoem.group(0))]
    edition = _EDITION.search(text)
    if edition and edition.start() > 0:
        return _with_edition(text, edition)
    return [{"tier": "non_mtus", "guideline": text}]


def _generic(rest: str, guideline: str) -> dict:
    """"<guideline>[:,] [<edition>,] <chapter>, <section>"."""
    rest = rest.lstrip(" :,")
    edition = None
    m = _EDITION.match(rest)
    if m:
        edition, rest = m.group("ed"), rest[m.end():].lstrip(" ,")
    chapter, _, section = rest.partition(", ")
    return {"tier": "non_mtus", "guideline": guideline, "edition": edition,
            "chapter": chapter or None, "section": section or None}


def _with_edition(text: str, edition: re.Match) -> list[dict]:
    """"Green's Operative Hand Surgery, 6th ed Chapter 17: ..., Chapter 30: ...": one citation per chapter."""
    guideline = text[:edition.start()].strip(" ,")
    rest = text[edition.end():].strip(" ,")
    chapters = [c.strip(" ,") for c in re.split(r",? (?=chapter \d)", rest, flags=re.IGNORECASE) if c.strip(" ,")]
    if len(chapters) > 1 or (chapters and re.match(r"chapter \d", chapters[0], re.IGNORECASE)):
        return [{"tier": "non_mtus", "guideline": guideline, "edition": edition.group("ed"), "chapter": c}
                for c in chapters]
    return [_generic(rest, guideline) | {"edition": edition.group("ed")}]


def _odg(rest: str, guideline: str | None) -> list[dict]:
    """ODG chapters and sections: "Low Back, MRI", "Knee/DME, Low Back .../Mattress selection",
    "Low Back (Trigger point impedance imaging)", "Physical therapy/Preface", "MRI shoulder"."""
    rest = rest.lstrip(" ,:-")
    if not rest:
        return [{"tier": "non_mtus", "guideline": guideline}]
    out = []
    while rest:
        edition = None
        lead = _LEAD.match(rest)          # "2016 Shoulder Chapter: ...", "Chapter: Low Back ..."
        if lead and _ODG_CHAPTER.match(rest, lead.end()):
            edition = lead.group("year")
            rest = rest[lead.end():]
        m = _ODG_CHAPTER.match(rest)
        if not m:
            out.append(_odg_unnamed(rest, guideline) | ({"edition": edition} if edition else {}))
            break
        chapter = m.group(0)
        after = rest[m.end():]
        note = _NOTE.match(after)         # "(updated 11/23/16)", "(online version)", "12/20/2016"
        if note:
            edition = note.group("note")
            after = after[note.end():]
        section, rest = _odg_section(after)
        out.append({"tier": "non_mtus", "guideline": guideline, "edition": edition,
                    "chapter": chapter, "section": section})
    return out


_LEAD = re.compile(r"(?:(?P<year>" + _YEAR + r"),? )?(?:chapter:? )?", re.IGNORECASE)
_NOTE = re.compile(r" ?\(?(?P<note>updated \d{1,2}/\d{1,2}/\d{2,4}|online version|\d{1,2}/\d{1,2}/\d{4})\)?(?= |,|:|$)",
                   re.IGNORECASE)


def _odg_section(after: str) -> tuple[str | None, str]:
    """The section after a chapter's name, and what follows it (another chapter of the same source)."""
    stripped = after.lstrip()
    if not stripped:
        return None, ""
    if stripped.startswith("("):          # "Low Back (Trigger point impedance imaging)"
        depth = 0
        for i, ch in enumerate(stripped):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0:
                return stripped[1:i], stripped[i + 1:].lstrip(" ,.")
        return stripped[1:], ""
    body = re.sub(r"^(?:,|/|:|-)\s?", "", stripped)
    body = re.sub(r"^chapter:? ", "", body, flags=re.IGNORECASE)      # "Knee & Leg (updated ...) Chapter: SNF care"
    # Another chapter of the same source: ", <chapter>/..." or ", <chapter>, ..."
    for m in re.finditer(r", ", body):
        nxt = _ODG_CHAPTER.match(body, m.end())
        if nxt and re.match(r"\s?(?:/|,| -|\()", body[nxt.end():]) and _is_new_chapter(body[:m.start()]):
            return body[:m.start()] or None, body[m.end():]
    return body or None, ""


def _is_new_chapter(section_so_far: str) -> bool:
    # A chapter's section is a short name; splitting inside "MRI (magnetic
    # resonance imaging), CT (computed tomography)" would be wrong, so a new
    # chapter follows only a section already complete without a comma.
    return "," not in section_so_far


def _odg_unnamed(text: str, guideline: str | None) -> dict:
    """No chapter name at the start: "Physical therapy/Preface", "MRI shoulder", "Chapter, Section"."""
    for sep in ("/", ", "):       # the section first: "Physical therapy/Preface", "physical therapy, elbow chapter"
        head, found, tail = text.rpartition(sep)
        if found and _ODG_CHAPTER.fullmatch(tail.strip()):
            return {"tier": "non_mtus", "guideline": guideline, "chapter": tail.strip(), "section": head}
    return {"tier": "non_mtus", "guideline": guideline, "chapter": None, "section": text}


# --- comparing chapters ------------------------------------------------------

# What a chapter is about, from the words that name it in either tier. The
# first pattern that matches the start of the cleaned name wins.
_TOPICS = (
    ("low back", r"low back|lumbar"), ("neck", r"neck|cervical"), ("shoulder", r"shoulder"),
    ("elbow", r"elbow"), ("hand", r"forearm|wrist|hand"), ("hip", r"hips?\b"), ("knee", r"knee"),
    ("ankle", r"ankle|foot"), ("head", r"head"), ("acupuncture", r"acupuncture"), ("opioids", r"opioid"),
    ("postsurgical", r"post-?surgical"), ("general", r"general approach"), ("chronic pain", r"chronic pain"),
    ("pain", r"pain"), ("mental", r"mental|stress"), ("carpal tunnel", r"carpal tunnel"),
    ("fitness for duty", r"fitness for duty"),
)
_TOPIC_RES = tuple((key, re.compile(pattern)) for key, pattern in _TOPICS)
_NOISE = re.compile(r"\((?:acute|chronic)[^()]*\)|\b(?:mtus|acoem|chapter \d+|chapter|section|the)\b|[^a-z0-9& -]")


def chapter_key(name: str | None) -> str | None:
    """The chapter a name stands for: ``Low Back - Lumbar & Thoracic (Acute & Chronic)``,
    ``Low Back Problems`` and ``MTUS Low Back Complaints`` all give ``low back``."""
    if not name:
        return None
    low = _NOISE.sub(" ", name.casefold())
    low = " ".join(low.split())
    for key, pattern in _TOPIC_RES:
        if pattern.match(low):
            return key
    return low or None


def citation_chapter(citation: dict) -> str | None:
    """The chapter key of a letter's citation (an MTUS chapter is named by its guideline)."""
    return chapter_key(citation.get("chapter") or (citation.get("guideline") if citation.get("tier") == "mtus"
                                                   else None))
