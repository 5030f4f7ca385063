"""The words of a draft: rationale, conclusion and review note.

Guideline text is only ever taken from an :class:`Excerpt` (verbatim, with
its citation); the case-specific findings come from the deciding rules'
templates; everything else is the tool's own framing, never attributed to a
guideline.
"""

from __future__ import annotations

import re

from .decision import ItemDecision
from .model import (INSUFFICIENT_INFORMATION, MEDICALLY_NECESSARY, NOT_ADDRESSED, NOT_MEDICALLY_NECESSARY,
                    Excerpt, RuleBase)

DETERMINATION_LABEL = {
    MEDICALLY_NECESSARY: "Medically necessary",
    NOT_MEDICALLY_NECESSARY: "Not medically necessary",
    INSUFFICIENT_INFORMATION: "Insufficient information",
    NOT_ADDRESSED: "Not addressed by the rule base",
}

REVIEW_NOTE = {
    NOT_MEDICALLY_NECESSARY: (
        "Draft only, not a determination: a denial (non-certification) may only be issued by a "
        "licensed physician reviewer competent in the clinical issue (Labor Code section 4610)."),
    MEDICALLY_NECESSARY: (
        "Draft only: the guideline criteria appear to be met; a reviewer may certify on these "
        "criteria, and any denial or modification requires a physician reviewer (Labor Code section 4610)."),
    INSUFFICIENT_INFORMATION: (
        "Draft only: the record lacks documentation the guideline criteria need; request it from the "
        "provider. Only a physician reviewer may deny (Labor Code section 4610)."),
    NOT_ADDRESSED: (
        "Draft only: the rule base does not decide this item; route it to a physician reviewer "
        "(Labor Code section 4610)."),
}


_QUANTITY = re.compile(r"^\s*\d+\s+(?=\D)")


def display_name(name: str) -> str:
    """Item name as it reads in a sentence, as letters write it: without a leading
    quantity, all-capitals names lowered, a capital only on the first word dropped."""
    name = _QUANTITY.sub("", name).strip()
    if name.isupper():
        return name.lower()
    words = name.split()
    if len(words) > 1 and words[0][:1].isupper() and words[0][1:].islower() and words[1][:1].islower():
        return name[0].lower() + name[1:]
    return name


def cited_excerpts(decision: ItemDecision) -> list[Excerpt]:
    seen: dict[str, Excerpt] = {}
    for rule in decision.deciding:
        for excerpt in rule.cites:
            seen.setdefault(excerpt.id, excerpt)
    return list(seen.values())


def guideline_statement(excerpt: Excerpt) -> str:
    return f"The {excerpt.citation()} states: \"{excerpt.text}\""


def findings(rb: RuleBase, decision: ItemDecision) -> list[str]:
    fields = {"item": display_name(decision.item.name), "category": _category_title(rb, decision.category),
              "region": _region_title(rb, decision.body_region)}
    return [rule.finding.format(**fields) for rule in decision.deciding]


def rationale(rb: RuleBase, decision: ItemDecision) -> str:
    """A "Decision rationale" paragraph in the manner of an IMR letter."""
    item = display_name(decision.item.name)
    det = decision.determination
    if decision.conflict:
        names = ", ".join(f"{r.id} ({DETERMINATION_LABEL[r.determination].lower()})" for r in decision.deciding)
        return (f"The rule base does not decide the {item}: rules of the same tier and priority apply and "
                f"disagree: {names}. The draft does not choose between them; the item needs a physician reviewer.")
    if det == NOT_ADDRESSED:
        if decision.outcomes:
            return (f"Every rule that applies to the {item} has conditions the record does not meet, and no "
                    "rule decides it. The item needs a physician reviewer.")
        category = _category_title(rb, decision.category) if decision.category else "no known item category"
        return (f"No rule of the rule base addresses the {item} ({category}). The item needs a physician "
                "reviewer, who may apply other evidence-based guidelines.")
    if det == INSUFFICIENT_INFORMATION:
        asked = " ".join(g.question for g in decision.gaps)
        return (f"The guideline criteria for the {item} cannot be applied: the records do not state "
                f"{_join([g.fact for g in decision.gaps])}. To complete the review, ask the provider: {asked}")
    parts = [guideline_statement(e) for e in cited_excerpts(decision)]
    found = findings(rb, decision)
    if found:
        first = found[0]
        if len(first) > 1 and first[1].islower():
            first = first[0].lower() + first[1:]
        parts.append("In this case, " + " ".join([first] + found[1:]))
    verdict = "medically necessary" if det == MEDICALLY_NECESSARY else "not medically necessary"
    parts.append(f"Therefore, the {item} is {verdict}.")
    return " ".join(parts)


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def _category_title(rb: RuleBase, category: str | None) -> str:
    for c in rb.items.categories:
        if c.id == category:
            return c.title.lower()
    return category or "unknown"


def _region_title(rb: RuleBase, region: str) -> str:
    for r in rb.items.body_regions:
        if r.id == region:
            return r.title.lower()
    return region
