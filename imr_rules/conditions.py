"""Condition trees (all / any / not over fact comparisons) and their meaning.

A fact a case does not state is *unknown*, and conditions follow Kleene's
three-valued logic: ``evaluate`` returns True, False or None (unknown). This
module is the plain-Python statement of the semantics; the compiler gives the
engine the same meaning (property tests hold one against the other).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, Union

#: Comparison operators a rule may use, and their negations.
NEGATE = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">", "in": "not in", "not in": "in"}
ORDERED_OPS = frozenset({"<", "<=", ">", ">="})


@dataclass(frozen=True)
class Comparison:
    fact: str
    op: str
    value: Any          # a scalar, or a tuple for in / not in
    line: int | None = None


@dataclass(frozen=True)
class All:
    children: tuple["Condition", ...]
    line: int | None = None


@dataclass(frozen=True)
class Any_:
    children: tuple["Condition", ...]
    line: int | None = None


@dataclass(frozen=True)
class Not:
    child: "Condition"
    line: int | None = None


Condition = Union[Comparison, All, Any_, Not]


def compare(op: str, left, right) -> bool:
    """Two-valued comparison of a known fact value with a rule's value."""
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if op == "<":
        return left < right
    if op == "<=":
        return left <= right
    if op == ">":
        return left > right
    if op == ">=":
        return left >= right
    if op == "in":
        return left in right
    if op == "not in":
        return left not in right
    raise ValueError(f"unknown operator {op!r}")


def evaluate(cond: Condition, facts: Mapping[str, Any]) -> bool | None:
    """Kleene evaluation: True, False, or None when missing facts leave it open."""
    if isinstance(cond, Comparison):
        value = facts.get(cond.fact)
        if value is None:
            return None
        return compare(cond.op, value, cond.value)
    if isinstance(cond, Not):
        inner = evaluate(cond.child, facts)
        return None if inner is None else not inner
    results = [evaluate(c, facts) for c in cond.children]
    if isinstance(cond, All):
        if False in results:
            return False
        return None if None in results else True
    if True in results:
        return True
    return None if None in results else False


def negation_normal_form(cond: Condition, negated: bool = False) -> Condition:
    """Push every ``not`` down to the comparisons (De Morgan; ``not a < b`` is ``a >= b``).

    Under Kleene logic this is exact, and it leaves the engine only positive
    comparisons, which never match a missing fact: the "unknown" semantics.
    """
    if isinstance(cond, Not):
        return negation_normal_form(cond.child, not negated)
    if isinstance(cond, Comparison):
        if not negated:
            return cond
        return Comparison(cond.fact, NEGATE[cond.op], cond.value, cond.line)
    children = tuple(negation_normal_form(c, negated) for c in cond.children)
    if isinstance(cond, All):
        return Any_(children, cond.line) if negated else All(children, cond.line)
    return All(children, cond.line) if negated else Any_(children, cond.line)


#: An outcome of the three-valued logic as reports write it.
OUTCOME_WORD = {True: "true", False: "false", None: "unknown"}


def value_word(value: Any) -> str:
    """A fact or rule value as explanations, coverage and lint findings write it:
    ``missing`` for no value, ``true``/``false``, ``[a, b]`` for a list."""
    if value is None:
        return "missing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(value_word(v) for v in value) + "]"
    return str(value)


@lru_cache(maxsize=4096)
def facts_used(cond: Condition) -> tuple[str, ...]:
    """Fact ids a condition reads, in order of first appearance (conditions are
    immutable, so the answer is cached)."""
    seen: dict[str, None] = {}
    todo = [cond]           # depth first, left to right (a nested function would make a reference cycle)
    while todo:
        c = todo.pop()
        if isinstance(c, Comparison):
            seen.setdefault(c.fact)
        elif isinstance(c, Not):
            todo.append(c.child)
        else:
            todo.extend(reversed(c.children))
    return tuple(seen)


def leaves(cond: Condition) -> list[Comparison]:
    """The comparisons of a condition tree, in order."""
    if isinstance(cond, Comparison):
        return [cond]
    if isinstance(cond, Not):
        return leaves(cond.child)
    return [leaf for c in cond.children for leaf in leaves(c)]
