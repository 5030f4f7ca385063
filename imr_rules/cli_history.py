"""Commands of the history area (see register)."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from .cli_common import EXIT_INVALID as _EXIT_INVALID, EXIT_OK as _EXIT_OK, EXIT_PROBLEMS as _EXIT_PROBLEMS
from .cli_common import GuidelinesOpt, RulesOpt, fail
#: Fewer files than this finish before a progress bar would be worth drawing.
_PROGRESS_MIN_FILES = 20


def _fraction(value: Optional[float]) -> Optional[float]:
    if value is not None and not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise typer.BadParameter(f"{value} is not a fraction between 0 and 1 (for 90% write 0.9)")
    return value


def _cpu_count() -> int:
    # The CPUs this process may use (a container's limit), where the OS says.
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _progress(total: int):
    # Only on a terminal, and only when there is enough to wait for: CI logs
    # and pipes get nothing from the bar at all (hidden draws nothing).
    show = total >= _PROGRESS_MIN_FILES and sys.stderr.isatty()
    return typer.progressbar(length=total, label="backtest", file=sys.stderr, hidden=not show)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `imr-rules` app."""

    @app.command()
    def backtest(
        paths: List[Path] = typer.Argument(
            ..., metavar="PATH",
            help="Historical case files (YAML/JSON with history), determination letters (.txt), or folders "
                 "of them (searched recursively)."),
        rules: Optional[Path] = RulesOpt,
        guidelines: Optional[Path] = GuidelinesOpt,
        json_file: Optional[Path] = typer.Option(None, "--json", metavar="FILE", dir_okay=False,
                                                 help="Write the report as JSON."),
        junit_file: Optional[Path] = typer.Option(None, "--junit", metavar="FILE", dir_okay=False,
                                                  help="Write JUnit XML: one testcase per historical item."),
        markdown_file: Optional[Path] = typer.Option(None, "--markdown", metavar="FILE", dir_okay=False,
                                                     help="Write a Markdown summary (a pull-request comment)."),
        force: bool = typer.Option(False, "--force", help="Overwrite existing output files."),
        min_agreement: Optional[float] = typer.Option(
            None, "--min-agreement", metavar="X", callback=_fraction,
            help="Fail (exit 1) when agreement on covered items is below X (0..1)."),
        min_coverage: Optional[float] = typer.Option(
            None, "--min-coverage", metavar="X", callback=_fraction,
            help="Fail (exit 1) when the share of items the rules decide is below X (0..1)."),
        baseline: Optional[Path] = typer.Option(
            None, "--baseline", metavar="FILE", dir_okay=False,
            help="Accept the disagreements listed in FILE: only new ones count against --min-agreement."),
        write_baseline: Optional[Path] = typer.Option(
            None, "--write-baseline", metavar="FILE", dir_okay=False,
            help="Write the current disagreements as a baseline (YAML for .yaml/.yml, else JSON)."),
        jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1,
                                           help="Worker processes (default: the CPU count; 1: in this process)."),
    ):
        """Check the rule base against historical IMR decisions (letters or case files with history)."""
        from .backtest import Gates, run_backtest
        from .backtest import baseline as baseline_mod
        from .backtest import reports
        from .errors import InputError
        from .loader import load_rulebase
        from .output import check_writable, write_atomic

        outputs = [(p, render) for p, render in ((json_file, reports.to_json), (junit_file, reports.to_junit),
                                                  (markdown_file, reports.to_markdown)) if p]
        try:
            # Refuse unwritable outputs before a long run, not after it.
            targets = [p for p, _ in outputs] + ([write_baseline] if write_baseline else [])
            for i, target in enumerate(targets):
                if target.resolve() in [t.resolve() for t in targets[:i]]:
                    raise InputError("the same file is given for two outputs", str(target),
                                     hint="give each of --json, --junit, --markdown, --write-baseline its own file")
                check_writable(target, force)
            rb = load_rulebase(rules, guidelines)
            accepted = (str(baseline), baseline_mod.load_baseline(str(baseline))) if baseline else None
        except InputError as exc:
            fail(exc)

        report = run_backtest(
            [str(p) for p in paths], rb,
            # The folders rb was read from, so every worker reads the same ones.
            rules_dir=str(Path(rb.rules_dir).resolve()), guidelines_dir=str(Path(rb.guidelines_dir).resolve()),
            jobs=jobs or _cpu_count(), gates=Gates(min_agreement, min_coverage),
            baseline=accepted, progress=_progress)

        typer.echo(reports.to_text(report.document), nl=False)
        try:
            for target, render in outputs:
                write_atomic(target, render(report.document), force)
            if write_baseline:
                write_atomic(write_baseline, baseline_mod.baseline_text(report.records, str(write_baseline)), force)
        except InputError as exc:
            fail(exc)
        if report.errors:
            typer.echo(f"backtest: {len(report.errors)} file(s) could not be used:", err=True)
            for e in report.errors:
                typer.echo(e["message"], err=True)
            raise typer.Exit(_EXIT_INVALID)
        raise typer.Exit(_EXIT_OK if report.passed else _EXIT_PROBLEMS)

    @app.command("import-letter")
    def import_letter(
        letters: List[Path] = typer.Argument(..., metavar="LETTER...",
                                             help="IMR final determination letters (text)."),
        out_dir: Optional[Path] = typer.Option(None, "-o", "--output-dir", file_okay=False,
                                               help="Write DIR/<letter stem>.yaml for each letter "
                                                    "(required for several letters)."),
        force: bool = typer.Option(False, "--force", help="Overwrite existing case files."),
        rules: Optional[Path] = RulesOpt,
        guidelines: Optional[Path] = GuidelinesOpt,
    ):
        """Turn determination letters into case files with evidence and history."""
        from .errors import InputError
        from .importing import import_letters
        from .loader import load_rulebase
        try:
            if out_dir is None and len(letters) > 1:
                raise InputError(f"{len(letters)} letters but no output folder",
                                 hint="give -o DIR to write one case file per letter")
            if out_dir is not None and not out_dir.is_dir():
                raise InputError("output folder does not exist", str(out_dir), hint="create it first")
            rb = load_rulebase(rules, guidelines)
        except InputError as exc:
            fail(exc)
        failures = []
        for path, text, error in import_letters([str(p) for p in letters], rb,
                                                str(out_dir) if out_dir else None, force):
            if error is not None:
                failures.append(error)
                typer.echo(str(error), err=True)
            elif out_dir is None:
                typer.echo(text, nl=False)
            else:
                typer.echo(f"wrote {text}", err=True)
        if failures:
            typer.echo(f"import-letter: {len(failures)} of {len(letters)} letter(s) not imported: "
                       + ", ".join(e.file or "?" for e in failures), err=True)
            raise typer.Exit(_EXIT_INVALID)
