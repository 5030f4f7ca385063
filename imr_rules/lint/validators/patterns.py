"""Regular expressions: unsafe shapes, and fact patterns that match no historical letter.

Checked: the item catalog's category and body-region patterns (the items
loader compiles them but does not check their shape) and the fact patterns of
``rules/fact_patterns.yaml`` (loaded by :func:`imr_rules.letters.load_fact_patterns`,
which refuses unsafe ones outright, so lint exits 2 for those). "Unsafe" is
the letter importer's definition (:func:`imr_rules.letters.patterns.unsafe_reason`):
unbounded ``.*``, unbounded repeats of groups such as ``(a+)+``, back-references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...model import RuleBase, Where
from ..findings import Finding, Validator


@dataclass(frozen=True)
class SourcePattern:
    """A regular expression as written, compiled, where it is, and what it is for."""

    source: str
    regex: re.Pattern
    where: Where
    owner: str          # "category gym_membership", "fact goals_documented topic", ...


def catalog_patterns(rb: RuleBase) -> list[SourcePattern]:
    out = []
    for kind, entries in (("category", rb.items.categories), ("body region", rb.items.body_regions)):
        for entry in entries:
            out.extend(SourcePattern(p.regex.pattern, p.regex, p.where, f"{kind} {entry.id}")
                       for p in entry.patterns)
    return out


def fact_patterns(fp) -> list[SourcePattern]:
    """Every pattern of a loaded fact pattern file (``FactPatterns``, or None for none)."""
    if fp is None:
        return []
    lists = [(f"fact {f.fact} {part}", getattr(f, part)) for f in fp.facts for part in ("topic", "affirm", "deny")]
    lists += [(name, getattr(fp, name)) for name in ("findings_start", "skip_clauses", "clause_breaks", "negation")]
    return [SourcePattern(p.source, p.regex, Where(fp.file, p.line), owner)
            for owner, plist in lists for p in plist.patterns]


class UnsafeRegex(Validator):
    id = "unsafe-regex"
    severity = "high"
    description = ("A category or body-region pattern that can backtrack catastrophically (nested unbounded "
                   "quantifiers like (a+)+, unbounded .*, back-references).")

    def finalize(self, rb: RuleBase) -> list[Finding]:
        from ...letters.patterns import unsafe_reason
        out = []
        for p in catalog_patterns(rb) + fact_patterns(self.options.fact_patterns):
            problem = unsafe_reason(p.source)
            if problem:
                out.append(self.finding(f"pattern '{p.source}' of {p.owner} is unsafe: {problem}", p.where))
        return out


class PatternMatchesNoLetter(Validator):
    id = "pattern-matches-no-letter"
    severity = "low"
    description = "A fact pattern that matches none of the historical letters (tests/historical: text and PDF)."

    def finalize(self, rb: RuleBase) -> list[Finding]:
        patterns = fact_patterns(self.options.fact_patterns)
        letters = _letter_texts(self.options.historical) if patterns else []
        if not letters:
            return []
        return [self.finding(f"pattern '{p.source}' of {p.owner} matches none of the {len(letters)} "
                             "historical letters", p.where)
                for p in patterns if not any(p.regex.search(text) for text in letters)]


def _letter_texts(paths) -> list[str]:
    """The historical letters under ``paths``, normalized as the letter importer reads them."""
    from ...historical import letter_files
    from ...letters.importer import letter_text, read_letter_bytes
    from ...letters.normalize import normalize
    return [normalize(letter_text(read_letter_bytes(f), str(f))) for f in letter_files(paths)]
