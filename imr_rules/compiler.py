"""Compile the rule model to durable_rules conditions (pure data, no engine).

Each rule becomes two engine rules over one fact per requested item:
``<id>#holds`` fires when the rule's condition is true and ``<id>#fails``
when it is false. Both are in negation normal form, and an engine comparison
never matches a missing attribute, so a rule for which neither fires is
*unknown* (Kleene logic, as in :mod:`imr_rules.conditions`). Both are
conjoined with the rule's ``applies_to`` so that every engine rule has a
positive condition on the item's category (a lone ``$nex`` hangs the engine)
and no rule fires for an item it does not apply to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from .conditions import All, Any_, Comparison, Condition, negation_normal_form, Not
from .model import Rule

HOLDS = "holds"
FAILS = "fails"
SENTINEL = "_sentinel"        # matches every item fact, so none is ever unhandled
KIND = "item"
FACT_PREFIX = "f_"            # fact attributes never collide with sid/kind/category/region

_OPS = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


@dataclass(frozen=True)
class CompiledRuleSet:
    """Engine conditions keyed by engine rule name, and what each name means."""

    conditions: dict[str, dict]
    meaning: dict[str, tuple[str, str]]      # engine rule name -> (rule id, HOLDS|FAILS)


def encode_value(value: Any) -> Any:
    # The engine compares numbers and strings; dates become day numbers.
    if isinstance(value, dt.date):
        return value.toordinal()
    return value


def _leaf(c: Comparison) -> dict:
    attr = FACT_PREFIX + c.fact
    if c.op == "==":
        return {attr: encode_value(c.value)}
    if c.op == "in":
        return {"$or": [{attr: encode_value(v)} for v in c.value]}
    if c.op == "not in":
        return {"$and": [{"$neq": {attr: encode_value(v)}} for v in c.value]}
    return {_OPS[c.op]: {attr: encode_value(c.value)}}


def _tree(c: Condition) -> dict:
    if isinstance(c, Comparison):
        return _leaf(c)
    if isinstance(c, Not):        # unreachable after negation_normal_form, kept for safety
        raise ValueError("condition must be in negation normal form")
    key = "$and" if isinstance(c, All) else "$or"
    return {key: [_tree(child) for child in c.children]}


def _applies(rule: Rule) -> list[dict]:
    a = rule.applies_to
    parts = [{"kind": KIND}, {"$or": [{"category": cat} for cat in sorted(a.categories)]}]
    if a.body_regions is not None:
        parts.append({"$or": [{"region": r} for r in sorted(a.body_regions)]})
    parts.extend({"$neq": {"region": r}} for r in sorted(a.except_body_regions))
    return parts


def compile_rules(rules: tuple[Rule, ...] | list[Rule]) -> CompiledRuleSet:
    """Engine conditions for ``rules`` (plus the sentinel)."""
    conditions: dict[str, dict] = {SENTINEL: {"kind": KIND}}
    meaning: dict[str, tuple[str, str]] = {}
    for rule in rules:
        applies = _applies(rule)
        for outcome, negated in ((HOLDS, False), (FAILS, True)):
            name = f"{rule.id}#{outcome}"
            conditions[name] = {"$and": applies + [_tree(negation_normal_form(rule.when, negated))]}
            meaning[name] = (rule.id, outcome)
    return CompiledRuleSet(conditions, meaning)


def item_fact(sid: str, category: str | None, region: str, facts: Mapping[str, Any]) -> dict:
    """The engine fact for one requested item (unknown facts are left out)."""
    fact = {"sid": sid, "kind": KIND, "category": category or "", "region": region}
    for key, value in facts.items():
        if value is not None:
            fact[FACT_PREFIX + key] = encode_value(value)
    return fact
