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

A "fails" alternative that compares every fact its rule reads is left out:
it can only fire when all those facts are stated, and then the rule is false
exactly when its "holds" side does not fire (with every fact known, Kleene
logic is two-valued). The engine module draws that conclusion.

Numbers reach the engine as ranks, not as themselves. durable_rules parses
numbers in its own way and refuses many finite ones ("error code: 204" for
``0.00001``, ``1e16`` or ``1e300``, whose JSON has an exponent). A comparison
with constants only depends on where a value lies among them, so per item
category each number fact's constants are sorted, constant ``i`` becomes
``2i+1`` and a value between constants ``i-1`` and ``i`` becomes ``2i``: small
integers the engine holds exactly, in the same order, with the same
equalities (Python compares ints and floats exactly).

Categories are compiled on first use: a case needs the rules of its items'
categories only.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import math
from json.encoder import encode_basestring   # json.dumps(str, ensure_ascii=False), without the call around it
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from .conditions import NEGATE, Any_, Comparison, Condition, Not, facts_used, negation_normal_form
from .model import AppliesTo, Rule

HOLDS = "holds"
FAILS = "fails"
KIND = "item"
FACT_PREFIX = "f_"            # fact attributes never collide with sid/kind/category/region
#: Most alternatives one side of one rule may expand to (applies_to included).
MAX_ALTERNATIVES = 64
#: Most facts one engine fact may carry: durable_rules refuses a fact of more
#: than 255 properties, and sid, kind, category and region take four.
MAX_ATTRIBUTES = 250
#: Most facts one rule may read (its engine rules must fit in one engine fact).
MAX_FACTS_PER_RULE = 200

_OPS = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}

Leaf = tuple  # (attribute, op, value): hashable, so alternatives can be deduplicated


class ConditionTooComplex(ValueError):
    """A rule's condition expands to more engine alternatives (or reads more facts) than allowed."""

    def __init__(self, rule: Rule, side: str, count: int, message: str | None = None):
        super().__init__(message or f"rule {rule.id!r}: its condition {'as written' if side == HOLDS else 'negated'} "
                                    f"expands to more than {MAX_ALTERNATIVES} alternatives for the engine")
        self.rule, self.side, self.count = rule, side, count


@dataclass(frozen=True)
class EngineRule:
    name: str                  # unique within the compiled rule set
    condition: dict            # durable_rules condition JSON (as a dict)
    rule: str                  # the rule id
    side: str                  # HOLDS | FAILS
    attributes: frozenset[str]  # engine attributes it compares


@dataclass(frozen=True)
class CompiledCategory:
    """The engine rules for the items of one category, and how to encode such an item."""

    category: str
    holds: tuple[EngineRule, ...]
    fails: tuple[EngineRule, ...]            # in the order the rules were given
    reads: dict[str, frozenset[str]]         # rule id -> fact ids it reads
    applies: dict[str, AppliesTo]            # rule id -> the items it applies to
    codes: dict[str, tuple]                  # attribute -> its sorted number constants
    attributes: tuple[str, ...]              # every attribute the category's rules compare

    def __post_init__(self):
        object.__setattr__(self, "_attribute", {a[len(FACT_PREFIX):]: a for a in self.attributes})
        object.__setattr__(self, "_leads", {f: f', "{a}": ' for f, a in self._attribute.items()})
        object.__setattr__(self, "_heads", {})

    def fact_json(self, sid: str, region: str, facts: Mapping[str, Any], attributes=None) -> str:
        """:meth:`fact` as the JSON text the engine reads, written directly (an item's fact is
        written once per item; json.dumps of the dict costs several times more)."""
        head = self._heads.get((sid, region))
        if head is None:
            head = self._heads[(sid, region)] = json.dumps(
                {"sid": sid, "kind": KIND, "category": self.category, "region": region}, ensure_ascii=False)[:-1]
        parts = [head]
        lead = self._leads       # fact id -> ', "<attribute>": ', for the facts the rules read
        keys = facts if len(facts) <= len(lead) else [k for k in lead if k in facts]
        for key in keys:
            start = lead.get(key)
            value = facts[key]
            if start is None or value is None:
                continue
            if value is True:
                text = "true"
            elif value is False:
                text = "false"
            else:
                attr = self._attribute[key]
                if attributes is not None and attr not in attributes:
                    continue
                kind = type(value)
                if kind is str:               # what json.dumps(value, ensure_ascii=False) writes
                    text = encode_basestring(value)
                else:
                    value = self.encode(attr, value)
                    text = str(value) if type(value) is int else json.dumps(value, ensure_ascii=False)
                parts.append(start + text)
                continue
            if attributes is None or self._attribute[key] in attributes:
                parts.append(start + text)
        parts.append("}")
        return "".join(parts)

    def fact(self, sid: str, region: str, facts: Mapping[str, Any], attributes=None) -> dict:
        """The engine fact for one item of this category: the facts its rules read, encoded.

        Unknown facts are left out (the engine's "unknown"). ``attributes``: only
        these (for rulesets that read a subset, see engine.py)."""
        fact = {"sid": sid, "kind": KIND, "category": self.category, "region": region}
        attribute = self._attribute
        # Whichever is shorter: the item's facts or the attributes the rules read.
        keys = facts if len(facts) <= len(attribute) else [k for k in attribute if k in facts]
        for key in keys:
            attr = attribute.get(key)
            value = facts[key]
            if attr is not None and value is not None and (attributes is None or attr in attributes):
                fact[attr] = self.encode(attr, value)
        return fact

    def encode(self, attr: str, value: Any) -> Any:
        """A value as the engine compares it (see the module docstring)."""
        if type(value) in (int, float):
            points = self.codes.get(attr, ())
            i = bisect.bisect_left(points, value)
            return 2 * i + 1 if i < len(points) and points[i] == value else 2 * i
        if isinstance(value, dt.date):
            return value.toordinal()
        return value


