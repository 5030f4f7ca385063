"""Commands of the policy-editor toolkit: lint, test, explain, diff (see register).

Each command parses its arguments, calls one function, renders, and picks the
exit code: 0 success, 1 problems found (findings, failing examples, changes
with --fail-on-change), 2 invalid input.
"""

import contextlib
from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .common import EXIT_OK, EXIT_PROBLEMS, Guidelines, Rules, emit, load, tell_rule_base


class LintFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"


class Severity(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"


class ExplainFormat(str, Enum):
    text = "text"
    json = "json"


def _lint_summary(findings, validators: int, hidden: int = 0, below: str = "low") -> str:
    counts = ", ".join(f"{n} {s}" for s in ("high", "medium", "low")
                       if (n := sum(1 for f in findings if f.severity == s)))
    return (f"{len(findings)} findings" + (f" ({counts})" if counts else "") + f" from {validators} validators"
            + (f"; {hidden} below {below} not shown" if hidden else ""))


def lint(
    rules: Rules = None,
    guidelines: Guidelines = None,
    fmt: Annotated[LintFormat, typer.Option("--format", "-f", help="Output format.")] = LintFormat.text,
    fail_on: Annotated[Severity, typer.Option(
        "--fail-on", help="Exit 1 when a finding is at least this severe.")] = Severity.medium,
    historical: Annotated[Optional[List[Path]], typer.Option(
        "--historical", help="Historical letters for the fact-pattern check "
                             "(default: tests/historical beside the rules folder).")] = None,
    min_severity: Annotated[Severity, typer.Option(
        "--min-severity", help="Show only findings at least this severe.")] = Severity.low,
):
    """Validate the rule base, then check conflicts, gaps, shadowing, quotations, usage, patterns."""
    from ..lint import VALIDATORS, at_least, default_historical, lint as run_lint, reaches
    from ..lint.report import RENDERERS
    rb = load(rules, guidelines)
    everything = run_lint(rb, historical if historical else default_historical(rb))
    findings = at_least(everything, min_severity.value)
    emit(RENDERERS[fmt.value](findings, VALIDATORS), nl=False)
    if fmt == LintFormat.text:
        emit(_lint_summary(findings, len(VALIDATORS), len(everything) - len(findings), min_severity.value))
    raise typer.Exit(EXIT_PROBLEMS if reaches(findings, fail_on.value) else EXIT_OK)


def examples(
    historical: Annotated[Optional[List[str]], typer.Argument(
        metavar="[HISTORICAL]...",
        help="Case files, letters or folders for --coverage (default: tests/historical beside the rules).")] = None,
    rules: Rules = None,
    guidelines: Guidelines = None,
    show_coverage: Annotated[bool, typer.Option(
        "--coverage", help="Report which rule and branch outcomes were exercised.")] = False,
):
    """Run every rule example through the pipeline; with --coverage, report branch coverage."""
    from ..evaluate import Evaluator
    from ..examples_runner import render_results, run_examples
    rb = load(rules, guidelines)
    evaluator = Evaluator(rb)
    results = run_examples(rb, evaluator)
    cov = None
    if show_coverage:
        from ..coverage import coverage
        from ..lint import default_historical
        cov = coverage(rb, historical or [str(p) for p in default_historical(rb)], evaluator)
    emit(render_results(results), nl=False)
    if cov is not None:
        from ..coverage import render_coverage
        emit(render_coverage(cov), nl=False)
    raise typer.Exit(EXIT_PROBLEMS if any(r.failed for r in results) else EXIT_OK)


def explain(
    case: Annotated[str, typer.Argument(metavar="CASE|LETTER", help="A case file, a letter (.pdf or .txt), or - for stdin.")],
    item: Annotated[Optional[str], typer.Option("--item", help="Explain only this item id.")] = None,
    rules: Rules = None,
    guidelines: Guidelines = None,
    fmt: Annotated[ExplainFormat, typer.Option("--format", "-f", help="Output format.")] = ExplainFormat.text,
):
    """Trace how each item was decided: classification, every applicable rule, each comparison."""
    from ..explain import explain_case, render_text
    from ..inputs import load_any
    from ..render import to_json
    rb = load(rules, guidelines)
    loaded = load_any(case, rb)
    items = explain_case(rb, loaded, item)
    if fmt == ExplainFormat.json:
        emit(to_json({"case_id": loaded.case_id, "items": items}))
    else:
        emit(render_text(items, case), nl=False)


def diff(
    historical: Annotated[List[str], typer.Argument(
        metavar="HISTORICAL...", help="Case files, letters, or folders of them (recursive).")],
    base: Annotated[str, typer.Option(
        "--base", help="Base rules: a folder (with rules/, or a rules folder) or a git revision of this "
                       "repository.")],
    head: Annotated[Optional[str], typer.Option(
        "--head", help="Head rules folder (default: the current rules).")] = None,
    guidelines: Guidelines = None,
    fail_on_change: Annotated[bool, typer.Option("--fail-on-change", help="Exit 1 when anything changed.")] = False,
):
    """List every historical item whose determination, basis or documentation gaps change."""
    from ..diff import diff as run_diff, load_side, render_text
    with contextlib.ExitStack() as stack:
        before = load_side(base, guidelines, stack)
        tell_rule_base(before, "base ")
        after = load_side(head, guidelines, stack)
        tell_rule_base(after, "head ", defaults=(head is None, guidelines is None))
        report = run_diff(before, after, historical)
    emit(render_text(report, base, head or "current rules"), nl=False)
    raise typer.Exit(EXIT_PROBLEMS if fail_on_change and report.changes else EXIT_OK)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `imr-rules` app."""
    app.command("lint")(lint)
    app.command("test")(examples)
    app.command("explain")(explain)
    app.command("diff")(diff)
