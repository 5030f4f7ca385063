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
from typing import NamedTuple

from .cases import Case, RequestedItem
from .model import (INSUFFICIENT_INFORMATION, MEDICALLY_NECESSARY, NOT_ADDRESSED, NOT_MEDICALLY_NECESSARY, Rule,
                    RuleBase)
from .surgery import SurgeryLink

UPHELD = "upheld"
OVERTURNED = "overturned"


class DocumentationGap(NamedTuple):
    """A fact the record does not state, and the question that asks for it."""

    fact: str
    question: str


class RuleOutcome(NamedTuple):
    """How one applicable rule came out for an item: True, False or None (unknown).

    A named tuple: a decision makes dozens of them per item in bulk runs."""

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
    # The applicable rules whose outcome was determined (every one, unless the
    # evaluator asked only for what the decision needs: see undecided), in
    # precedence order, with their outcomes: (rule, holds, fails). The
    # RuleOutcome list is built from them when it is first read (most bulk
    # results never read it).
    determined: tuple[tuple[Rule, ...], frozenset, frozenset] = ((), frozenset(), frozenset())
    reason: str = ""                           # why the deciding rules won (for explain)
    # Where associated_surgery_certified came from when this draft took it
    # from its own determination of a surgery in the same case (surgery.py).
    surgery: SurgeryLink | None = None

    @property
    def fired(self) -> tuple[str, ...]:
        """Ids of the rules that hold, in precedence order."""
        rules, holds, _ = self.determined
        return tuple(r.id for r in rules if r.id in holds)

    @property
    def outcomes(self) -> tuple[RuleOutcome, ...]:
        found = self.__dict__.get("_outcomes")
        if found is None:
            rules, holds, fails = self.determined
            found = self.__dict__["_outcomes"] = tuple(_outcome(r, holds, fails, self.facts) for r in rules)
        return found


def _outcome(rule: Rule, holds: frozenset, fails: frozenset, facts: dict) -> RuleOutcome:
    value = True if rule.id in holds else False if rule.id in fails else None
    return RuleOutcome(rule, value, tuple(f for f in rule.reads if facts.get(f) is None) if value is None else ())


def precedence(rule: Rule) -> tuple[int, int]:
    """Evidence tier first (MTUS before others), then priority (lower first)."""
    return rule.rank


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


def undecided(applicable: list[Rule], holds: frozenset) -> list[str]:
    """Ids of the applicable rules that do not hold and whose falsity the decision needs.

    Whether such a rule is false or unknown matters only when no rule holds
    (unknown ones make the draft insufficient_information and name the facts
    to ask for), or, when some rule decides, for the rules that precede it (or
    share its precedence) with another determination: the facts they lack
    could still change the draft. Of the others the decision needs nothing
    beyond "does not hold", so the engine is not asked (see engine.py).
    """
    first = next((r for r in applicable if r.id in holds), None)
    if first is None:
        return [r.id for r in applicable]
    rank, determination = first.rank, first.determination
    out = []
    for r in applicable:            # in precedence order: stop past the first holding rule's rank
        if r.rank > rank:
            break
        if r.id in holds:
            if r.rank == rank and r.determination != determination:
                return []           # a conflict: nothing else is looked at
        elif r.determination != determination:
            out.append(r.id)
    return out


def decide_item(rb: RuleBase, rules_by_category: dict, case: Case, item: RequestedItem,
                category: str | None, region: str, facts: dict,
                holds: frozenset, fails: frozenset, applicable: list[Rule] | None = None,
                determined: frozenset | None = None, surgery: SurgeryLink | None = None) -> ItemDecision:
    """Apply the hierarchy to the engine's outcomes for one item.

    ``applicable`` may be passed when the caller has it already (the
    evaluator caches it per category and region). ``determined``: the ids of
    the rules whose outcome the engine was asked for (the holding ones and
    :func:`undecided`), or None when it was asked for every applicable rule;
    the decision's ``outcomes`` list those rules only. ``surgery``: where a fact
    taken from the draft of a surgery in the same case came from, kept on the
    decision for its rationale."""
    if applicable is None:
        applicable = applicable_rules(rules_by_category, category, region, case.request_date)
    rules = applicable if determined is None else _in_order(applicable, determined)
    base = dict(item=item, category=category, body_region=region, facts=facts,
                determined=(tuple(rules), holds, fails), surgery=surgery)
    if not applicable:
        return ItemDecision(determination=NOT_ADDRESSED, reason="no rule applies to this item", **base)
    fired = [r for r in rules if r.id in holds]
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
        open_rules = [_outcome(r, holds, fails, facts) for r in rules
                      if r.rank <= first.rank and r.determination != determination
                      and r.id not in holds and r.id not in fails]
        reason = _why(first, applicable)
        return ItemDecision(determination=determination, deciding=deciding,
                            gaps=_gaps(rb, open_rules), reason=reason, **base)
    unknown = [_outcome(r, holds, fails, facts) for r in rules if r.id not in fails]
    if unknown:
        return ItemDecision(determination=INSUFFICIENT_INFORMATION, gaps=_gaps(rb, unknown),
                            reason="no applicable rule holds; some need facts the case does not state", **base)
    return ItemDecision(determination=NOT_ADDRESSED,
                        reason="every applicable rule's condition is false: the rule base has a gap here", **base)


_POSITIONS: dict[int, tuple] = {}


def _in_order(applicable: list[Rule], ids) -> list[Rule]:
    """The rules of ``applicable`` named in ``ids``, in its (precedence) order."""
    if len(ids) * 4 >= len(applicable):     # a good share of them: one pass in order beats a sort
        return [r for r in applicable if r.id in ids]
    found = _POSITIONS.get(id(applicable))
    if found is None or found[0] is not applicable:
        if len(_POSITIONS) > 4096:
            _POSITIONS.clear()
        found = _POSITIONS[id(applicable)] = (applicable, {r.id: (i, r) for i, r in enumerate(applicable)})
    where = found[1]
    return [r for _, r in sorted(where[i] for i in ids if i in where)]


def _why(first: Rule, applicable: list[Rule]) -> str:
    if first.tier == "mtus":
        return f"MTUS rules decide first (8 CCR 9792.21.1); priority {first.priority} is the lowest that holds"
    if applicable[0].tier == "mtus":     # in precedence order: an MTUS rule would come first
        return ("no applicable MTUS rule holds, so non-MTUS rules decide (8 CCR 9792.21.1); "
                f"priority {first.priority} is the lowest that holds")
    return f"no MTUS rule addresses this item, so non-MTUS rules decide; priority {first.priority} is the lowest that holds"


def _gaps(rb: RuleBase, outcomes) -> tuple[DocumentationGap, ...]:
    wanted = set().union(*(o.missing for o in outcomes))
    # Catalog order, so the questions come out in the same order every time.
    order = _catalog_order(rb)
    facts = rb.facts
    return tuple(DocumentationGap(f, facts[f].question) for f in sorted(wanted, key=order.__getitem__))


_ORDERS: dict[int, tuple] = {}


def _catalog_order(rb: RuleBase) -> dict[str, int]:
    found = _ORDERS.get(id(rb.facts))
    if found is None or found[0] is not rb.facts:
        found = _ORDERS[id(rb.facts)] = (rb.facts, {f: i for i, f in enumerate(rb.facts)})
    return found[1]


def rules_by_category(rb: RuleBase) -> dict[str, tuple[Rule, ...]]:
    """Active rules per item category, in precedence order (built once per rule base)."""
    table: dict[str, list[Rule]] = {}
    # sorted() is stable: rules of equal precedence keep their file order, which
    # is the order their findings are written in.
    for rule in sorted(rb.active_rules, key=precedence):
        for category in rule.applies_to.categories:
            table.setdefault(category, []).append(rule)
    return {k: tuple(v) for k, v in table.items()}
