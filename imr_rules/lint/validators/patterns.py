"""Regular expressions: unsafe shapes, and fact patterns that match no historical letter.

Both kinds of pattern file are checked by :mod:`imr_rules.regex_safety` when
they load (the item catalog by the rule base loader, the fact patterns of
``rules/fact_patterns.yaml`` by :func:`imr_rules.letters.load_fact_patterns`),
and a file with an unsafe pattern does not load: lint then exits 2 with that
error. ``unsafe-regex`` applies the same check to the patterns of a rule base
built in code, which no loader saw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...model import RuleBase, Where
from ...regex_safety import MAX_TEXT, unsafe_reason
from ..findings import Finding, Validator


@dataclass(frozen=True)
class SourcePattern:
    """A regular expression as written, compiled, where it is, and what it is for."""

    source: str
    regex: re.Pattern
    where: Where
    owner: str          # "category gym_membership", "fact goals_documented topic", ...

    @property
    def group(self) -> str:
        """What owns it, without the list: "fact goals_documented", "findings_start"."""
        return " ".join(self.owner.split()[:2]) if self.owner.startswith("fact ") else self.owner


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
    description = ("A category, body-region or fact pattern that can backtrack catastrophically (see "
                   "imr_rules.regex_safety: nested or chained unbounded repeats, unbounded .*, back-references).")

    def finalize(self, rb: RuleBase) -> list[Finding]:
        out = []
        for p in catalog_patterns(rb) + fact_patterns(self.options.fact_patterns):
            problem = unsafe_reason(p.source)
            if problem:
                out.append(self.finding(f"pattern '{p.source}' of {p.owner} is unsafe: {problem}", p.where,
                                        pattern=p.source, owner=p.owner, problem=problem))
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
        sentences = [s for text in letters for s in text]
        what = f"match none of the {len(letters)} historical letters"
        return [self.finding(f"pattern '{p.source}' of {p.owner} matches none of the {len(letters)} "
                             "historical letters", p.where, pattern=p.source, owner=p.owner, group=p.group,
                             what=what)
                for p in patterns if not any(p.regex.search(s) for s in sentences)]


def _letter_texts(paths) -> list[list[str]]:
    """The sentences of each historical letter under ``paths`` (text and PDF), normalized as the
    letter importer reads them. Patterns run over sentences there, and over at most MAX_TEXT characters."""
    from ...historical import letter_files
    from ...letters.findings import sentences
    from ...letters.importer import letter_text, read_letter_bytes
    from ...letters.normalize import normalize
    out = []
    for f in letter_files(paths):
        text = normalize(letter_text(read_letter_bytes(f), str(f)))
        out.append([text[s:e][:MAX_TEXT] for s, e in sentences(text, 0, len(text))])
    return out
