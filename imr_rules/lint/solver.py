"""Exact search over fact assignments: the one helper every logic check uses.

A check builds a :class:`Problem` from some conditions and asks for the
first assignment (in the order lint has always reported: facts in catalog
order, each over its domain from ..domains, "missing" last) that makes some
of them true and others not true.

Instead of enumerating every assignment (3^12 for a rule that reads twelve
facts, and a product over every fact two rules read together), the search
works on the conditions' alternatives (compiler.conjunctions, negation
normal form in disjunctive normal form, as the engine gets them): a
condition is true exactly when all comparisons of one of its alternatives
pass (a comparison never passes on a missing fact: Kleene logic, as in
:func:`imr_rules.conditions.evaluate`). So

- a condition that must be true is taken one alternative at a time, each
  narrowing every fact it compares to the values that pass;
- a condition that must not be true becomes one constraint per
  alternative: some comparison of it must fail. The search assigns facts in
  catalog order and propagates: a constraint left with one comparison that
  may still pass forbids that comparison's values to its fact.

The first assignment found is the first of the full enumeration, the witness
lint reported before. Values of a fact that pass and fail exactly the same
comparisons are one value (the first of them is kept). :data:`MAX_STEPS`
bounds one search; a check past it is reported as not checked (no rule base
measured comes near it). tests/test_lint_solver.py holds the search to a
plain enumeration with conditions.evaluate.
"""

from __future__ import annotations

import itertools

from ..compiler import conjunctions
from ..conditions import Condition, compare, facts_used
from ..model import RuleBase
from .domains import MISSING, constants, domain

#: Most value choices one search makes.
MAX_STEPS = 2_000_000


class TooHard(Exception):
    """The search made MAX_STEPS choices without an answer."""

    def __init__(self, steps: int):
        super().__init__(f"{steps} partial fact assignments")
        self.steps = steps


class Problem:
    """Some conditions over the facts they read, ready for :meth:`first` questions about them.

    The domains come from the constants of all the conditions (more constants
    only split the domains finer, so every answer stays exact), built once for
    all the questions a check asks.
    """

    def __init__(self, rb: RuleBase, conditions, with_missing: bool = True):
        self.conditions = list(conditions)
        self.index = {id(c): i for i, c in enumerate(self.conditions)}
        self.fact_ids, self.domains = _space(rb, self.conditions, with_missing)
        self.position = {f: i for i, f in enumerate(self.fact_ids)}
        tests: list[set] = [set() for _ in self.fact_ids]
        # Per condition, its alternatives as lists of (fact index, indexes of the values that pass).
        self.alternatives: list[list[list[tuple[int, frozenset[int]]]]] = []
        for cond in self.conditions:
            alts = []
            for alt in _conjunctions(cond):
                leaves = []
                for fact, op, value in alt:
                    i = self.position[fact]
                    tests[i].add((op, value))
                    leaves.append((i, _passing(self.domains[i], op, value)))
                alts.append(leaves)
            self.alternatives.append(alts)
        self.kept = [_distinct(d, frozenset(t)) for d, t in zip(self.domains, tests)]
        self.missing = [d.index(MISSING) if d and d[-1] is MISSING else None for d in self.domains]

    def first(self, true=(), not_true=(), only: frozenset[str] | None = None) -> dict | None:
        """The first assignment (missing facts left out) making the conditions ``true`` true and
        none of ``not_true`` true, or None. ``only``: the facts outside it stay missing."""
        allowed = [list(k) for k in self.kept]
        if only is not None:
            for i, f in enumerate(self.fact_ids):
                if f not in only:
                    if self.missing[i] is None:
                        return None
                    allowed[i] = [self.missing[i]]
        must_not = [leaves for c in not_true for leaves in self.alternatives[self.index[id(c)]]]
        best, steps = None, [0]
        for combo in itertools.product(*(self.alternatives[self.index[id(c)]] for c in true)):
            narrowed = list(allowed)
            for leaves in combo:
                for i, passing in leaves:
                    narrowed[i] = [k for k in narrowed[i] if k in passing]
            if not all(narrowed):
                continue
            found = _Search(narrowed, must_not, steps).run()
            if found is not None and (best is None or found < best):
                best = found
        if best is None:
            return None
        return {f: self.domains[i][k] for i, (f, k) in enumerate(zip(self.fact_ids, best))
                if self.domains[i][k] is not MISSING}


def _passing(domain: list, op: str, value) -> frozenset[int]:
    return frozenset(k for k, v in enumerate(domain) if _passes(op, v, value))


def _passes(op: str, v, value) -> bool:
    return v is not MISSING and compare(op, v, value)


_DISTINCT: dict = {}


