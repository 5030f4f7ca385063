"""The lint search (imr_rules.lint.solver) against a plain enumeration of every assignment with
the engine's semantics (conditions.evaluate): same answer, same first witness."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imr_rules.conditions import evaluate, facts_used
from imr_rules.lint.domains import assignments
from imr_rules.lint.solver import Problem

from test_engine_properties import FACTS, conditions


class _RuleBase:
    facts = FACTS


def _enumerated(problem: Problem, true, not_true, only):
    fact_ids, domains = problem.fact_ids, problem.domains
    if only is not None:
        domains = [d if f in only else [None] for f, d in zip(fact_ids, domains)]
    for w in assignments(fact_ids, domains, limit=10 ** 9):
        if all(evaluate(c, w) is True for c in true) and not any(evaluate(c, w) is True for c in not_true):
            return w
    return None


@pytest.mark.timeout(300, method="thread")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(conditions, min_size=1, max_size=4), st.data())
def test_first_assignment_is_the_enumerations_first(conds, data):
    n_true = data.draw(st.integers(0, min(2, len(conds))))
    true, not_true = conds[:n_true], conds[n_true:]
    with_missing = data.draw(st.booleans())
    used = sorted({f for c in conds for f in facts_used(c)})
    only = data.draw(st.one_of(st.none(), st.sets(st.sampled_from(used)).map(frozenset))) if with_missing else None
    problem = Problem(_RuleBase(), conds, with_missing=with_missing)
    if len(problem.fact_ids) > 5:
        return          # keeps the plain enumeration small
    assert problem.first(true, not_true, only) == _enumerated(problem, true, not_true, only)
