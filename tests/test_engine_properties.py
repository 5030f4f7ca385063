"""Generated rule sets and cases: the engine agrees with the plain-Python semantics.

conditions.evaluate is the statement of what a condition means (Kleene logic
over missing facts). For random condition trees over every fact type, the
durable_rules engine must report exactly the rules that hold and those that
fail, and the determinations built on it must match; and it must never hang
or crash (per-test timeout in thread mode, which also stops a hang in C code).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from imr_rules.cases import Case, RequestedItem
from imr_rules.compiler import (FAILS, HOLDS, MAX_ALTERNATIVES, MAX_FACTS_PER_RULE, ConditionTooComplex, _dnf, _scopes,
                                check_size, compile_rules)
from imr_rules.conditions import All, Any_, Comparison, Not, evaluate, facts_used, negation_normal_form
from imr_rules.decision import decide_item, rules_by_category
from imr_rules.engine import Engine
from imr_rules.evaluate import Evaluator
from imr_rules.model import AppliesTo, Excerpt, Fact, Guideline, Rule, Where

W = Where("generated.yaml", 1)
FACTS = {
    "b1": Fact("b1", "boolean", "", "", None, None, W),
    "b2": Fact("b2", "boolean", "", "", None, None, W),
    "n1": Fact("n1", "number", "", "", None, None, W),
    "e1": Fact("e1", "enum", "", "", ("a", "b", "c-d"), None, W),
    "d1": Fact("d1", "date", "", "", None, None, W),
    "s1": Fact("s1", "string", "", "", None, None, W),
}
# durable_rules refused many finite numbers ("error code: 204": 0.00001, 1e16,
# 1e300, whose JSON has an exponent); numbers reach it as ranks now, so any
# finite int or float works. Shared constants make equalities likely.
NUMBERS = st.one_of(
    st.sampled_from([-2, 0, 1, 1.5, 3, 1e6, 0.00001, 1e16, 1e300, -1e300, 5e-324, 2 ** 64, 10 ** 30, -0.0, 0.1]),
    st.floats(allow_nan=False, allow_infinity=False), st.integers(-(2 ** 70), 2 ** 70))
DATES = st.sampled_from([dt.date(2013, 3, 6), dt.date(2014, 8, 20), dt.date(2020, 1, 1)])
STRINGS = st.sampled_from(["x", "y", "", "quote\"d", "dollar$.*", "ünïcode"])
VALUES = {"b1": st.booleans(), "b2": st.booleans(), "n1": NUMBERS, "e1": st.sampled_from(["a", "b", "c-d"]),
          "d1": DATES, "s1": STRINGS}
ORDERED = ["==", "!=", "<", "<=", ">", ">=", "in", "not in"]
EQUALITY = ["==", "!=", "in", "not in"]
CATEGORIES = ["kit", "gym"]
REGIONS = ["lumbar", "knee", "unspecified"]
GUIDELINES = {t: Guideline(t, t, "1", t, t, W) for t in ("mtus", "non_mtus")}
EXCERPTS = {t: Excerpt(f"{t}-x", g, "s", None, "text", None, W) for t, g in GUIDELINES.items()}


@st.composite
def comparisons(draw):
    fact = draw(st.sampled_from(sorted(FACTS)))
    ops = ORDERED if FACTS[fact].type in ("number", "date") else EQUALITY
    op = draw(st.sampled_from(ops))
    if op in ("in", "not in"):
        value = tuple(draw(st.lists(VALUES[fact], min_size=1, max_size=3)))
    else:
        value = draw(VALUES[fact])
    return Comparison(fact, op, value)


conditions = st.recursive(
    comparisons(),
    lambda inner: st.one_of(
        st.builds(lambda c: All(tuple(c)), st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda c: Any_(tuple(c)), st.lists(inner, min_size=1, max_size=3)),
        st.builds(Not, inner)),
    max_leaves=12)


@st.composite
def rules(draw):
    n = draw(st.integers(1, 6))
    out = []
    for i in range(n):
        regions = draw(st.one_of(st.none(), st.sets(st.sampled_from(REGIONS), min_size=1)))
        except_ = frozenset() if regions else frozenset(draw(st.sets(st.sampled_from(REGIONS), max_size=1)))
        out.append(Rule(
            id=f"r{i}", title="t", description=None,
            applies_to=AppliesTo(frozenset(draw(st.sets(st.sampled_from(CATEGORIES), min_size=1))),
                                 frozenset(regions) if regions else None, except_),
            when=draw(conditions),
            determination=draw(st.sampled_from(["medically_necessary", "not_medically_necessary"])),
            finding="f", cites=(EXCERPTS[draw(st.sampled_from(["mtus", "non_mtus"]))],),
            priority=draw(st.integers(0, 2)), status="active", effective_from=None, effective_until=None,
            examples=(), where=W))
    return out


@st.composite
def item_facts(draw):
    facts = {}
    for fact, values in VALUES.items():
        if draw(st.booleans()):
            facts[fact] = draw(values)
    return facts


class _RuleBase:
    """Just what decide_item needs of a rule base."""

    def __init__(self, rules):
        self.rules = tuple(rules)
        self.facts = FACTS
        self.active_rules = self.rules
        self.fingerprint = "generated"


@pytest.mark.timeout(300, method="thread")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules(), st.lists(st.tuples(st.sampled_from(CATEGORIES + ["other"]), st.sampled_from(REGIONS), item_facts()),
                         min_size=1, max_size=5))
def test_engine_matches_kleene_semantics(rule_list, items):
    try:
        compiled = compile_rules(rule_list)
        compiled.engine_rules()         # categories compile on first use: all of them now
    except ConditionTooComplex:
        assume(False)       # refused at load time with a message (test_bad_input); not an engine case
    engine = Engine(compiled)
    rb = _RuleBase(rule_list)
    by_category = rules_by_category(rb)
    evaluator = Evaluator(rb)
    for category, region, facts in items:
        holds, fails = engine.outcomes(category, region, facts)
        expected_holds, expected_fails = set(), set()
        for rule in rule_list:
            if not rule.applies_to.matches(category, region):
                continue
            value = evaluate(rule.when, facts)
            if value is True:
                expected_holds.add(rule.id)
            elif value is False:
                expected_fails.add(rule.id)
        assert holds == expected_holds, (category, region, facts)
        assert fails == expected_fails, (category, region, facts)
        case = Case("c", (RequestedItem("i", "n", None, category, region, facts),), {})
        item = case.items[0]
        got = decide_item(rb, by_category, case, item, category, region, facts, holds, fails)
        want = decide_item(rb, by_category, case, item, category, region, facts,
                           frozenset(expected_holds), frozenset(expected_fails))
        assert (got.determination, got.conflict, [r.id for r in got.deciding], got.gaps) == \
            (want.determination, want.conflict, [r.id for r in want.deciding], want.gaps)
        # The evaluator asks the engine only for the outcomes the decision needs
        # (holds first, then the fails of some rules): the same decision.
        fast = evaluator.decide(case)[0]
        assert (fast.determination, fast.conflict, [r.id for r in fast.deciding], fast.gaps, fast.fired) == \
            (want.determination, want.conflict, [r.id for r in want.deciding], want.gaps, want.fired)
        assert {(o.rule.id, o.value) for o in fast.outcomes} <= {(o.rule.id, o.value) for o in want.outcomes}
        assert evaluator.decide(case, complete=True)[0].outcomes == want.outcomes


def _check_against_kleene(rule_list, samples):
    engine = Engine(compile_rules(rule_list))
    for category, region, facts in samples:
        holds, fails = engine.outcomes(category, region, facts)
        want = {r.id: evaluate(r.when, facts) for r in rule_list if r.applies_to.matches(category, region)}
        assert holds == {k for k, v in want.items() if v is True}
        assert fails == {k for k, v in want.items() if v is False}


def _rule(i, when, categories=("kit",)):
    return Rule(f"r{i}", "t", None, AppliesTo(frozenset(categories), None, frozenset()), when,
                "medically_necessary", "f", (EXCERPTS["mtus"],), 0, "active", None, None, (), W)


SAMPLES = [("kit", "lumbar", {}), ("kit", "knee", {"b1": True, "b2": False, "n1": 1}),
           ("kit", "lumbar", {"b1": False, "b2": True, "n1": 3, "e1": "a"}), ("gym", "knee", {"b1": False})]


@pytest.mark.timeout(120, method="thread")
def test_deeply_nested_conditions_compile_and_agree():
    """Nested groups the engine refuses as written (error 113 with eight nested
    $and groups) are flattened by the compiler."""
    leaf = Comparison("b1", "==", False)
    nested = All(tuple(All((All((leaf,)), Any_((All((leaf,)),)))) for _ in range(10))
                 + (Any_((Comparison("n1", ">", 0), leaf)),))
    deep = leaf
    for _ in range(5):
        deep = Not(All((deep, Any_((Comparison("b2", "==", True), Comparison("e1", "in", ("a", "b")))))))
    _check_against_kleene([_rule(0, nested), _rule(1, deep)], SAMPLES)


@pytest.mark.timeout(300, method="thread")
def test_more_engine_rules_than_one_ruleset_takes():
    """The engine hangs on a ruleset of over 512 rules: rules are split across rulesets
    of at most WIDE_SIZE. Here hundreds of engine rules match one item."""
    from imr_rules.engine import WIDE_SIZE
    rule_list = [_rule(i, Any_((Comparison("n1", "==", i), Comparison("b1", "==", bool(i % 2)))))
                 for i in range(300)]         # 300 rules x 2 holds alternatives = 600 engine rules
    engine = Engine(compile_rules(rule_list))
    wide = engine._category("kit").holds
    assert len(wide) == 2 and all(len(w.rule_ids) < WIDE_SIZE for w in wide)
    _check_against_kleene(rule_list, SAMPLES + [("kit", "lumbar", {"n1": 7, "b1": True})])


@pytest.mark.timeout(120, method="thread")
def test_many_evaluations_do_not_exhaust_engine_sessions(evaluator):
    """State is deleted after every item: far more than the ~1,000-2,000 live
    sessions at which durable_rules runs out of memory."""
    from conftest import make_case
    case = make_case("1 LUMBAR REHABILITATION KIT", facts={"goals_documented": False})
    for _ in range(5000):
        assert evaluator.evaluate(case)["items"][0]["determination"] == "not_medically_necessary"


@pytest.mark.timeout(60, method="thread")
def test_item_no_rule_matches_does_not_crash(evaluator):
    """An item fact that no decision rule matches would raise and then segfault
    without the sentinel rule; here it is evaluated many times."""
    engine = evaluator.engine
    for _ in range(100):
        assert engine.outcomes("home_exercise_equipment", "nowhere", {}) == (frozenset(), frozenset())
        assert engine.outcomes("no-such-category", "lumbar", {"b": 1}) == (frozenset(), frozenset())


@pytest.mark.timeout(300, method="thread")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(ORDERED), NUMBERS), min_size=1, max_size=6),
       st.lists(st.one_of(st.none(), NUMBERS), min_size=1, max_size=8))
def test_every_finite_number_works_in_rules_and_facts(comparisons, values):
    """Rules comparing one number fact with any finite numbers, and items stating any
    finite number: the engine agrees with Python's exact comparisons."""
    rule_list = [_rule(i, Comparison("n1", op, (value,) if op in ("in", "not in") else value))
                 for i, (op, value) in enumerate(comparisons)]
    _check_against_kleene(rule_list, [("kit", "lumbar", {} if v is None else {"n1": v}) for v in values])


