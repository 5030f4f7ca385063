"""What every command shares: exit codes, the rule base options, error handling, output.

Commands are plain functions that raise :class:`InputError` for invalid
input; :func:`input_errors` (applied once to every command by the app's
group, see ``cli/__init__.py``) prints it and exits 2, so no command needs a
try/except of its own.
"""

import contextlib
import gc
import sys
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer

from ..errors import InputError

EXIT_OK, EXIT_PROBLEMS, EXIT_INVALID = 0, 1, 2
EXIT_UNAVAILABLE = 3       # the tool cannot run here (the engine does not import): not the input's fault

#: Set by main(): this process runs one command, then exits (not so when the
#: app is called in a test or another program).
one_command = False

#: The rule base options of every command that reads one (default None: bundled).
Rules = Annotated[Optional[Path], typer.Option("--rules", help="Rules folder (default: the bundled rules).",
                                               file_okay=False)]
Guidelines = Annotated[Optional[Path], typer.Option("--guidelines", file_okay=False,
                                                    help="Guideline excerpts folder (default: bundled).")]


class OutputError(InputError):
    """Standard output cannot be written (closed, a full disk, a closed pipe): one line, no hint."""

    def __init__(self, reason: str):
        super().__init__(f"cannot write the output: {reason}", "<stdout>")


def fail(exc: InputError) -> None:
    """Print an input error for people and exit 2 (never a traceback)."""
    typer.echo(str(exc), err=True)
    raise typer.Exit(EXIT_INVALID)


@contextlib.contextmanager
def input_errors() -> Iterator[None]:
    """Turn an :class:`InputError` raised inside into its message and exit 2."""
    try:
        yield
    except InputError as exc:
        fail(exc)


def emit(text: str, nl: bool = True) -> None:
    """Write ``text`` to standard output; a closed or full output is an :class:`OutputError`."""
    if sys.stdout is None:           # started with stdout closed (`>&-`)
        raise OutputError("standard output is closed")
    try:
        typer.echo(text, nl=nl)
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc)) from None


def load(rules: Optional[Path], guidelines: Optional[Path]):
    """The rule base from the options (bundled by default), saying on stderr which folders it is."""
    with _kept_for_the_process():
        from ..loader import load_rulebase
        rb = load_rulebase(rules, guidelines)
    tell_rule_base(rb, defaults=(rules is None, guidelines is None))
    return rb


@contextlib.contextmanager
def _kept_for_the_process() -> Iterator[None]:
    """In a one-command process, what the block makes (the loader and the rule base) lives
    until the process exits: it is frozen out of the cyclic collector's reach as soon as it
    is made, so no collection walks it (11 ms at 1,000 rules for one case). Never in a
    longer-lived process (a test, a program that calls the app), where it could not be freed."""
    if not one_command:
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def tell_rule_base(rb, label: str = "", defaults: tuple[bool, bool] = (False, False)) -> None:
    """Say on stderr which rules and guidelines folders are in use.

    Where a folder is the default one, warn about a ``rules/`` (or
    ``guidelines/``) folder here that differs from it: an editor working in a
    copy of the repository would otherwise draft with rules they are not
    editing. ``defaults``: whether the rules and the guidelines folder are
    the defaults (not given on the command line).
    """
    from ..paths import display_path
    from ..resources import bundled_or_none
    rules, guidelines = Path(rb.rules_dir), Path(rb.guidelines_dir)
    bundled = rules == bundled_or_none("rules") and guidelines == bundled_or_none("guidelines")
    typer.echo(f"{label}rule base: rules {display_path(rules)}, guidelines {display_path(guidelines)}"
               + (" (bundled)" if bundled else ""), err=True)
    for here, used, option, default in ((Path("rules"), rules, "--rules", defaults[0]),
                                        (Path("guidelines"), guidelines, "--guidelines", defaults[1])):
        if default and here.is_dir() and _differs(here, used):
            typer.echo(f"warning: ./{here} differs from the {here} in use ({display_path(used)}); "
                       f"pass {option} {here} to use it", err=True)


def _differs(here: Path, used: Path) -> bool:
    from ..loader import yaml_files
    try:
        if here.resolve() == used.resolve():
            return False
        mine, theirs = yaml_files(here), yaml_files(used)
        return [p.name for p in mine] != [p.name for p in theirs] or \
            any(a.read_bytes() != b.read_bytes() for a, b in zip(mine, theirs))
    except OSError:
        return True
