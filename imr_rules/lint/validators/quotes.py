"""Quote integrity: a rule may only put in quotation marks what its excerpts say.

Every sentence a draft attributes to a guideline must appear verbatim in an
excerpt (docs/domain.md). A quotation in a rule's title, description or
finding template is such an attribution, so it must be found, whitespace
aside, in one of the excerpts the rule cites.
"""

from __future__ import annotations

import re

from ...model import Rule, Where
from ..findings import Finding, Validator

_QUOTATION = re.compile(r'"([^"]+)"|\u201c([^\u201d]+)\u201d')


def quotations(text: str | None) -> list[str]:
    """The whitespace-normalized quotations ("...") of ``text``."""
    return [" ".join((a or b).split()) for a, b in _QUOTATION.findall(text or "")]


class QuoteNotInExcerpt(Validator):
    id = "quote-not-in-excerpt"
    severity = "high"
    description = "A quotation in a rule's title, description or finding is not verbatim in an excerpt it cites."

    def validate(self, rule: Rule) -> list[Finding]:
        out = []
        lines = dict(rule.text_lines)
        for field, text in (("title", rule.title), ("description", rule.description), ("finding", rule.finding)):
            for quote in quotations(text):
                if not any(quote in e.text for e in rule.cites):
                    cited = ", ".join(e.id for e in rule.cites)
                    where = Where(rule.where.file, _line_of(rule.where.file, lines.get(field), quote)
                                  or rule.where.line)
                    out.append(self.finding(f"rule {rule.id!r} {field} quotes {quote!r}, which is not verbatim in "
                                            f"the excerpts it cites ({cited})", where,
                                            rule=rule.id, field=field, quote=quote, cites=tuple(e.id for e in rule.cites)))
        return out


def _line_of(file: str, start: int | None, quote: str) -> int | None:
    """The line where ``quote`` begins, looking from its field's line on (a folded text spans
    lines: its first words are looked for, then its first word)."""
    if start is None:
        return None
    try:
        lines = _source(file)
    except OSError:
        return start
    words = quote.split()
    for needle in (" ".join(words[:3]), words[0] if words else ""):
        for n in range(start - 1, min(len(lines), start + 40)):
            if needle and needle in " ".join(lines[n].split()):
                return n + 1
    return start


def _source(file: str) -> list[str]:
    with open(file, encoding="utf-8") as f:
        return f.read().splitlines()