class CompiledRuleSet:
    """Engine rules per item category, compiled on first use.

    ``cache_key``: a key that names ``rules`` exactly (the rule base cache's key plus how
    the rules were chosen and ordered): compiled categories are then kept in the rule
    base cache and read back by later runs."""

    def __init__(self, rules: Iterable[Rule], cache_key: str | None = None):
        self.cache_key = cache_key
        self._rules: dict[str, list[Rule]] = {}
        for rule in rules:       # the given order is kept within each category
            for category in sorted(rule.applies_to.categories):
                self._rules.setdefault(category, []).append(rule)
        self._compiled: dict[str, CompiledCategory] = {}

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self._rules)

    def category(self, category: str | None) -> CompiledCategory | None:
        """The compiled rules of ``category`` (None when no rule applies to it)."""
        done = self._compiled.get(category)
        if done is None and category in self._rules:
            done = self._compiled[category] = self._compile(category)
        return done

    def _compile(self, category: str) -> CompiledCategory:
        if self.cache_key is None:
            return _compile_category(category, self._rules[category])
        from . import rulebase_cache
        kept = rulebase_cache.get_compiled(self.cache_key, category)
        if isinstance(kept, CompiledCategory) and kept.category == category:
            return kept
        done = _compile_category(category, self._rules[category])
        rulebase_cache.put_compiled(self.cache_key, category, done)
        return done

    def engine_rules(self) -> list[EngineRule]:
        """Every engine rule of every category (compiles them all)."""
        return [r for c in self._rules for side in (HOLDS, FAILS) for r in getattr(self.category(c), side)]


def _dnf(c: Condition, limit: int) -> list[tuple[Leaf, ...]]:
    """Alternatives (conjunctions of leaves) of an NNF condition; stops past ``limit``."""
    if isinstance(c, Comparison):
        attr = FACT_PREFIX + c.fact
        if c.op == "in":
            return [((attr, "==", v),) for v in dict.fromkeys(c.value)]
        if c.op == "not in":
            return [tuple((attr, "!=", v) for v in dict.fromkeys(c.value))]
        return [((attr, c.op, c.value),)]
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


def conjunctions(cond: Condition) -> list[tuple[tuple[str, str, Any], ...]]:
    """The alternatives of a condition when true, each a conjunction of (fact id, op, value)
    comparisons: the condition is true exactly when one of them is (lint searches them)."""
    alts = _dnf(negation_normal_form(cond), MAX_ALTERNATIVES * MAX_ALTERNATIVES)
    return [tuple((attr[len(FACT_PREFIX):], op, value) for attr, op, value in alt) for alt in alts]


def _scopes(rule: Rule, category: str | None = None) -> list[tuple[Leaf, ...]]:
    a = rule.applies_to
    regions = [(("region", "==", r),) for r in sorted(a.body_regions)] if a.body_regions is not None else [()]
    excluded = tuple(("region", "!=", r) for r in sorted(a.except_body_regions))
    categories = sorted(a.categories) if category is None else [category]
    return [(("category", "==", cat),) + reg + excluded for cat in categories for reg in regions]


