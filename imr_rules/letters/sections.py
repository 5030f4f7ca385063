"""Cut a normalized letter into its parts: the case summary and one block per disputed item.

Input is the output of :func:`normalize` (one paragraph per line). Positions
are kept as offsets into that text so that findings can quote it exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import LetterError
from .normalize import LABEL, SECTION_HEADING

_ISSUES = re.compile(r"imr issues\b", re.IGNORECASE)
_SUMMARY = re.compile(r"clinical case summary$", re.IGNORECASE)
# Greedy name: the heading ends at the last colon that is followed by the decision.
_ITEM_HEADING = re.compile(r"(?P<name>.{1,400}):\s?(?P<decision>upheld|overturned)\.?", re.IGNORECASE)
# "1 LUMBAR REHABILITATION KIT": a leading count. "8 sessions of aquatic
# therapy" keeps its words (the count belongs to the unit) but still gives a quantity.
_QUANTITY = re.compile(r"(?P<n>\d{1,4})\s(?P<rest>.+)")
_UNIT_WORDS = re.compile(
    r"(?:sessions?|visits?|treatments?|units?|months?|weeks?|days?|hours?|times?|pairs?|sets?)\b",
    re.IGNORECASE)
_CAPS_ONLY = re.compile(r"[^a-z]*[A-Z]{2}[^a-z]*")


@dataclass(frozen=True)
class ItemBlock:
    """One disputed item as the letter states it."""

    name: str
    quantity: int | None
    decision: str                      # "upheld" | "overturned"
    claims_administrator: str | None   # text after "Claims Administrator guideline:"
    imr_guideline: str | None          # text after "MAXIMUS guideline:"
    rationale: tuple[int, int] | None  # span of the rationale text in the normalized letter


@dataclass(frozen=True)
class Letter:
    text: str                            # the normalized letter
    summary: tuple[int, int] | None      # span of the clinical case summary
    items: tuple[ItemBlock, ...]


_NOT_A_LETTER_HINT = ("give the text of an IMR Final Determination Letter: it has an "
                      "'IMR ISSUES, DECISIONS AND RATIONALES' section with one "
                      "'ITEM NAME: Upheld|Overturned' heading per disputed item")


def split_letter(text: str, file: str | None) -> Letter:
    """Find the summary and the item blocks of a normalized letter, or raise :class:`LetterError`."""
    paragraphs = []          # (start, end) of each line of ``text``
    pos = 0
    for para in text.split("\n"):
        paragraphs.append((pos, pos + len(para)))
        pos += len(para) + 1

    issues = next((i for i, (s, e) in enumerate(paragraphs) if _ISSUES.match(text, s, e)), None)
    if issues is None:
        raise LetterError("not an IMR determination letter: no 'IMR ISSUES, DECISIONS AND "
                          "RATIONALES' section", file, hint=_NOT_A_LETTER_HINT)
    summary = _summary_span(text, paragraphs[:issues])
    items = _items(text, paragraphs[issues + 1:])
    if not items:
        raise LetterError("not an IMR determination letter: no disputed item with an "
                          "Upheld/Overturned decision", file, hint=_NOT_A_LETTER_HINT)
    return Letter(text, summary, tuple(items))


def _summary_span(text: str, before: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The clinical case summary, or (without that heading) everything before the issues."""
    start = next((i for i, (s, e) in enumerate(before) if _SUMMARY.match(text, s, e)), None)
    body = before[start + 1:] if start is not None else before
    if not body:
        return None
    return body[0][0], body[-1][1]


def _items(text: str, paragraphs: list[tuple[int, int]]) -> list[ItemBlock]:
    items: list[dict] = []
    field = None            # the field that continuation paragraphs extend
    for s, e in paragraphs:
        heading = _ITEM_HEADING.fullmatch(text, s, e)
        if heading and not LABEL.match(text, s, e):
            items.append(_new_item(heading))
            field = None
            continue
        if not items:
            continue        # "The Final Determination was based on decisions for ..."
        label = LABEL.match(text, s, e)
        if label:
            field = _field_name(label.group(0))
            start = label.end()
            while start < e and text[start] == " ":
                start += 1
            items[-1][field] = [start, e]
        elif SECTION_HEADING.match(text, s, e) or _CAPS_ONLY.fullmatch(text, s, e):
            field = None    # a later section (citations, footer): not part of the item
        elif field is not None:
            items[-1][field][1] = e
    return [_block(text, it) for it in items]


def _field_name(label: str) -> str:
    label = label.lower()
    if label.startswith("claims"):
        return "claims_administrator"
    if label.startswith("maximus"):
        return "imr_guideline"
    return "rationale"


def _new_item(heading: re.Match) -> dict:
    name = heading.group("name").strip(" -*.")
    quantity = None
    m = _QUANTITY.fullmatch(name)
    if m:
        quantity = int(m.group("n"))
        if not _UNIT_WORDS.match(m.group("rest")):
            name = m.group("rest").strip()
    return {"name": name or heading.group("name").strip(), "quantity": quantity,
            "decision": heading.group("decision").lower()}


def _block(text: str, it: dict) -> ItemBlock:
    def field_text(key):
        span = it.get(key)
        if not span or span[1] <= span[0]:
            return None
        return text[span[0]:span[1]].replace("\n", " ")

    rationale = it.get("rationale")
    return ItemBlock(
        name=it["name"], quantity=it["quantity"], decision=it["decision"],
        claims_administrator=field_text("claims_administrator"),
        imr_guideline=field_text("imr_guideline"),
        rationale=tuple(rationale) if rationale and rationale[1] > rationale[0] else None)
