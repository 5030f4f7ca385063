"""Compile the rule model to durable_rules conditions (pure data, no engine).

Each rule becomes engine rules over one fact per requested item: those named
``<id>#holds#k`` fire when the rule's condition is true, ``<id>#fails#k``
when it is false. Both sides are in negation normal form, and an engine
comparison never matches a missing attribute, so a rule for which neither
side fires is *unknown* (Kleene logic, as in :mod:`imr_rules.conditions`).

Every engine rule is one flat conjunction of comparisons: each side is put in
disjunctive normal form and each alternative becomes its own engine rule.
durable_rules refuses nested groups ("Could not create ruleset, error code
113", measured with eight nested ``$and`` groups, or an ``$and`` of sixteen
two-way ``$or``), while flat conjunctions of 300 comparisons work; a rule
whose condition expands to more than ``MAX_ALTERNATIVES`` alternatives is
refused at load time with a message for its author. Every conjunction starts
with ``kind == item`` and the item's category (a lone ``$nex`` hangs the
engine) and carries the rule's ``applies_to``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from .conditions import Any_, Comparison, Condition, Not, negation_normal_form
from .model import Rule

HOLDS = "holds"
FAILS = "fails"
SENTINEL = "_sentinel"        # matches every item fact, so none is ever unhandled
KIND = "item"
FACT_PREFIX = "f_"            # fact attributes never collide with sid/kind/category/region
#: Most alternatives one side of one rule may expand to (applies_to included).
MAX_ALTERNATIVES = 64

_OPS = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}

Leaf = tuple  # (attribute, op, encoded value): hashable, so alternatives can be deduplicated


class ConditionTooComplex(ValueError):
    """A rule's condition expands to more engine alternatives than allowed."""

    def __init__(self, rule: Rule, side: str, count: int):
        super().__init__(f"rule {rule.id!r}: its condition {'as written' if side == HOLDS else 'negated'} "
                         f"expands to more than {MAX_ALTERNATIVES} alternatives for the engine")
        self.rule, self.side, self.count = rule, side, count


@dataclass(frozen=True)
class CompiledRuleSet:
    """Engine conditions keyed by engine rule name, and what each name means."""

    conditions: dict[str, dict]
    meaning: dict[str, tuple[str, str]]      # engine rule name -> (rule id, HOLDS|FAILS)
    category: dict[str, str]                 # engine rule name -> the item category it can fire for


def encode_value(value: Any) -> Any:
    # The engine compares numbers and strings; dates become day numbers.
    if isinstance(value, dt.date):
        return value.toordinal()
    return value


def _dnf(c: Condition, limit: int) -> list[tuple[Leaf, ...]]:
    """Alternatives (conjunctions of leaves) of an NNF condition; stops past ``limit``."""
    if isinstance(c, Comparison):
        attr = FACT_PREFIX + c.fact
        if c.op == "in":
            return [((attr, "==", encode_value(v)),) for v in dict.fromkeys(c.value)]
        if c.op == "not in":
            return [tuple((attr, "!=", encode_value(v)) for v in dict.fromkeys(c.value))]
        return [((attr, c.op, encode_value(c.value)),)]
    if isinstance(c, Not):        # unreachable after negation_normal_form, kept for safety
        raise ValueError("condition must be in negation normal form")
    parts = [_dnf(child, limit) for child in c.children]
    if isinstance(c, Any_):
        out = [alt for part in parts for alt in part]
    else:
        size = 1
        for part in parts:
            size *= len(part)
            if size > limit:
                return [()] * (limit + 1)          # too many: the caller reports it
        out = [tuple(leaf for alt in combo for leaf in alt) for combo in itertools.product(*parts)]
    # Deduplicate leaves within an alternative and alternatives themselves,
    # keeping first-seen order so compiled output is deterministic.
    out = list(dict.fromkeys(tuple(dict.fromkeys(alt)) for alt in out))
    return out[: limit + 1]


def _scopes(rule: Rule) -> list[tuple[Leaf, ...]]:
    a = rule.applies_to
    regions = [(("region", "==", r),) for r in sorted(a.body_regions)] if a.body_regions is not None else [()]
    excluded = tuple(("region", "!=", r) for r in sorted(a.except_body_regions))
    return [(("category", "==", cat),) + reg + excluded for cat in sorted(a.categories) for reg in regions]


def alternatives(rule: Rule, side: str) -> list[tuple[Leaf, ...]]:
    """The engine conjunctions for one side of a rule; ConditionTooComplex past the limit."""
    scopes = _scopes(rule)
    body = _dnf(negation_normal_form(rule.when, side == FAILS), MAX_ALTERNATIVES)
    count = len(scopes) * len(body)
    if count > MAX_ALTERNATIVES:
        raise ConditionTooComplex(rule, side, count)
    return [scope + alt for scope in scopes for alt in body]


def _condition(leaves: tuple[Leaf, ...]) -> dict:
    parts: list[dict] = [{"kind": KIND}]
    for attr, op, value in leaves:
        parts.append({attr: value} if op == "==" else {_OPS[op]: {attr: value}})
    return {"$and": parts}


def compile_rules(rules: tuple[Rule, ...] | list[Rule]) -> CompiledRuleSet:
    """Engine conditions for ``rules`` (plus the sentinel)."""
    conditions: dict[str, dict] = {SENTINEL: {"kind": KIND}}
    meaning: dict[str, tuple[str, str]] = {}
    category: dict[str, str] = {}
    for rule in rules:
        for side in (HOLDS, FAILS):
            for k, leaves in enumerate(alternatives(rule, side)):
                name = f"{rule.id}#{side}#{k}"
                conditions[name] = _condition(leaves)
                meaning[name] = (rule.id, side)
                category[name] = leaves[0][2]        # every alternative starts with its category
    return CompiledRuleSet(conditions, meaning, category)


def item_fact(sid: str, category: str | None, region: str, facts: Mapping[str, Any]) -> dict:
    """The engine fact for one requested item (unknown facts are left out)."""
    fact = {"sid": sid, "kind": KIND, "category": category or "", "region": region}
    for key, value in facts.items():
        if value is not None:
            fact[_attribute(key)] = value.toordinal() if isinstance(value, dt.date) else value
    return fact


@lru_cache(maxsize=1024)
def _attribute(fact_id: str) -> str:
    return FACT_PREFIX + fact_id
