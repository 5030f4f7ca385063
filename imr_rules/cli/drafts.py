"""Commands that draft and check: evaluate, validate, schema (see register)."""

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from ..errors import InputError, InputErrors
from .common import EXIT_INVALID, EXIT_OK, Guidelines, OutputError, Rules, emit, load, tell_rule_base


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


def evaluate(
    cases: Annotated[List[str], typer.Argument(
        metavar="CASE...", help="Case files (YAML/JSON), determination letters (.pdf or .txt), or - for stdin.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    rules: Rules = None,
    guidelines: Guidelines = None,
    jsonl: Annotated[bool, typer.Option(
        "--jsonl", help="One JSON case per input line; one JSON result per output line.")] = False,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", min=1, help="With --jsonl: worker processes (1: in this process). "
                                    "The output is the same for any number.")] = 1,
):
    """Draft a decision for every requested item of each case."""
    from ..evaluate import Evaluator
    from ..inputs import load_any
    from ..render import RENDERERS, to_json
    rb = load(rules, guidelines)
    evaluator = Evaluator(rb)
    if jsonl:
        raise typer.Exit(_evaluate_lines(cases, rb, evaluator, jobs))
    if jobs != 1:
        raise InputError("--jobs works with --jsonl only", hint="add --jsonl, or leave --jobs out")
    # Every case is read and validated before anything is printed, so a bad
    # file never leaves partial results on stdout.
    results = [evaluator.evaluate(load_any(c, rb)) for c in cases]
    if fmt == Format.json:
        emit(to_json(results[0] if len(results) == 1 else results))
    else:
        emit("\n".join(RENDERERS[fmt.value](r) for r in results), nl=False)


def _evaluate_lines(paths: list[str], rb, evaluator, jobs: int) -> int:
    """``evaluate --jsonl``: a result or an error record per line; the exit code."""
    from ..bulk import evaluate_lines
    if sys.stdout is None:
        raise OutputError("standard output is closed")
    bad = 0
    out = sys.stdout
    try:
        # Workers load the folders this rule base came from, whatever their working directory.
        folders = str(Path(rb.rules_dir).resolve()), str(Path(rb.guidelines_dir).resolve())
        for line, error in evaluate_lines(paths, rb, evaluator, jobs, *folders):
            if error is not None:
                bad += 1
                typer.echo(error, err=True)
            out.write(line + "\n")
        out.flush()
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc)) from None
    return EXIT_INVALID if bad else EXIT_OK


def validate(
    paths: Annotated[Optional[List[Path]], typer.Argument(help="Case files to validate as well (optional).")] = None,
    rules: Rules = None,
    guidelines: Guidelines = None,
):
    """Validate the rule base (schemas, references, types, patterns) and any case files given:
    every problem of every file, in file and line order."""
    from ..inputs import load_any
    from ..loader import validate_rulebase
    rb, problems = validate_rulebase(rules, guidelines)
    if rb is not None:
        tell_rule_base(rb, defaults=(rules is None, guidelines is None))
        for p in paths or []:
            try:
                load_any(str(p), rb)
            except InputError as exc:
                problems.extend(getattr(exc, "errors", [exc]))
    if problems:
        raise InputErrors(problems)
    emit(f"ok: {len(rb.rules)} rules, {len(rb.facts)} facts, {len(rb.excerpts)} excerpts"
         + (f", {len(paths)} case file(s)" if paths else "") + f" ({rb.fingerprint})")


def schema(name: Annotated[str, typer.Argument(help="rules, facts, items, guidelines, case, fact_patterns")]):
    """Print a shipped JSON Schema."""
    from .. import schemas
    from ..render import to_json
    emit(to_json(schemas.load(name)))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `imr-rules` app."""
    app.command()(evaluate)
    app.command()(validate)
    app.command()(schema)