@pytest.mark.parametrize("op, value, stated, holds", [
    # Rule values as YAML writes floats ("1.0e+16"; yamlio reads "1e16" as a number too);
    # stated values through --jsonl, whose JSON writes 1e-06 and 1e+16.
    ("<", "0.00001", 0.000001, True), ("<", "0.00001", 0.00001, False), ("==", "1.0e+16", 1e16, True),
    (">=", "1.0e+300", 1e300, True), (">=", "1.0e+300", 9.9e299, False), (">", "-1.0e+300", -1e299, True),
    ("in", "[0.00001, 1.0e+16, 1.0e+300]", 1e16, True), ("==", "12", 12.0, True),
    ("<", "100000000000000000000", 10 ** 20 - 1, True),
])
def test_numbers_the_engine_could_not_hold_work_end_to_end(cli, rules_copy, tmp_path, op, value, stated, holds):
    from test_lint_helpers import add_fact, plant_rules, rule
    rules, guidelines = rules_copy
    add_fact(rules, "doses_per_day", "number")
    plant_rules(rules, rule("dose-rule", f"{{fact: doses_per_day, op: '{op}', value: {value}}}",
                            determination="medically_necessary", priority=0, examples=None))
    assert cli("validate", "--rules", rules, "--guidelines", guidelines).exit_code == 0
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"case_id": "n", "items": [{"name": "Home exercise kit"}],
                                 "facts": {"doses_per_day": stated}}) + "\n")
    result = cli("evaluate", "--jsonl", cases, "--rules", rules, "--guidelines", guidelines)
    assert result.exit_code == 0, result.output
    item = json.loads(result.stdout)["items"][0]
    assert ("dose-rule" in item["fired_rules"]) is holds


