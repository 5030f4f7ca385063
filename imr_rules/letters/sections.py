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
_MADE = re.compile(r"how the imr final determination was made$", re.IGNORECASE)
# Greedy name: the heading ends at the last colon that is followed by the decision.
_ITEM_HEADING = re.compile(r"(?P<name>.{1,1500}):\s?(?P<decision>upheld|overturned)\.?", re.IGNORECASE)
# A leading count: "1 LUMBAR REHABILITATION KIT", "Twelve physical therapy
# sessions", "one month supply of ...". The name keeps it (it is how the
# request reads); the quantity is the number.
_NUMBER_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
_LEADING_COUNT = re.compile(r"(?P<n>\d{1,4}|[A-Za-z]+)(?= )")
# Partial authorizations. The disputed item is the IMR-eligible portion:
#   "X was the original request. Y was authorized by the Claims Administrator.
#    The remaining IMR eligible portion of the original request, Z is"
#   "X was the original request. The Claims Administrator authorized Y,
#    leaving the original request IMR eligible. The original request, X is"
_ORIGINAL = re.compile(r"(?P<original>.{1,400}?) was the original request\.? ?", re.IGNORECASE)
_AUTHORIZED = re.compile(
    r"(?:(?P<auth>.{1,400}?) was authorized by the claims administrator"
    r"|the claims administrator authorized (?P<auth2>.{1,400}?),? leaving the original request imr eligible)\.? ?",
    re.IGNORECASE)
_ELIGIBLE = re.compile(r"(?:the )?(?:remaining imr eligible portion of the original request|original request)"
                       r"(?: is for)?,? (?P<name>.{1,400}?)(?: is)?$", re.IGNORECASE)
_CAPS_ONLY = re.compile(r"[^a-z]*[A-Z]{2}[^a-z]*")


@dataclass(frozen=True)
class ItemBlock:
    """One disputed item as the letter states it."""

    name: str                          # the disputed item (for a partial authorization, the IMR-eligible portion)
    quantity: int | None
    decision: str                      # "upheld" | "overturned"
    original_request: str | None       # partial authorizations: the request as made
    authorized: str | None             # partial authorizations: what the claims administrator authorized
    claims_administrator: str | None   # text after "Claims Administrator guideline:"
    imr_guideline: str | None          # text after "MAXIMUS guideline:"
    rationale: tuple[int, int] | None  # span of the rationale text in the normalized letter


@dataclass(frozen=True)
class Letter:
    text: str                            # the normalized letter
    summary: tuple[int, int] | None      # span of the clinical case summary
    credentials: tuple[int, int] | None  # span of "how the IMR final determination was made"
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
    return Letter(text, summary, _credentials_span(text, paragraphs[:issues]), tuple(items))


def _credentials_span(text: str, before: list[tuple[int, int]]) -> tuple[int, int] | None:
    """From "HOW THE IMR FINAL DETERMINATION WAS MADE" to the case summary."""
    start = next((i for i, (s, e) in enumerate(before) if _MADE.match(text, s, e)), None)
    if start is None:
        return None
    end = next((i for i, (s, e) in enumerate(before) if i > start and _SUMMARY.match(text, s, e)), len(before))
    body = before[start + 1:end]
    return (body[0][0], body[-1][1]) if body else None


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
    item = {"decision": heading.group("decision").lower()}
    partial = _partial(name)
    if partial:
        item.update(partial)
        name = partial["name"]
    item["name"] = name or heading.group("name").strip()
    item["quantity"] = leading_count(item["name"])
    return item


def _partial(heading: str) -> dict | None:
    """``{name, original_request, authorized}`` of a partial authorization's heading, else None."""
    m = _ORIGINAL.match(heading)
    if not m:
        return None
    rest = heading[m.end():]
    auth = _AUTHORIZED.match(rest)
    if not auth:
        return None
    eligible = _ELIGIBLE.fullmatch(rest[auth.end():])
    if not eligible:
        return None
    return {"name": eligible.group("name").strip(" ,"), "original_request": m.group("original").strip(),
            "authorized": (auth.group("auth") or auth.group("auth2")).strip(" ,")}


def leading_count(name: str) -> int | None:
    """The count a name starts with ("12 sessions ...", "Twelve ...", "one month ..."), else None."""
    m = _LEADING_COUNT.match(name)
    if not m:
        return None
    word = m.group("n")
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word.lower())


def _block(text: str, it: dict) -> ItemBlock:
    def field_text(key):
        span = it.get(key)
        if not span or span[1] <= span[0]:
            return None
        return text[span[0]:span[1]].replace("\n", " ")

    rationale = it.get("rationale")
    return ItemBlock(
        name=it["name"], quantity=it["quantity"], decision=it["decision"],
        original_request=it.get("original_request"), authorized=it.get("authorized"),
        claims_administrator=field_text("claims_administrator"),
        imr_guideline=field_text("imr_guideline"),
        rationale=tuple(rationale) if rationale and rationale[1] > rationale[0] else None)
