"""The ``imr-rules`` command line: parse arguments, call one function, render, exit.

Exit codes: 0 success; 1 ran and found problems (lint findings, failed
gates, failing examples); 2 invalid input (with file:line and a hint, never a
traceback).
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .errors import EngineUnavailable, InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Draft cited IMR-style medical-necessity decisions from MTUS/ODG guideline rules.")

from .cli_common import EXIT_INVALID, EXIT_OK, EXIT_PROBLEMS, GuidelinesOpt, RulesOpt, fail, load  # noqa: F401
from .cli_common import EXIT_UNAVAILABLE


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


def version_callback(value: bool):
    if value:
        typer.echo(f"imr-rules {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                       help="Print the version and exit.")):
    """Draft cited IMR-style medical-necessity decisions from MTUS/ODG guideline rules."""


@app.command()
def evaluate(
    cases: List[str] = typer.Argument(..., metavar="CASE...",
                                      help="Case files (YAML/JSON), determination letters (.pdf or .txt), or - for stdin."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
    rules: Optional[Path] = RulesOpt,
    guidelines: Optional[Path] = GuidelinesOpt,
    jsonl: bool = typer.Option(False, "--jsonl", help="One JSON case per input line; one JSON result per output line."),
):
    """Draft a decision for every requested item of each case."""
    from .evaluate import Evaluator
    from .inputs import jsonl_cases, load_any
    from .render import RENDERERS, to_json
    try:
        rb = load(rules, guidelines)
        evaluator = Evaluator(rb)
        if jsonl:
            bad = 0
            out = sys.stdout
            for source, line, case in jsonl_cases(cases, rb):
                if isinstance(case, InputError):
                    bad += 1
                    typer.echo(str(case), err=True)
                    out.write(to_json({"error": case.message, "source": source, "line": line}, None) + "\n")
                else:
                    out.write(evaluator.evaluate_json(case) + "\n")
            raise typer.Exit(EXIT_INVALID if bad else EXIT_OK)
        # Every case is read and validated before anything is printed, so a
        # bad file never leaves partial results on stdout.
        loaded = [load_any(c, rb) for c in cases]
    except InputError as exc:
        fail(exc)
    results = [evaluator.evaluate(case) for case in loaded]
    if fmt == Format.json:
        typer.echo(to_json(results[0] if len(results) == 1 else results), nl=True)
    else:
        typer.echo("\n".join(RENDERERS[fmt.value](r) for r in results), nl=False)


@app.command()
def validate(
    paths: List[Path] = typer.Argument(None, help="Case files to validate as well (optional)."),
    rules: Optional[Path] = RulesOpt,
    guidelines: Optional[Path] = GuidelinesOpt,
):
    """Validate the rule base (schemas, references, types) and any case files given."""
    from .inputs import load_any
    from .loader import check_references
    try:
        rb = load(rules, guidelines)
        problems = check_references(rb)
        if problems:
            from .errors import InputErrors
            raise InputErrors(problems)
        for p in paths or []:
            load_any(str(p), rb)
    except InputError as exc:
        fail(exc)
    typer.echo(f"ok: {len(rb.rules)} rules, {len(rb.facts)} facts, {len(rb.excerpts)} excerpts"
               + (f", {len(paths)} case file(s)" if paths else "") + f" ({rb.fingerprint})")


@app.command()
def schema(name: str = typer.Argument(..., help="rules, facts, items, guidelines, case, fact_patterns")):
    """Print a shipped JSON Schema."""
    from . import schemas
    from .render import to_json
    try:
        typer.echo(to_json(schemas.load(name)))
    except InputError as exc:
        fail(exc)


# Commands of the historical-case and policy-editor areas live in their own
# modules (cli_history.py, cli_toolkit.py), each adding its commands to `app`.
from . import cli_history, cli_toolkit  # noqa: E402

cli_history.register(app)
cli_toolkit.register(app)


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="imr-rules")
    except EngineUnavailable as exc:    # raised by any command that imports the engine
        typer.echo(str(exc), err=True)
        sys.exit(EXIT_UNAVAILABLE)


if __name__ == "__main__":
    main()