def _distinct(domain: list, tests: frozenset) -> list[int]:
    """Indexes of the values of ``domain`` to try: the first of each group that passes and fails
    the same comparisons (the others could only give the same outcome, later)."""
    key = (id(domain), tests)
    found = _DISTINCT.get(key)
    if found is not None and found[0] is domain:
        return found[1]
    seen, out = set(), []
    ordered = sorted(tests, key=repr)
    for k, v in enumerate(domain):
        signature = (v is MISSING,) + tuple(_passes(op, v, value) for op, value in ordered)
        if signature not in seen:
            seen.add(signature)
            out.append(k)
    if len(_DISTINCT) > 100_000:
        _DISTINCT.clear()
    _DISTINCT[key] = (domain, out)
    return out


# A lint run asks about the same conditions thousands of times: what depends
# only on a condition (or a fact and its constants) is computed once. Keyed by
# id, holding the object, so an id is never reused for another.
_MEMO: dict = {}


def _memo(kind: str, obj, make):
    key = (kind, id(obj))
    found = _MEMO.get(key)
    if found is None or found[0] is not obj:
        if len(_MEMO) > 200_000:
            _MEMO.clear()
        found = _MEMO[key] = (obj, make())
    return found[1]


def _conjunctions(cond: Condition):
    return _memo("dnf", cond, lambda: conjunctions(cond))


def _space(rb: RuleBase, conds, with_missing: bool) -> tuple[list[str], list[list]]:
    """Fact ids the conditions read (catalog order) and their domains (see domains.space)."""
    consts: dict[str, set] = {}
    for cond in conds:
        for fact, values in _memo("consts", cond, lambda c=cond: constants([c])).items():
            consts.setdefault(fact, set()).update(values)
    order = _memo("order", rb.facts, lambda: {f: i for i, f in enumerate(rb.facts)})
    fact_ids = sorted(consts, key=order.__getitem__)
    return fact_ids, [_domain(rb.facts[f], frozenset(consts[f]), with_missing) for f in fact_ids]


_DOMAINS: dict = {}


def _domain(fact, consts: frozenset, with_missing: bool) -> list:
    key = (fact.id, fact.type, fact.values, consts, with_missing)
    found = _DOMAINS.get(key)
    if found is None:
        if len(_DOMAINS) > 100_000:
            _DOMAINS.clear()
        found = _DOMAINS[key] = domain(fact, set(consts), with_missing)
    return found


class _Search:
    """Depth-first over the facts in order, with propagation of the must-not constraints."""

    def __init__(self, allowed: list[list[int]], must_not, steps: list[int]):
        self.allowed = allowed
        self.must_not = must_not
        self.steps = steps
        self.n = len(allowed)
        self.by_fact: list[list[int]] = [[] for _ in range(self.n)]
        for c, clause in enumerate(must_not):
            for i, _ in clause:
                self.by_fact[i].append(c)

    def run(self) -> tuple[int, ...] | None:
        # Per constraint, its comparisons that may still pass (None: one fails, it is met).
        open_leaves: list[list[int] | None] = [list(range(len(clause))) for clause in self.must_not]
        allowed = [set(a) for a in self.allowed]
        if not self._propagate(allowed, open_leaves, list(range(len(self.must_not)))):
            return None
        return self._assign(0, allowed, open_leaves, [])

    def _propagate(self, allowed, open_leaves, todo) -> bool:
        """Forbid the passing values of the last open comparison of each constraint in ``todo``."""
        while todo:
            c = todo.pop()
            leaves = open_leaves[c]
            if leaves is None or len(leaves) > 1:
                continue
            if not leaves:
                return False                # every comparison passes: the condition would be true
            i, passing = self.must_not[c][leaves[0]]
            if allowed[i] & passing:
                allowed[i] = allowed[i] - passing
                if not allowed[i]:
                    return False
        return True

    def _assign(self, i: int, allowed, open_leaves, chosen: list[int]):
        if i == self.n:
            return tuple(chosen)
        for k in sorted(allowed[i]):
            self.steps[0] += 1
            if self.steps[0] > MAX_STEPS:
                raise TooHard(self.steps[0])
            now = list(allowed)
            now[i] = {k}
            leaves = list(open_leaves)
            todo = []
            for c in self.by_fact[i]:
                if leaves[c] is None:
                    continue
                clause = self.must_not[c]
                on_i = [j for j in leaves[c] if clause[j][0] == i]
                if not on_i:
                    continue
                if any(k not in clause[j][1] for j in on_i):
                    leaves[c] = None        # one of its comparisons fails: met for good
                else:
                    leaves[c] = [j for j in leaves[c] if clause[j][0] != i]
                    todo.append(c)
            if self._propagate(now, leaves, todo):
                found = self._assign(i + 1, now, leaves, chosen + [k])
                if found is not None:
                    return found
        return None


def components(conds) -> list[list[int]]:
    """Indexes of ``conds`` grouped so that no two groups read a common fact."""
    conds = list(conds)
    parent = list(range(len(conds)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[str, int] = {}
    for i, c in enumerate(conds):
        for f in facts_used(c):
            if f in owner:
                parent[find(i)] = find(owner[f])
            else:
                owner[f] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(conds)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())
