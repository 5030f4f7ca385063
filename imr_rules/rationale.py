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
from .surgery import FACT as SURGERY_FACT

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


#: The status of a whole draft (said once, whatever its items), and what to
#: do next for items of each determination.
DRAFT_STATUS = REVIEW_NOTE[NOT_MEDICALLY_NECESSARY]
NEXT_STEP = {
    MEDICALLY_NECESSARY: "Where the guideline criteria appear to be met, a reviewer may certify on these "
                         "criteria; any modification also requires a physician reviewer.",
    INSUFFICIENT_INFORMATION: "Where the record lacks documentation the criteria need, request it from the provider.",
    NOT_ADDRESSED: "Items the rule base does not decide go to a physician reviewer.",
}


def draft_status(determinations) -> str:
    """The status note of a draft with items of these determinations."""
    present = set(determinations)
    return " ".join([DRAFT_STATUS] + [step for det, step in NEXT_STEP.items() if det in present])


_QUANTITY = re.compile(r"^\s*\d+\s+(?=\D)")
# Where the head of an item name ends: "sessions| of aquatic therapy",
# "Gym membership| x 12 months", "Home Exercise Kit| (Exer ball, ...)".
_HEAD_END = re.compile(r"\s*(?:[(,;:#]|\s(?:x\s*\d|(?:of|for|with|per|to|in|on|at)\b))", re.IGNORECASE)
_SINGULAR_ENDINGS = ("ss", "us", "is")


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


def is_plural(name: str) -> bool:
    """Whether an item name is a plural noun phrase ("resistance bands", "8 sessions
    of aquatic therapy", "ball and bands"), for the verb that agrees with it."""
    shown = display_name(name)
    head = _HEAD_END.split(shown, 1)[0].strip()
    if not head:
        return False
    if " and " in f" {head.lower()} " or "&" in head:
        return True
    last = head.split()[-1]
    if last.isupper() and not shown.isupper() and len(last) <= 5:
        return False                  # an acronym such as TENS
    word = last.lower().strip(".")
    return word.endswith("s") and not word.endswith(_SINGULAR_ENDINGS)


def fact_phrase(rb: RuleBase, fact_id: str) -> str:
    """A fact as a clause of a sentence: its catalog description, without the
    capital and the full stop ("the record states the functional goals ...")."""
    fact = rb.facts.get(fact_id)
    text = fact.description.strip().rstrip(".") if fact and fact.description.strip() else fact_id.replace("_", " ")
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return text


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
        unknown = [f"whether {fact_phrase(rb, g.fact)}" for g in decision.gaps]
        return (f"The guideline criteria for the {item} cannot be applied: the records do not say "
                f"{_join(unknown)}. To complete the review, ask the provider: {asked}")
    parts = [guideline_statement(e) for e in cited_excerpts(decision)]
    found = findings(rb, decision)
    if found:
        first = found[0]
        if len(first) > 1 and first[1].islower():
            first = first[0].lower() + first[1:]
        parts.append("In this case, " + " ".join([first] + found[1:]))
    source = surgery_source(decision)
    if source:
        parts.append(source)
    verdict = "medically necessary" if det == MEDICALLY_NECESSARY else "not medically necessary"
    parts.append(f"Therefore, the {item} {'are' if is_plural(decision.item.name) else 'is'} {verdict}.")
    return " ".join(parts)


def surgery_source(decision: ItemDecision) -> str:
    """Where the surgery's certification a deciding rule read came from, when the
    evaluator took it from this draft's determination of a surgery in the same case
    (imr_rules/surgery.py): the draft says so and names the surgery item."""
    link = decision.surgery
    if link is None or not any(SURGERY_FACT in rule.reads for rule in decision.deciding):
        return ""
    named = [f"the {display_name(name)} ({item_id})" for item_id, name in link.surgeries]
    names = named[0] if len(named) == 1 else "; ".join(named[:-1]) + "; and " + named[-1]
    return (f"That the surgery is {'' if link.value else 'not '}certified is this draft's own determination of "
            f"{names}, requested in the same case: {DETERMINATION_LABEL[link.determination].lower()}.")


def _join(clauses: list[str]) -> str:
    # Semicolons: the clauses hold commas and parentheses of their own.
    if len(clauses) <= 1:
        return "".join(clauses)
    return "; ".join(clauses[:-1]) + (";" if len(clauses) > 2 else "") + " or " + clauses[-1]


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
