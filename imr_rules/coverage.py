"""``imr-rules test --coverage``: which outcomes each rule and condition branch has seen.

In the manner of ``opa test --coverage``: for every active rule and every
branch of its condition (each comparison and each all/any node), which
outcomes (true/false/unknown) the rule examples (E) and the historical cases
(H) produced for items the rule applies to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .cases import Case
from .conditions import OUTCOME_WORD, All, Comparison, Condition, Not, evaluate, value_word
from .decision import ItemDecision
from .errors import InputError
from .evaluate import Evaluator
from .examples_runner import example_case
from .historical import case_files
from .inputs import load_any
from .model import Rule, RuleBase
from .paths import display_path

OUTCOMES = (True, False, None)
EXAMPLES, HISTORICAL = "E", "H"


@dataclass
class Branch:
    """One node of a rule's condition and the outcomes seen, by source (E/H)."""

    label: str
    line: int | None
    depth: int
    seen: dict = field(default_factory=lambda: {o: set() for o in OUTCOMES})


@dataclass
class RuleCoverage:
    rule: Rule
    branches: list[Branch]        # the root (the rule's own outcome) first
    decided: set = field(default_factory=set)


def _nodes(cond: Condition, depth: int = 0):
    """(node, label, depth) for each comparison and all/any node, depth first."""
    if isinstance(cond, Comparison):
        yield cond, f"{cond.fact} {cond.op} {value_word(cond.value)}", depth
    elif isinstance(cond, Not):
        yield from _nodes(cond.child, depth)      # a not's outcome is its child's, negated
    else:
        yield cond, "all" if isinstance(cond, All) else "any", depth
        for child in cond.children:
            yield from _nodes(child, depth + 1)


class Coverage:
    """Branch outcomes of every active rule, accumulated over evaluated items."""

    def __init__(self, rb: RuleBase):
        self.rb = rb
        self.rules = [RuleCoverage(r, [Branch(lbl, n.line, d) for n, lbl, d in _nodes(r.when)])
                      for r in rb.active_rules]
        self.notes: list[str] = []

    def record(self, case: Case, decision: ItemDecision, source: str) -> None:
        """Record the outcomes of every rule that applied to one decided item."""
        deciding = {r.id for r in decision.deciding}
        for rc in self.rules:
            rule = rc.rule
            if not (rule.applies_to.matches(decision.category, decision.body_region)
                    and rule.in_force(case.request_date)):
                continue
            for branch, (node, _, _) in zip(rc.branches, _nodes(rule.when)):
                branch.seen[evaluate(node, decision.facts)].add(source)
            if rule.id in deciding:
                rc.decided.add(source)

    def totals(self) -> tuple[int, int, int]:
        """(branch outcomes, exercised by examples, exercised by examples or historical cases)."""
        cells = [b.seen[o] for rc in self.rules for b in rc.branches for o in OUTCOMES]
        return len(cells), sum(1 for c in cells if EXAMPLES in c), sum(1 for c in cells if c)


def coverage(rb: RuleBase, historical: list[str], evaluator: Evaluator | None = None) -> Coverage:
    """Coverage of the active rules by their examples and the historical cases under ``historical``."""
    evaluator = evaluator or Evaluator(rb)
    cov = Coverage(rb)
    for rule in rb.active_rules:
        for n, ex in enumerate(rule.examples, 1):
            case = example_case(rule, n, ex, rb)
            cov.record(case, evaluator.decide(case)[0], EXAMPLES)
    for path in case_files(historical):
        try:
            case = load_any(str(path), rb)
        except InputError as exc:
            cov.notes.append(f"skipped {path}: {exc.message}")
            continue
        for d in evaluator.decide(case):
            cov.record(case, d, HISTORICAL)
    return cov


def render_coverage(cov: Coverage) -> str:
    """Per rule and branch: which outcomes examples (E) and historical cases (H) produced."""

    def cell(sources: set) -> str:
        return "".join(s if s in sources else "-" for s in (EXAMPLES, HISTORICAL))

    lines = ["coverage: outcomes seen per rule and condition branch (E: examples, H: historical cases)"]
    for rc in cov.rules:
        r = rc.rule
        lines.append(f"{display_path(r.where.file)}:{r.where.line} {r.id}  decided[{cell(rc.decided)}]")
        for b in rc.branches:
            outcomes = "  ".join(f"{OUTCOME_WORD[o]}[{cell(b.seen[o])}]" for o in OUTCOMES)
            at = f"line {b.line}" if b.line else "line ?"
            lines.append(f"  {at:<9} {'  ' * b.depth}{b.label:<{46 - 2 * b.depth}} {outcomes}")
    total, by_examples, by_any = cov.totals()
    pct = (lambda n: f"{100 * n / total:.0f}%") if total else (lambda n: "n/a")
    lines.append(f"branch outcomes exercised: {by_examples}/{total} ({pct(by_examples)}) by examples, "
                 f"{by_any}/{total} ({pct(by_any)}) by examples or historical cases")
    lines.extend(f"note: {n}" for n in cov.notes)
    return "\n".join(lines) + "\n"
