"""What every command shares: exit codes, the rule base options, error exit."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .errors import InputError

EXIT_OK, EXIT_PROBLEMS, EXIT_INVALID = 0, 1, 2
EXIT_UNAVAILABLE = 3       # the tool cannot run here (the engine does not import): not the input's fault

RulesOpt = typer.Option(None, "--rules", help="Rules folder (default: the bundled rules).", file_okay=False)
GuidelinesOpt = typer.Option(None, "--guidelines", help="Guideline excerpts folder (default: bundled).",
                             file_okay=False)


def fail(exc: InputError) -> None:
    """Print an input error for people and exit 2 (never a traceback)."""
    typer.echo(str(exc), err=True)
    raise typer.Exit(EXIT_INVALID)


def load(rules: Optional[Path], guidelines: Optional[Path]):
    """The rule base from the options (bundled by default)."""
    from .loader import load_rulebase
    return load_rulebase(rules, guidelines)