def check_size(rule: Rule) -> None:
    """ConditionTooComplex when the engine cannot hold ``rule``: it reads more than
    MAX_FACTS_PER_RULE facts, or a side of it expands to more than MAX_ALTERNATIVES
    alternatives. What :func:`alternatives` would raise, without building them
    (the loader checks every rule; alternatives are built per category when a
    case needs it)."""
    read = len(facts_used(rule.when))
    if read > MAX_FACTS_PER_RULE:
        raise ConditionTooComplex(rule, HOLDS, read, f"rule {rule.id!r} reads {read} facts, more than the "
                                                     f"{MAX_FACTS_PER_RULE} one rule may read")
    a = rule.applies_to
    scopes = len(a.categories) * (len(a.body_regions) if a.body_regions is not None else 1)
    for side in (HOLDS, FAILS):
        if scopes * _at_most(rule.when, side == FAILS) <= MAX_ALTERNATIVES:
            continue                    # the common case: no need to expand
        count = scopes * len(_dnf(negation_normal_form(rule.when, side == FAILS), MAX_ALTERNATIVES))
        if count > MAX_ALTERNATIVES:
            raise ConditionTooComplex(rule, side, count)


def _at_most(c: Condition, negated: bool) -> int:
    """An upper bound of the alternatives _dnf gives for ``c`` (negated): their number
    before duplicates are removed."""
    if isinstance(c, Not):
        return _at_most(c.child, not negated)
    if isinstance(c, Comparison):
        return len(dict.fromkeys(c.value)) if (NEGATE[c.op] if negated else c.op) == "in" else 1
    parts = [_at_most(child, negated) for child in c.children]
    if isinstance(c, Any_) != negated:
        return sum(parts)
    return math.prod(parts)


def alternatives(rule: Rule, side: str, category: str | None = None) -> list[tuple[Leaf, ...]]:
    """The engine conjunctions for one side of a rule (for one of its categories, or all of them);
    ConditionTooComplex past the limits (see :func:`check_size`)."""
    check_size(rule)
    scopes = _scopes(rule, category)
    body = _dnf(negation_normal_form(rule.when, side == FAILS), MAX_ALTERNATIVES)
    return [scope + alt for scope in scopes for alt in body]


def _compile_category(category: str, rules: list[Rule]) -> CompiledCategory:
    sides = {side: [(rule, alternatives(rule, side, category)) for rule in rules] for side in (HOLDS, FAILS)}
    codes: dict[str, set] = {}
    for side in sides.values():
        for _, alts in side:
            for alt in alts:
                for attr, _, value in alt:
                    if type(value) in (int, float):
                        codes.setdefault(attr, set()).add(value)
    compiled = CompiledCategory(category, (), (), {}, {}, {a: tuple(sorted(v)) for a, v in codes.items()}, ())
    out: dict[str, list[EngineRule]] = {HOLDS: [], FAILS: []}
    attributes: dict[str, None] = {}
    reads = {}
    for side, entries in sides.items():
        for rule, alts in entries:
            read = {FACT_PREFIX + f for f in facts_used(rule.when)}
            reads[rule.id] = frozenset(facts_used(rule.when))
            for k, leaves in enumerate(alts):
                attrs = frozenset(a for a, _, _ in leaves if a.startswith(FACT_PREFIX))
                if side == FAILS and attrs >= read:
                    continue            # fires only when its rule is decided anyway (module docstring)
                attributes.update(dict.fromkeys(sorted(attrs)))
                out[side].append(EngineRule(f"{rule.id}#{side}#{k}", _condition(leaves, compiled), rule.id,
                                            side, attrs))
    return CompiledCategory(category, tuple(out[HOLDS]), tuple(out[FAILS]), reads,
                            {r.id: r.applies_to for r in rules}, compiled.codes, tuple(attributes))


def _condition(leaves: tuple[Leaf, ...], compiled: CompiledCategory) -> dict:
    parts: list[dict] = [{"kind": KIND}]
    for attr, op, value in leaves:
        value = compiled.encode(attr, value) if attr.startswith(FACT_PREFIX) else value
        parts.append({attr: value} if op == "==" else {_OPS[op]: {attr: value}})
    return {"$and": parts}


def compile_rules(rules: Iterable[Rule], cache_key: str | None = None) -> CompiledRuleSet:
    """Engine rules for ``rules``, per item category (compiled when first asked for)."""
    return CompiledRuleSet(rules, cache_key)

