"""The ``imr-rules`` command line: parse arguments, call one function, render, exit.

Exit codes: 0 success; 1 ran and found problems (lint findings, failed
gates, failing examples); 2 invalid input (with file:line and a hint, never a
traceback); 3 the tool cannot run on this installation (the rule engine does
not import).

Each area's commands are importable functions in their own module
(``drafts``, ``history``, ``toolkit``, ``serve``), added to the app by that module's
``register(app)``. Every command runs inside :func:`common.input_errors`
(see :class:`_Commands`), so a command just raises :class:`InputError`.
Heavy imports stay inside the commands: one-case start-up stays fast.
"""

import gc
import sys

# Importing the command line makes some 26,000 tracked objects (modules,
# classes, typer's commands) that live as long as the process, and next to no
# garbage; with the cyclic collector on, the collections during the import and
# after it, walking them again, cost 8 ms of a 0.3 s start. It is paused while
# this package is imported, and what the import made is then frozen out of its
# reach (once per process). See also common.load.
_collecting = gc.isenabled()
gc.disable()

import typer  # noqa: E402
from typer.core import TyperGroup  # noqa: E402

from .. import __version__  # noqa: E402
from ..errors import EngineUnavailable  # noqa: E402
from . import common  # noqa: E402
from .common import EXIT_INVALID, EXIT_UNAVAILABLE, input_errors  # noqa: E402


class _Commands(TyperGroup):
    """The app's command group: every command runs inside :func:`input_errors`."""

    def invoke(self, ctx):
        with input_errors():
            return super().invoke(ctx)


app = typer.Typer(cls=_Commands, no_args_is_help=True, pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="Draft cited IMR-style medical-necessity decisions from MTUS/ODG guideline rules.")


def version_callback(value: bool):
    if value:
        typer.echo(f"imr-rules {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                       help="Print the version and exit.")):
    """Draft cited IMR-style medical-necessity decisions from MTUS/ODG guideline rules."""


from . import drafts, history, serve, toolkit  # noqa: E402

drafts.register(app)
history.register(app)
toolkit.register(app)
serve.register(app)

if _collecting:
    gc.freeze()
    gc.enable()


def main() -> None:
    """Console-script entry point: the app, with standard output made dependable.

    Output is UTF-8 whatever the locale (JSON Lines are UTF-8, and output is
    byte-identical everywhere). A write error that escapes a command (help
    text to a full disk) is one line on stderr and exit 2, and output that
    cannot be flushed at exit is reported the same way instead of Python's
    "Exception ignored" message.
    """
    if sys.stdout is not None and (sys.stdout.encoding or "").lower().replace("-", "") != "utf8" \
            and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    common.one_command = True
    code = 0
    try:
        app(prog_name="imr-rules")
    except SystemExit as exc:
        code = exc.code
    except EngineUnavailable as exc:    # raised by any command that imports the engine
        typer.echo(str(exc), err=True)
        code = EXIT_UNAVAILABLE
    except OSError as exc:
        typer.echo(f"imr-rules: error: {exc.strerror or exc}", err=True)
        code = EXIT_INVALID
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except OSError as exc:
        if not code:
            typer.echo(f"<stdout>: error: cannot write the output: {exc.strerror or exc}", err=True)
            code = EXIT_INVALID
        _discard_stdout()
    sys.exit(code)


def _discard_stdout() -> None:
    # What is left in the buffer cannot be written: point stdout at /dev/null
    # so that the interpreter's own flush at exit does not fail again.
    import os
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass

