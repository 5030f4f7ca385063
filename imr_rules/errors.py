"""Errors meant for people: what is wrong, where, and what to do."""

from __future__ import annotations


def printable(text: str) -> str:
    """``text`` with what UTF-8 cannot carry (the bytes of a file name that is not
    UTF-8, a lone surrogate) shown as U+FFFD, so that a message can always be printed."""
    if text.isascii():
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def did_you_mean(word: str, table) -> str:
    """`` (did you mean 'x'?)`` when a known id is close to ``word``, else nothing."""
    import difflib
    close = difflib.get_close_matches(word, list(table), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class InputError(Exception):
    """Invalid input (a file, a case, a rule). The CLI prints it and exits 2.

    ``file`` and ``line`` say where (line is 1-based, or None when unknown);
    ``hint`` says what to do about it.
    """

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.hint = hint

    @property
    def where(self) -> str:
        if self.file is None:
            return ""
        file = printable(self.file)
        return f"{file}:{self.line}" if self.line else file

    def __str__(self) -> str:
        text = f"{self.where}: error: {self.message}" if self.where else f"error: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class InputErrors(InputError):
    """Several input errors found in one pass (e.g. every problem of a rule base)."""

    def __init__(self, errors: list[InputError]):
        first = errors[0]
        super().__init__(first.message, first.file, first.line, first.hint)
        self.errors = errors

    def __str__(self) -> str:
        lines = [str(e) for e in self.errors]
        if len(self.errors) > 1:
            lines.append(f"{len(self.errors)} errors")
        return "\n".join(lines)


class EngineUnavailable(Exception):
    """The rule engine (durable_rules) does not import: the installation's fault, not the input's.

    The CLI prints it like an input error (``error:`` and ``hint:``, never a
    traceback) but exits EXIT_UNAVAILABLE (3), so that a script can tell a
    machine that cannot run the tool from invalid input (2) or findings (1).
    """

    def __init__(self, cause: ImportError):
        import sys
        version = ".".join(map(str, sys.version_info[:3]))
        self.message = f"the rule engine durable_rules cannot be imported on Python {version}: {cause}"
        if sys.version_info >= (3, 13):
            # The release calls PyEval_CallObject, removed in 3.13 (see tools/build_durable_rules.py).
            self.hint = ("on Python 3.13+ durable-rules 2.0.28 must be built with the project's patch: "
                         f"from a source checkout run `{sys.executable} tools/build_durable_rules.py` "
                         "(make does it), or use Python 3.10-3.12")
        else:
            self.hint = (f"reinstall it: `{sys.executable} -m pip install --force-reinstall --no-deps "
                         "durable-rules==2.0.28` (it compiles: a C compiler and the Python headers are needed)")
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"error: {self.message}\n  hint: {self.hint}"
