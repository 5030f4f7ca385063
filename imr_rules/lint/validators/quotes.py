"""Quote integrity: a rule may only put in quotation marks what its excerpts say.

Every sentence a draft attributes to a guideline must appear verbatim in an
excerpt (docs/domain.md). A quotation in a rule's title, description or
finding template is such an attribution, so it must be found, whitespace
aside, in one of the excerpts the rule cites.
"""

from __future__ import annotations

import re

from ...model import Rule
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
        for field, text in (("title", rule.title), ("description", rule.description), ("finding", rule.finding)):
            for quote in quotations(text):
                if not any(quote in e.text for e in rule.cites):
                    cited = ", ".join(e.id for e in rule.cites)
                    out.append(self.finding(f"rule {rule.id!r} {field} quotes {quote!r}, which is not verbatim in "
                                            f"the excerpts it cites ({cited})", rule.where))
        return out
