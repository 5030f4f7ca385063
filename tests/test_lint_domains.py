"""The finite domains behind conflict, gap and shadow checks."""

from __future__ import annotations

import datetime as dt

import pytest

from imr_rules.lint.domains import MISSING, TooMany, assignments, dates_overlap, domain, show
from imr_rules.model import Fact, Where


def fact(type_, values=None):
    return Fact("f", type_, "", "", values, None, Where("facts.yaml", 1))


def test_number_domain_has_boundaries_neighbours_and_midpoints():
    assert domain(fact("number"), {2, 3}, with_missing=False) == [1, 2, 2.5, 3, 4]
    assert domain(fact("number"), set(), with_missing=True) == [0, MISSING]


def test_date_domain_has_the_day_before_and_after():
    d = dt.date(2020, 5, 1)
    assert domain(fact("date"), {d}, with_missing=False) == [dt.date(2020, 4, 30), d, dt.date(2020, 5, 2)]


def test_string_and_enum_domains():
    assert domain(fact("string"), {"other", "x"}, with_missing=False) == ["other", "x", "other_"]
    assert domain(fact("enum", ("a", "b")), set(), with_missing=True) == ["a", "b", MISSING]


def test_assignments_leave_missing_facts_out_and_refuse_huge_spaces():
    got = list(assignments(["a", "b"], [[True, MISSING], [False]]))
    assert got == [{"a": True, "b": False}, {"b": False}]
    assert show(got[1], ["a", "b"]) == "a=missing, b=false"
    with pytest.raises(TooMany) as exc:
        list(assignments(["a", "b", "c"], [[1, 2, 3]] * 3, limit=26))
    assert exc.value.count == 27


def test_dates_overlap():
    class R:
        def __init__(self, start, end):
            self.effective_from, self.effective_until = start, end
    jan, feb, mar = dt.date(2020, 1, 1), dt.date(2020, 2, 1), dt.date(2020, 3, 1)
    assert dates_overlap(R(None, None), R(jan, feb))
    assert not dates_overlap(R(None, jan), R(feb, None))
    assert dates_overlap(R(jan, feb), R(feb, mar))
