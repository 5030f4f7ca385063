"""Undo the PDF-extraction layout of a letter: one paragraph per line, plain ASCII punctuation.

Every later step (sections, findings, evidence offsets) reads the output of
:func:`normalize`, so an evidence quote is always ``normalize(text)[start:end]``.

What the letters look like after ``pdftotext`` and what is done about it:

* a blank line after every printed line, stray trailing spaces, CRLF, page
  breaks as runs of blank lines: blank lines carry no meaning (page breaks
  and paragraph breaks look alike), so they are dropped and paragraphs are
  rebuilt from the letter's structure instead (section headings, the item
  headings ``NAME:  Upheld`` and the field labels ``Decision rationale:``);
* running page headers ("Page 2 of 3   Case Number: CM14-0061234"): dropped;
* words hyphenated across lines ("reha-" / "bilitation"): joined, keeping the
  hyphen of real compounds ("self-" / "directed");
* sentences glued across lines ("monitored.In this case"): a space is put back;
* curly quotes, dashes, non-breaking spaces, ligatures: plain ASCII equivalents.
"""

from __future__ import annotations

import re
import unicodedata

# Applied after NFKC (which already turns NBSP into a space, ligatures into
# letters and the ellipsis into "...").
_CHARS = {ord(c): "'" for c in "\u2018\u2019\u201a\u201b\u2032\u00b4\u0060"}
_CHARS.update({ord(c): '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"})
_CHARS.update({ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"})
_CHARS.update({ord(c): "\n" for c in "\r\x0b\x0c\x85\u2028\u2029"})
_CHARS.update({ord(c): "" for c in "\u200b\u200c\u200d\u2060\ufeff"})
_CHARS.update({c: " " for c in range(0x20) if chr(c) not in "\n\r\x0b\x0c"})
_CHARS.update({c: " " for c in range(0x7f, 0xa0) if c != 0x85})

# A soft hyphen marks a hyphenation point: at a line end it joins the word.
_SOFT_HYPHEN_BREAK = re.compile("\u00ad[ \t]*(?:\r?\n[ \t]*)+")

# "Page 2 of 3   Case Number: CM14-0061234", "Page 3", "... IMR Case Number CM13-0001234".
_HEADER = re.compile(
    r"page \d{1,4} of \d{1,4}\b.{0,120}"
    r"|page \d{1,4}"
    r"|(?:.{0,60} )?(?:imr )?case (?:number|no\.?|#) ?:? ?[a-z]{2}\d{2}-\d{3,10}\b.{0,60}",
    re.IGNORECASE)

LABEL = re.compile(r"(?:claims administrator guideline|maximus guideline|decision rationale)\s?:",
                   re.IGNORECASE)
DECISION_ONLY = re.compile(r"(?:upheld|overturned)\.?", re.IGNORECASE)
# An item heading: "1 LUMBAR REHABILITATION KIT:  Upheld" (the decision may be
# on the next printed line, which normalize() moves up to this one).
HEADING_END = re.compile(r":\s?(?:upheld|overturned)\.?$", re.IGNORECASE)
SECTION_HEADING = re.compile(
    r"(?:how the imr final determination was made|clinical case summary"
    r"|imr issues\b.{0,60}|citations?\b.{0,40})$", re.IGNORECASE)
_LOWER = re.compile(r"[a-z]")
_CAPS_WORDS = re.compile(r"[A-Z]{2,}(?:\W+[A-Z]{2,})+")

# "supervision.In this case", "03/06/2013.The patient": a sentence end glued
# to the next sentence. Two characters before the stop keep "U.S.A" and "e.g."
# intact.
_GLUED = re.compile(r"[.!?](?=[A-Z][a-z])")
_GLUE_BEFORE = re.compile(r"[A-Za-z0-9)\]]{2}")

# Prefixes whose line-end hyphen is part of the word ("self-directed").
_KEEP_HYPHEN = frozenset(
    "self non well long short full part follow on off co multi semi anti pre post "
    "re low high left right upper lower mid weight body".split())
_LAST_WORD = re.compile(r"([A-Za-z]+)-$")
_FIRST_WORD = re.compile(r"[a-z]+")
_ENDS_SENTENCE = re.compile(r"[.!?:;][\"')\]]?$")


def normalize(text: str) -> str:
    """The letter as paragraphs (one per line) with plain punctuation; see the module doc.

    Linear in the size of the letter: each printed line is looked at a bounded
    number of times, and each paragraph is joined once.
    """
    if not text:
        return ""
    if "\u00ad" in text:
        text = _SOFT_HYPHEN_BREAK.sub("", text).replace("\u00ad", "")
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n")).translate(_CHARS)
    lines = []
    for raw in text.split("\n"):
        if not raw or raw.isspace():
            continue
        line = " ".join(raw.split())
        if len(line) < 200 and _maybe_header(line) and _HEADER.fullmatch(line):
            continue
        lines.append(line)
    if not lines:
        return ""
    starts = _block_starts(lines)
    words = _Words(text)
    paragraphs = []
    current = [lines[0]]
    for line, start in zip(lines[1:], starts[1:]):
        if start:
            paragraphs.append("".join(current))
            current = [line]
        else:
            _append(current, line, words)
    paragraphs.append("".join(current))
    out = "\n".join(paragraphs)
    return _GLUED.sub(_unglue, out) if _GLUED.search(out) else out


def _unglue(m: re.Match) -> str:
    s = m.start()
    return m.group() + " " if s >= 2 and _GLUE_BEFORE.fullmatch(m.string, s - 2, s) else m.group()


def _maybe_header(line: str) -> bool:
    low = line.lower()
    return low.startswith("page ") or "case n" in low or "case #" in low


# How far back an item heading may reach: the longest partial-authorization
# heading seen ("X was the original request. Y was authorized by the Claims
# Administrator. The remaining IMR eligible portion of the original request,
# Z is: Upheld") is five printed lines.
MAX_HEADING_LINES = 8
_PARTIAL_TAIL = re.compile(r"\b(?:remaining imr eligible portion|the original request,|was authorized by|"
                           r"authorized .{0,200}leaving the original request)", re.IGNORECASE)
_ORIGINAL_REQUEST = re.compile(r"\bwas the original request\b", re.IGNORECASE)


def _block_starts(lines: list[str]) -> list[bool]:
    """Which printed lines begin a paragraph (a heading, an item heading or a label)."""
    n = len(lines)
    starts = [True] + [False] * (n - 1)
    after_heading = False
    for i, line in enumerate(lines):
        if after_heading:
            starts[i] = True
            after_heading = False
        if LABEL.match(line):
            starts[i] = True
        elif line[-1] in "dD." and HEADING_END.search(line):
            _start_heading(lines, starts, i)
            after_heading = True
        elif i + 1 < n and line[-1] == ":" and DECISION_ONLY.fullmatch(lines[i + 1]):
            # The decision on the next line ("LUMBAR REHABILITATION KIT:" / "Upheld")
            # is joined to the heading, which begins a paragraph.
            _start_heading(lines, starts, i)
        elif SECTION_HEADING.match(line) or (not _LOWER.search(line) and _CAPS_WORDS.search(line)
                                             and not line.endswith(":")
                                             and (i == 0 or _ends_paragraph(lines[i - 1]))):
            # A line in capitals is a heading only where a paragraph can end
            # ("Official Disability Guidelines" / "(ODG) PRP." continues one).
            starts[i] = True
            after_heading = True
    for i in range(1, n):
        if len(lines[i]) <= 11 and DECISION_ONLY.fullmatch(lines[i]) and lines[i - 1].endswith(":"):
            starts[i] = False
            if i + 1 < n:
                starts[i + 1] = True
    return starts


def _start_heading(lines: list[str], starts: list[bool], i: int) -> None:
    """Mark where the item heading ending on line ``i`` begins.

    A heading begins after the line that ends the previous paragraph (a
    sentence end, a label, a section heading). A partial authorization's
    heading holds whole sentences ("X was the original request. Y was
    authorized ..."), so when the heading's text so far is the tail of one,
    it reaches back to the line that names the original request.
    """
    first = i
    while first > 0 and i - first < MAX_HEADING_LINES and not _ends_paragraph(lines[first - 1]) \
            and not starts[first - 1]:
        first -= 1
    if first > 0 and not starts[first - 1] and _PARTIAL_TAIL.search(" ".join(lines[first:i + 1])) \
            and not _ORIGINAL_REQUEST.search(" ".join(lines[first:i + 1])):
        back = first - 1
        while back >= 0 and first - back <= MAX_HEADING_LINES and not starts[back]:
            if _ORIGINAL_REQUEST.search(lines[back]) or (back + 1 < first and _ORIGINAL_REQUEST.search(
                    lines[back] + " " + lines[back + 1])):
                first = back
                while first > 0 and i - first < 2 * MAX_HEADING_LINES and not _ends_paragraph(lines[first - 1]) \
                        and not starts[first - 1]:
                    first -= 1
                break
            back -= 1
    starts[first] = True
    for k in range(first + 1, i + 1):
        starts[k] = False


def _ends_paragraph(line: str) -> bool:
    return bool(_ENDS_SENTENCE.search(line) or LABEL.match(line) or SECTION_HEADING.match(line))


class _Words:
    """The words of one letter, to decide how a hyphenated line end joins.

    Built once per letter: a set lookup per line end. (Searching the whole
    text for each hyphenated line end made reading quadratic.)"""

    _WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")

    def __init__(self, text: str):
        self._text = text
        self._sets: tuple[set[str], set[str]] | None = None

    def _build(self) -> tuple[set[str], set[str]]:
        # Only letters with a hyphenated line end need it: built on first use.
        if self._sets is None:
            plain: set[str] = set()
            hyphenated: set[str] = set()
            for w in self._WORD.findall(self._text.lower()):
                (hyphenated if "-" in w else plain).add(w)
            self._sets = (plain, hyphenated)
        return self._sets

    @property
    def plain(self) -> set[str]:
        return self._build()[0]

    @property
    def hyphenated(self) -> set[str]:
        return self._build()[1]


def _append(parts: list[str], nxt: str, words: _Words) -> None:
    """Append the printed line ``nxt`` to a paragraph, undoing end-of-line hyphenation."""
    prev = parts[-1]
    if prev.endswith("-") and len(prev) >= 2 and prev[-2].isdigit() and nxt[:1].isdigit():
        parts.append(nxt)                          # "46-" "47"
    elif prev.endswith("-") and len(prev) >= 2 and prev[-2].isalpha():
        keep = not nxt[:1].islower()               # "Non-" "MTUS"
        if not keep:
            frag = _LAST_WORD.search(prev)
            cont = _FIRST_WORD.match(nxt)
            if frag and cont:
                frag_s, cont_s = frag.group(1).lower(), cont.group(0)
                if frag_s + cont_s in words.plain:     # the word appears unbroken elsewhere
                    keep = False
                elif f"{frag_s}-{cont_s}" in words.hyphenated or frag_s in _KEEP_HYPHEN:
                    keep = True
        if not keep:
            parts[-1] = prev[:-1]
        parts.append(nxt)
    elif prev.endswith("/"):
        parts.append(nxt)
    else:
        parts.append(" ")
        parts.append(nxt)
