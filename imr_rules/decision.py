"""From engine outcomes to a determination per requested item.

The evidence hierarchy (8 CCR 9792.21.1) decides which rules count:

1. Rules that apply to the item (category, body region, in force on the
   request date) are grouped by tier, MTUS first.
2. In the first tier where any rule's condition holds, the rules that hold
   with the lowest priority number decide. If they disagree, the item is a
   *conflict*: no determination is picked, it goes to a physician reviewer.
3. Where no rule holds but some are unknown (they need facts the case does not
   state), the draft is ``insufficient_information`` and lists those facts as
   documentation gaps, with the questions to ask.
4. Where no rule applies (or every applicable rule fails) the item is
   ``not_addressed``: the rule base does not speak to it.

A decided item also lists the facts whose absence left open a rule that
would have decided before the deciding one with another determination: the
documentation that could still change the draft.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cases import Case, RequestedItem
from .conditions import facts_used
from .model import (INSUFFICIENT_INFORMATION, MEDICALLY_NECESSARY, NOT_ADDRESSED, NOT_MEDICALLY_NECESSARY,
                    TIERS, Rule, RuleBase)

UPHELD = "upheld"
OVERTURNED = "overturned"


@dataclass(frozen=True)
class DocumentationGap:
    fact: str
    question: str


@dataclass(frozen=True)
class RuleOutcome:
    """How one applicable rule came out for an item: True, False or None (unknown)."""

    rule: Rule
    value: bool | None
    missing: tuple[str, ...]          # facts the rule reads that the item lacks


@dataclass
class ItemDecision:
    """What the rule base concludes for one item, before any text is written."""

    item: RequestedItem
    category: str | None
    body_region: str
    facts: dict
    determination: str
    deciding: tuple[Rule, ...] = ()
    conflict: bool = False
    gaps: tuple[DocumentationGap, ...] = ()
    outcomes: tuple[RuleOutcome, ...] = ()     # every applicable rule, in precedence order
    reason: str = ""                           # why the deciding rules won (for explain)

    @property
    def fired(self) -> tuple[str, ...]:
        return tuple(o.rule.id for o in self.outcomes if o.value is True)


def precedence(rule: Rule) -> tuple[int, int]:
    """Evidence tier first (MTUS before others), then priority (lower first)."""
    return (TIERS.index(rule.tier), rule.priority)


#: The IMR outcome a determination amounts to when UR had denied the item: a
#: draft of "not medically necessary" upholds the denial, "medically
#: necessary" overturns it; other determinations decide nothing.
IMR_OUTCOME = {NOT_MEDICALLY_NECESSARY: UPHELD, MEDICALLY_NECESSARY: OVERTURNED}


def imr_outcome(case: Case, determination: str) -> str | None:
    """Upheld/overturned when UR non-certified the item, else None."""
    if case.ur_decision != "non_certified":
        return None
    return IMR_OUTCOME.get(determination)


def classify(rb: RuleBase, item: RequestedItem) -> tuple[str | None, str]:
    category = item.category or rb.items.category_of(item.name)
    region = item.body_region or rb.items.body_region_of(item.name)
    return category, region


def applicable_rules(rules_by_category: dict, category: str | None, region: str,
                     on=None) -> list[Rule]:
    """Active rules that apply to an item of this category and region on a date, in precedence order."""
    return [r for r in rules_by_category.get(category, ())
            if r.applies_to.matches(category, region) and r.in_force(on)]


def decide_item(rb: RuleBase, rules_by_category: dict, case: Case, item: RequestedItem,
                category: str | None, region: str, facts: dict,
                holds: frozenset, fails: frozenset, applicable: list[Rule] | None = None) -> ItemDecision:
    """Apply the hierarchy to the engine's outcomes for one item.

    ``applicable`` may be passed when the caller has it already (the
    evaluator caches it per category and region)."""
    if applicable is None:
        applicable = applicable_rules(rules_by_category, category, region, case.request_date)
    outcomes = []
    for rule in applicable:     # already in precedence order
        value = True if rule.id in holds else False if rule.id in fails else None
        missing = tuple(f for f in facts_used(rule.when) if facts.get(f) is None) if value is None else ()
        outcomes.append(RuleOutcome(rule, value, missing))
    base = dict(item=item, category=category, body_region=region, facts=facts, outcomes=tuple(outcomes))
    if not applicable:
        return ItemDecision(determination=NOT_ADDRESSED, reason="no rule applies to this item", **base)
    fired = [o.rule for o in outcomes if o.value is True]
    if fired:
        first = fired[0]
        deciding = tuple(r for r in fired if r.tier == first.tier and r.priority == first.priority)
        determinations = {r.determination for r in deciding}
        tier_word = "MTUS" if first.tier == "mtus" else "non-MTUS"
        if len(determinations) > 1:
            return ItemDecision(determination=NOT_ADDRESSED, deciding=deciding, conflict=True,
                                reason=(f"{len(deciding)} {tier_word} rules of priority {first.priority} hold "
                                        "and disagree: physician review"), **base)
        determination = first.determination
        # Unknown rules that would have decided first (or alongside) with another
        # determination: their missing facts could still change the draft.
        open_rules = [o for o in outcomes if o.value is None and precedence(o.rule) <= precedence(first)
                      and o.rule.determination != determination]
        reason = _why(first, applicable)
        return ItemDecision(determination=determination, deciding=deciding,
                            gaps=_gaps(rb, open_rules), reason=reason, **base)
    unknown = [o for o in outcomes if o.value is None]
    if unknown:
        return ItemDecision(determination=INSUFFICIENT_INFORMATION, gaps=_gaps(rb, unknown),
                            reason="no applicable rule holds; some need facts the case does not state", **base)
    return ItemDecision(determination=NOT_ADDRESSED,
                        reason="every applicable rule's condition is false: the rule base has a gap here", **base)


def _why(first: Rule, applicable: list[Rule]) -> str:
    tiers = {r.tier for r in applicable}
    if first.tier == "mtus":
        return f"MTUS rules decide first (8 CCR 9792.21.1); priority {first.priority} is the lowest that holds"
    if "mtus" in tiers:
        return ("no applicable MTUS rule holds, so non-MTUS rules decide (8 CCR 9792.21.1); "
                f"priority {first.priority} is the lowest that holds")
    return f"no MTUS rule addresses this item, so non-MTUS rules decide; priority {first.priority} is the lowest that holds"


def _gaps(rb: RuleBase, outcomes) -> tuple[DocumentationGap, ...]:
    wanted = {f for o in outcomes for f in o.missing}
    # Catalog order, so the questions come out in the same order every time.
    return tuple(DocumentationGap(f.id, f.question) for f in rb.facts.values() if f.id in wanted)


def rules_by_category(rb: RuleBase) -> dict[str, tuple[Rule, ...]]:
    """Active rules per item category, in precedence order (built once per rule base)."""
    table: dict[str, list[Rule]] = {}
    # sorted() is stable: rules of equal precedence keep their file order, which
    # is the order their findings are written in.
    for rule in sorted(rb.active_rules, key=precedence):
        for category in rule.applies_to.categories:
            table.setdefault(category, []).append(rule)
    return {k: tuple(v) for k, v in table.items()}
