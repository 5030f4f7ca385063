"""``imr-rules test``: run every rule example through the real pipeline.

Each example of an active rule becomes a one-item :class:`~imr_rules.cases.Case`
evaluated by :class:`~imr_rules.evaluate.Evaluator` (compiler, engine,
hierarchy), as a case file would be. It passes when the determination is the
expected one and, if the example names a ``deciding_rule``, that rule is among
the deciding rules (``deciding_rule: null``: no rule decides). Examples of
draft and retired rules are skipped: the engine only runs active rules.

Branch coverage (``imr-rules test --coverage``) is in :mod:`imr_rules.coverage`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cases import Case, RequestedItem, _derived
from .decision import ItemDecision
from .evaluate import Evaluator
from .model import Example, Rule, RuleBase
from .paths import display_path


@dataclass
class ExampleResult:
    rule: Rule
    number: int                  # 1-based, as the test id shows it
    example: Example
    decision: ItemDecision | None
    failure: str | None = None   # why it failed; None when it passed or was skipped
    skipped: str | None = None   # why it was not run (the rule is not active)

    @property
    def failed(self) -> bool:
        return self.failure is not None

    @property
    def test_id(self) -> str:
        return f"{display_path(self.example.where.file)}:{self.example.where.line}::{self.rule.id}[example {self.number}]"


def example_case(rule: Rule, number: int, ex: Example, rb: RuleBase | None = None) -> Case:
    """The one-item case an example stands for. With the rule base, the facts the request
    itself states are derived from the example's name, as for a case's item."""
    facts = dict(ex.facts)
    if rb is not None and rb.derived_facts:
        facts = _derived(rb, ex.name, facts, {})
    item = RequestedItem("example", ex.name, None, ex.category, ex.body_region, facts)
    return Case(case_id=f"{rule.id}[example {number}]", items=(item,), facts={}, source=ex.where.file)


def run_examples(rb: RuleBase, evaluator: Evaluator | None = None) -> list[ExampleResult]:
    """The result of every example of every rule, in file order."""
    evaluator = evaluator or Evaluator(rb)
    out = []
    for rule in rb.rules:
        for n, ex in enumerate(rule.examples, 1):
            if rule.status != "active":
                out.append(ExampleResult(rule, n, ex, None, skipped=f"rule is {rule.status}"))
                continue
            decision = evaluator.decide(example_case(rule, n, ex, rb))[0]
            out.append(ExampleResult(rule, n, ex, decision, _check(ex, decision)))
    return out


def _check(ex: Example, d: ItemDecision) -> str | None:
    deciding = [r.id for r in d.deciding]
    got = f"{d.determination} decided by {', '.join(deciding) or 'no rule'}"
    if ex.expects_rule and ex.deciding_rule is None:
        expected = f"{ex.determination} decided by no rule"
        ok = not deciding
    elif ex.expects_rule:
        expected = f"{ex.determination} decided by {ex.deciding_rule}"
        ok = ex.deciding_rule in deciding
    else:
        expected, ok = ex.determination, True
    if ok and d.determination == ex.determination:
        return None
    return f"expected {expected}, got {got}"


def render_results(results: list[ExampleResult]) -> str:
    """pytest-like: a FAILED line per failure, then ``N passed, M failed``."""
    lines = [f"FAILED {r.test_id} - {r.failure}" for r in results if r.failed]
    skipped = sum(1 for r in results if r.skipped)
    failed = len(lines)
    passed = len(results) - failed - skipped
    summary = f"{passed} passed, {failed} failed" + (f", {skipped} skipped (rules not active)" if skipped else "")
    return "\n".join(lines + [summary]) + "\n"
