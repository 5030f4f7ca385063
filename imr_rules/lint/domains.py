"""Finite fact domains for exact, bounded reasoning about rule conditions.

A condition only compares facts with constants, so its value depends only on
where each fact lies relative to those constants. Enumerating one
representative per such region (booleans; enum values; each numeric or date
constant, one step either side and, for numbers, the midpoints between
constants; string constants plus one other string; and "missing") visits every
outcome the condition can have: a witness found here is real, and none found
means none exists. lint searches these domains (solver.py);
:func:`assignments` enumerates them all, the plain statement that search is
tested against.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, Iterable, Iterator

from ..conditions import Condition, leaves, value_word
from ..model import Fact, Rule, RuleBase

#: Most assignments :func:`assignments` enumerates.
MAX_ASSIGNMENTS = 1 << 16
MISSING = None


class TooMany(Exception):
    """The assignment space is over the bound; ``count`` says how big it is."""

    def __init__(self, count: int):
        super().__init__(f"{count} fact assignments")
        self.count = count


def constants(conditions: Iterable[Condition]) -> dict[str, set]:
    """The constants each fact is compared with, over all the given conditions."""
    out: dict[str, set] = {}
    for cond in conditions:
        for leaf in leaves(cond):
            values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
            out.setdefault(leaf.fact, set()).update(values)
    return out


def domain(fact: Fact, consts: set, with_missing: bool) -> list[Any]:
    """Representative values of ``fact`` (see the module docstring), ``None`` for missing."""
    if fact.type == "boolean":
        values: list[Any] = [True, False]
    elif fact.type == "enum":
        values = list(fact.values or ())
    elif fact.type == "number":
        points = sorted(consts)
        values = sorted({p + d for p in points for d in (-1, 0, 1)}
                        | {(a + b) / 2 for a, b in zip(points, points[1:])}) or [0]
    elif fact.type == "date":
        points = sorted(consts)
        values = sorted({p + dt.timedelta(days=d) for p in points for d in (-1, 0, 1)}) or [dt.date(2000, 1, 1)]
    else:       # string: the constants and one string equal to none of them
        other = "other"
        while other in consts:
            other += "_"
        values = sorted(consts) + [other]
    return values + [MISSING] if with_missing else values


def assignments(fact_ids: list[str], domains: list[list], limit: int = MAX_ASSIGNMENTS) -> Iterator[dict]:
    """Every assignment of the facts over their domains (missing facts left out); TooMany over ``limit``."""
    count = 1
    for d in domains:
        count *= len(d)
    if count > limit:
        raise TooMany(count)
    for values in itertools.product(*domains):
        yield {f: v for f, v in zip(fact_ids, values) if v is not MISSING}


def show(assignment: dict, fact_ids: list[str]) -> str:
    """``a=true, b=missing``: an assignment as a finding states it."""
    return ", ".join(f"{f}={value_word(assignment.get(f))}" for f in fact_ids) or "(no facts)"


def item_kinds(rule: Rule, rb: RuleBase) -> set[tuple[str, str]]:
    """The (category, body region) pairs a rule applies to, 'unspecified' included."""
    return {(c, r) for c in rule.applies_to.categories for r in rb.items.region_ids()
            if rule.applies_to.matches(c, r)}


def dates_overlap(a: Rule, b: Rule) -> bool:
    """Whether two rules are ever in force on the same day."""
    start = max(d for d in (a.effective_from, b.effective_from, dt.date.min) if d)
    end = min(d for d in (a.effective_until, b.effective_until, dt.date.max) if d)
    return start <= end


def dates_cover(outer: Rule, inner: Rule) -> bool:
    """Whether ``outer`` is in force on every day ``inner`` is."""
    starts_ok = outer.effective_from is None or (inner.effective_from is not None
                                                 and outer.effective_from <= inner.effective_from)
    ends_ok = outer.effective_until is None or (inner.effective_until is not None
                                                and outer.effective_until >= inner.effective_until)
    return starts_ok and ends_ok
