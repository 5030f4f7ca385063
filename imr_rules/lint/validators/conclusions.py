"""Conclusion-blindness: no fact may be read from the reviewer's verdict.

The fact pattern file blanks verdicts out of a rationale (``conclusions``)
before any fact is read. These checks keep it so when patterns change:

* a fact whose patterns give a value on a verdict ("the request is not
  medically necessary" read as "not ... documented") would rest on the
  conclusion if the verdict were not blanked;
* a verdict wording (imr_rules.letters.conclusions.CONCLUSIONS) that the
  ``conclusions`` patterns leave readable.
"""

from __future__ import annotations

import re

from ...model import RuleBase, Where
from ..findings import Finding, Validator

# What is left of a verdict once it is blanked must not say it.
_VERDICT_WORDS = re.compile(r"necess|certif|support|warrant|upheld|overturned", re.IGNORECASE)


class PatternReadsConclusion(Validator):
    id = "pattern-reads-conclusion"
    severity = "high"
    description = ("A fact pattern that gives a value on a reviewer's verdict ('... is not medically necessary', "
                   "'Upheld'): a fact must rest on the record's findings, never on the conclusion.")

    def finalize(self, rb: RuleBase) -> list[Finding]:
        fp = self.options.fact_patterns
        if fp is None:
            return []
        from ...letters.conclusions import CONCLUSIONS
        from ...letters.findings import count, polarity
        from ...letters.patterns import ascii_lower
        out = []
        for fact in fp.facts:
            for phrase in CONCLUSIONS:
                low = ascii_lower(phrase)
                value = count(phrase, fact, low) if fact.is_number else polarity(phrase, fact, fp.negation, low)
                if value is not None:
                    out.append(self.finding(f"fact {fact.fact} reads a conclusion: {phrase!r} gives {value!r}",
                                            Where(fp.file, fact.line)))
        return out


class ConclusionNotMasked(Validator):
    id = "conclusion-not-masked"
    severity = "high"
    description = ("A verdict wording that the fact pattern file's `conclusions` patterns do not blank out, so a "
                   "fact pattern could read it.")

    def finalize(self, rb: RuleBase) -> list[Finding]:
        fp = self.options.fact_patterns
        if fp is None:
            return []
        from ...letters.conclusions import CONCLUSIONS
        from ...letters.findings import mask_conclusions
        out = []
        for phrase in CONCLUSIONS:
            left = mask_conclusions(phrase, (0, len(phrase)), fp)
            if _VERDICT_WORDS.search(left):
                out.append(self.finding(f"the conclusions patterns leave this verdict readable: {phrase!r} "
                                        f"(left: {' '.join(left.split())!r})", Where(fp.file, None)))
        return out