@pytest.mark.timeout(300, method="thread")
def test_categories_reading_more_facts_than_an_engine_fact_holds():
    """durable_rules refuses a fact of over 255 properties: an item's engine fact carries only
    the facts its category's rules read, and rulesets that together read more get facts of
    their own. Here rules read 320 facts and items state 600."""
    facts = {f"x{i}": Fact(f"x{i}", "number", "", "", None, None, W) for i in range(600)}
    rule_list = [_rule(i, All(tuple(Comparison(f"x{j}", ">", j % 5) for j in range(8 * i, 8 * i + 8))))
                 for i in range(40)]
    engine = Engine(compile_rules(rule_list))
    rng = __import__("random").Random(3)
    samples = [("kit", "lumbar", {f: rng.choice([0, 3, 9, None]) for f in facts}) for _ in range(30)]
    samples = [(c, r, {k: v for k, v in f.items() if v is not None}) for c, r, f in samples]
    _check_against_kleene(rule_list, samples)
    assert engine.rulesets("kit") >= 2


@pytest.mark.timeout(300, method="thread")
def test_an_item_that_overflows_a_wide_ruleset_gets_every_firing():
    """A category's "holds" rules share one wide ruleset; an item for which more than
    64 rules with different comparisons hold overflows durable's alpha-node stack
    (error 303) and is asserted into narrow rulesets instead, with the same answer."""
    rule_list = [_rule(i, Comparison("n1", ">=", i)) for i in range(150)]
    engine = Engine(compile_rules(rule_list))
    wide = engine._category("kit").holds
    assert len(wide) == 1 and len(wide[0].rule_ids) == 150      # one ruleset holds every rule
    samples = [("kit", "lumbar", {"n1": n}) for n in (3, 60, 149, 1000, 5)]
    _check_against_kleene(rule_list, samples)
    for category, region, facts in samples:
        holds, _ = engine.outcomes(category, region, facts)
        assert holds == {f"r{i}" for i in range(150) if facts["n1"] >= i}
    assert wide[0].overflows == 2        # n1 = 149 and 1000; the narrow rulesets answered them


