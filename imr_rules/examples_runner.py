"""``imr-rules test``: run every rule example through the real pipeline, and branch coverage.

Each example of an active rule becomes a one-item :class:`~imr_rules.cases.Case`
evaluated by :class:`~imr_rules.evaluate.Evaluator` (compiler, engine,
hierarchy), as a case file would be. It passes when the determination is the
expected one and, if the example names a ``deciding_rule``, that rule is among
the deciding rules (``deciding_rule: null``: no rule decides). Examples of
draft and retired rules are skipped: the engine only runs active rules.

Coverage (in the manner of ``opa test --coverage``) says, for every active rule
and every branch of its condition (each comparison and each all/any node),
which outcomes (true/false/unknown) the examples and the historical cases
produced for items the rule applies to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .cases import Case, RequestedItem
from .conditions import All, Comparison, Condition, Not, evaluate
from .decision import ItemDecision
from .errors import InputError
from .evaluate import Evaluator
from .inputs import CASE_SUFFIXES, LETTER_SUFFIXES, load_any
from .model import Example, Rule, RuleBase

OUTCOMES = (True, False, None)
OUTCOME_WORD = {True: "true", False: "false", None: "unknown"}
EXAMPLES, HISTORICAL = "E", "H"


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
        from .lint.report import display_path
        return f"{display_path(self.example.where.file)}:{self.example.where.line}::{self.rule.id}[example {self.number}]"


def example_case(rule: Rule, number: int, ex: Example) -> Case:
    """The one-item case an example stands for."""
    item = RequestedItem("example", ex.name, None, ex.category, ex.body_region, dict(ex.facts))
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
            decision = evaluator.decide(example_case(rule, n, ex))[0]
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


# -- coverage --------------------------------------------------------------

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
        value = [_word(v) for v in cond.value] if isinstance(cond.value, tuple) else _word(cond.value)
        yield cond, f"{cond.fact} {cond.op} {value}", depth
    elif isinstance(cond, Not):
        yield from _nodes(cond.child, depth)      # a not's outcome is its child's, negated
    else:
        yield cond, "all" if isinstance(cond, All) else "any", depth
        for child in cond.children:
            yield from _nodes(child, depth + 1)


def _word(v) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


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
            case = example_case(rule, n, ex)
            cov.record(case, evaluator.decide(case)[0], EXAMPLES)
    letters_ok = _letters_available()
    skipped_letters = 0
    for path in historical_files(historical):
        if path.suffix.lower() in LETTER_SUFFIXES and not letters_ok:
            skipped_letters += 1
            continue
        try:
            case = load_any(str(path), rb)
        except InputError as exc:
            cov.notes.append(f"skipped {path}: {exc.message}")
            continue
        for d in evaluator.decide(case):
            cov.record(case, d, HISTORICAL)
    if skipped_letters:
        cov.notes.append(f"skipped {skipped_letters} letter(s): the letter importer (imr_rules.letters) "
                         "is not available in this build")
    return cov


def historical_files(paths: list[str]) -> list[Path]:
    """Case files and letters under ``paths`` (files, or folders searched recursively), sorted."""
    suffixes = CASE_SUFFIXES + LETTER_SUFFIXES
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes
                              and not f.name.startswith((".", "_"))))
        elif p.is_file():
            out.append(p)
        else:
            raise InputError("historical case file or folder not found", str(p), hint="check the path")
    return out


def _letters_available() -> bool:
    try:
        from .letters import import_letter_file, load_fact_patterns  # noqa: F401  (what load_any needs)
    except ImportError:
        return False
    return True


def render_coverage(cov: Coverage) -> str:
    """Per rule and branch: which outcomes examples (E) and historical cases (H) produced."""
    from .lint.report import display_path

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
