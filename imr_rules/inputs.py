"""Reading the things a user hands the CLI: case files, letters, standard input."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

from .cases import Case, parse_case_json_line, parse_case_text
from .errors import InputError
from .model import RuleBase
from .yamlio import decode_text, read_text

CASE_SUFFIXES = (".yaml", ".yml", ".json")
LETTER_SUFFIXES = (".txt", ".pdf")


def is_letter(path: Path) -> bool:
    """A letter by its suffix, or (any suffix but a case file's) a PDF by its content."""
    suffix = path.suffix.lower()
    if suffix in LETTER_SUFFIXES:
        return True
    if suffix in CASE_SUFFIXES or not path.is_file():    # never consume a FIFO's or a device's input
        return False
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError:
        return False        # reading it as a case file reports the problem
    return b"%PDF-" in head


def load_any(path: str, rb: RuleBase) -> Case:
    """A case from a case file (YAML/JSON) or a determination letter (.txt), or ``-`` for stdin."""
    if path == "-":
        return parse_case_text(read_stdin(), "<stdin>", rb)
    p = Path(path)
    if is_letter(p):
        from .importing import case_from_letter    # the letter parser loads only when needed
        return case_from_letter(p, rb)
    return parse_case_text(read_text(p, "case file"), str(p), rb)


def read_stdin() -> str:
    return decode_text(sys.stdin.buffer.read(), "<stdin>", "standard input")


def jsonl_cases(paths: list[str], rb: RuleBase) -> Iterator[tuple[str, int, Case | InputError]]:
    """(source, line number, case or error) for every non-blank line of the inputs."""
    for path in paths:
        if path == "-":
            stream = sys.stdin.buffer
            source = "<stdin>"
            yield from _lines(stream, source, rb)
        else:
            try:
                with open(path, "rb") as stream:
                    yield from _lines(stream, path, rb)
            except OSError as exc:
                yield path, 0, InputError(f"cannot read: {exc.strerror}", path)


def _lines(stream, source: str, rb: RuleBase):
    for n, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        try:
            text = decode_text(raw, source, "line")
            yield source, n, parse_case_json_line(text, source, n, rb)
        except InputError as exc:
            if exc.line is None:
                exc.line = n
            yield source, n, exc