def _expands_past_the_limits(rule) -> bool:
    """The definition check_size stands for: the rule's alternatives, expanded."""
    if len(facts_used(rule.when)) > MAX_FACTS_PER_RULE:
        return True
    return any(len(_scopes(rule)) * len(_dnf(negation_normal_form(rule.when, side == FAILS), MAX_ALTERNATIVES))
               > MAX_ALTERNATIVES for side in (HOLDS, FAILS))


def _refused(rule) -> bool:
    try:
        check_size(rule)
    except ConditionTooComplex:
        return True
    return False


@settings(max_examples=400, deadline=None)
@given(rules())
def test_the_size_check_refuses_exactly_the_rules_whose_expansion_is_too_large(rule_list):
    # The loader counts alternatives (an upper bound first) instead of building them.
    for rule in rule_list:
        assert _refused(rule) == _expands_past_the_limits(rule)


def test_the_size_check_counts_alternatives_after_removing_duplicates():
    either = Any_((Comparison("b1", "==", True), Comparison("b1", "==", True)))
    two = Any_((Comparison("b1", "==", True), Comparison("b2", "==", True)))
    same = _rule(1, All((either,) * 7))          # 2**7 before duplicates are removed, 1 after
    many = _rule(2, All((two,) * 7))             # distinct alternatives: more than the engine takes
    assert not _expands_past_the_limits(same) and not _refused(same)
    assert _expands_past_the_limits(many) and _refused(many)
