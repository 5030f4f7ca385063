"""The reviewer's conclusion, in the words letters use for it.

A draft must rest on the findings of the record, never on the expert
reviewer's verdict: otherwise agreement with the reviewer is circular. The
fact pattern file's ``conclusions`` blank the verdict out of a rationale
before anything is read (:func:`imr_rules.letters.findings.mask_conclusions`).
This module holds what checks that:

* :data:`CONCLUSIONS`: how verdicts are worded, both ways; ``imr-rules lint``
  reports a fact pattern that would read a value from one of them, and one
  the ``conclusions`` patterns leave unmasked;
* :func:`flip`: every verdict of a letter turned into its opposite; the tests
  import each historical letter both ways and require the same drafts.
"""

from __future__ import annotations

import re

#: Verdicts as letters word them, each with its opposite. A subject is put in
#: front where letters have one ("the request for ... is ...").
CONCLUSIONS = (
    "Therefore, the request is not medically necessary.",
    "Therefore, the request is medically necessary.",
    "the request for physical therapy is not medically necessary and appropriate.",
    "the request for physical therapy is medically necessary and appropriate.",
    "No, the request was not medically necessary, medically appropriate, or indicated here.",
    "Yes, the request was medically necessary, medically appropriate, or indicated here.",
    "The request is determined to be not medically necessary.",
    "The request is considered medically necessary at this time.",
    "This request is not considered medically necessary.",
    "Medical necessity has not been established.",
    "Medical necessity has been established.",
    "the medical necessity of this request is not established.",
    "The request is not supported.",
    "The request is supported.",
    "As such, the request is not certified.",
    "As such, the request is certified.",
    "The request is non-certified.",
    "The request is not warranted.",
    "The request is warranted.",
    "The decision is upheld.",
    "The decision is overturned.",
    "MRI of the lumbar spine: Upheld",
    "MRI of the lumbar spine: Overturned",
)

# One pass, so that nothing is flipped twice.
_FLIP = re.compile(
    r"\b(?P<neg_verb>(?:is|are|was|were|be|been)(?: (?:considered|deemed|determined|found|seen))?(?: to be)?)"
    r" not (?P<neg_what>medically necessary|medically appropriate|supported|certified|warranted)\b"
    r"|\b(?P<verb>(?:is|are|was|were|be|been)(?: (?:considered|deemed|determined|found|seen))?(?: to be)?)"
    r" (?P<what>medically necessary|medically appropriate|supported|certified|warranted)\b"
    r"|\bnecessity (?P<has>has|have|is|was) not (?P<been>been )?(?P<est>established|demonstrated|supported)\b"
    r"|\bnecessity (?P<has2>has|have|is|was) (?P<been2>been )?(?P<est2>established|demonstrated|supported)\b"
    r"|\b(?P<upheld>Upheld|upheld|UPHELD)\b|\b(?P<overturned>Overturned|overturned|OVERTURNED)\b")
_OPPOSITE_WORD = {"Upheld": "Overturned", "upheld": "overturned", "UPHELD": "OVERTURNED",
                  "Overturned": "Upheld", "overturned": "upheld", "OVERTURNED": "UPHELD"}


def _flip_one(m: re.Match) -> str:
    g = m.groupdict()
    if g["neg_verb"]:
        return f"{g['neg_verb']} {g['neg_what']}"
    if g["verb"]:
        return f"{g['verb']} not {g['what']}"
    if g["has"]:
        return f"necessity {g['has']} {g['been'] or ''}{g['est']}"
    if g["has2"]:
        return f"necessity {g['has2']} not {g['been2'] or ''}{g['est2']}"
    word = g["upheld"] or g["overturned"]
    return _OPPOSITE_WORD[word]


def flip(text: str) -> str:
    """``text`` with every stated verdict turned into its opposite."""
    return _FLIP.sub(_flip_one, text)
