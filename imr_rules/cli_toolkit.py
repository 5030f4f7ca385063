"""Commands of the policy-editor toolkit: lint, test, explain, diff (see register).

Each command parses its arguments, calls one function, renders, and picks the
exit code: 0 success, 1 problems found (findings, failing examples, changes
with --fail-on-change), 2 invalid input.
"""

from __future__ import annotations

import contextlib
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from .cli_common import EXIT_OK, EXIT_PROBLEMS, GuidelinesOpt, RulesOpt, fail, load
from .errors import InputError


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


def _lint_summary(findings, validators: int) -> str:
    counts = ", ".join(f"{n} {s}" for s in ("high", "medium", "low")
                       if (n := sum(1 for f in findings if f.severity == s)))
    return f"{len(findings)} findings" + (f" ({counts})" if counts else "") + f" from {validators} validators"


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `imr-rules` app."""

    @app.command("lint")
    def lint_command(
        rules: Optional[Path] = RulesOpt,
        guidelines: Optional[Path] = GuidelinesOpt,
        fmt: LintFormat = typer.Option(LintFormat.text, "--format", "-f", help="Output format."),
        fail_on: Severity = typer.Option(Severity.medium, "--fail-on",
                                         help="Exit 1 when a finding is at least this severe."),
        historical: Optional[List[Path]] = typer.Option(
            None, "--historical", help="Historical letters for the fact-pattern check "
                                       "(default: tests/historical beside the rules folder)."),
    ):
        """Validate the rule base, then check conflicts, gaps, shadowing, quotations, usage, patterns."""
        from .lint import VALIDATORS, default_historical, lint, reaches
        from .lint.report import RENDERERS
        try:
            rb = load(rules, guidelines)
            findings = lint(rb, historical if historical else default_historical(rb))
        except InputError as exc:
            fail(exc)
        typer.echo(RENDERERS[fmt.value](findings, VALIDATORS), nl=False)
        if fmt == LintFormat.text:
            typer.echo(_lint_summary(findings, len(VALIDATORS)))
        raise typer.Exit(EXIT_PROBLEMS if reaches(findings, fail_on.value) else EXIT_OK)

    @app.command("test")
    def test_command(
        historical: Optional[List[str]] = typer.Argument(
            None, metavar="[HISTORICAL]...",
            help="Case files, letters or folders for --coverage (default: tests/historical beside the rules)."),
        rules: Optional[Path] = RulesOpt,
        guidelines: Optional[Path] = GuidelinesOpt,
        show_coverage: bool = typer.Option(False, "--coverage",
                                           help="Report which rule and branch outcomes were exercised."),
    ):
        """Run every rule example through the pipeline; with --coverage, report branch coverage."""
        from .evaluate import Evaluator
        from .examples_runner import coverage, render_coverage, render_results, run_examples
        try:
            rb = load(rules, guidelines)
            evaluator = Evaluator(rb)
            results = run_examples(rb, evaluator)
            cov = None
            if show_coverage:
                from .lint import default_historical
                cov = coverage(rb, historical or [str(p) for p in default_historical(rb)], evaluator)
        except InputError as exc:
            fail(exc)
        typer.echo(render_results(results), nl=False)
        if cov is not None:
            typer.echo(render_coverage(cov), nl=False)
        raise typer.Exit(EXIT_PROBLEMS if any(r.failed for r in results) else EXIT_OK)

    @app.command("explain")
    def explain_command(
        case: str = typer.Argument(..., metavar="CASE|LETTER", help="A case file, a letter (.pdf or .txt), or - for stdin."),
        item: Optional[str] = typer.Option(None, "--item", help="Explain only this item id."),
        rules: Optional[Path] = RulesOpt,
        guidelines: Optional[Path] = GuidelinesOpt,
        fmt: ExplainFormat = typer.Option(ExplainFormat.text, "--format", "-f", help="Output format."),
    ):
        """Trace how each item was decided: classification, every applicable rule, each comparison."""
        from .explain import explain_case, render_text
        from .inputs import load_any
        from .render import to_json
        try:
            rb = load(rules, guidelines)
            loaded = load_any(case, rb)
            items = explain_case(rb, loaded, item)
        except InputError as exc:
            fail(exc)
        if fmt == ExplainFormat.json:
            typer.echo(to_json({"case_id": loaded.case_id, "items": items}))
        else:
            typer.echo(render_text(items, case), nl=False)

    @app.command("diff")
    def diff_command(
        historical: List[str] = typer.Argument(..., metavar="HISTORICAL...",
                                               help="Case files, letters, or folders of them (recursive)."),
        base: str = typer.Option(..., "--base", help="Base rules: a folder (with rules/, or a rules folder) "
                                                     "or a git revision of this repository."),
        head: Optional[str] = typer.Option(None, "--head", help="Head rules folder (default: the current rules)."),
        guidelines: Optional[Path] = GuidelinesOpt,
        fail_on_change: bool = typer.Option(False, "--fail-on-change", help="Exit 1 when anything changed."),
    ):
        """List every historical item whose determination, basis or documentation gaps change."""
        from .diff import diff, load_side, render_text
        try:
            with contextlib.ExitStack() as stack:
                report = diff(load_side(base, guidelines, stack), load_side(head, guidelines, stack), historical)
        except InputError as exc:
            fail(exc)
        typer.echo(render_text(report, base, head or "current rules"), nl=False)
        raise typer.Exit(EXIT_PROBLEMS if fail_on_change and report.changes else EXIT_OK)
