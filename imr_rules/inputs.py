"""Reading the things a user hands the CLI: case files, letters, standard input."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

from .cases import Case, parse_case_json_line, parse_case_text
from .errors import InputError, printable
from .model import RuleBase
from .yamlio import MAX_FILE_BYTES, decode_text, read_stream, read_text

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
    return decode_text(read_stream(sys.stdin.buffer, "<stdin>", "standard input"), "<stdin>", "standard input")


def jsonl_cases(paths: list[str], rb: RuleBase) -> Iterator[tuple[str, int, Case | InputError]]:
    """(source, line number, case or error) for every non-blank line of the inputs."""
    for source, n, raw in jsonl_records(paths):
        yield source, n, raw if isinstance(raw, InputError) else jsonl_case(raw, source, n, rb)


def jsonl_records(paths: list[str]) -> Iterator[tuple[str, int, bytes | InputError]]:
    """(source, line number, the line's bytes or why it cannot be read) for every non-blank line."""
    for path in paths:
        if path == "-":
            yield from _lines(sys.stdin.buffer, "<stdin>")
            continue
        try:
            stream = open(path, "rb")
        except OSError as exc:
            yield printable(path), 0, InputError(f"cannot read: {exc.strerror}", path)
            continue
        with stream:
            yield from _lines(stream, printable(path))


def jsonl_case(raw: bytes, source: str, n: int, rb: RuleBase) -> Case | InputError:
    """One line's case, or what is wrong with it."""
    try:
        return parse_case_json_line(decode_text(raw, source, "line"), source, n, rb)
    except InputError as exc:
        exc.line = n
        return exc


def _lines(stream, source: str):
    # readline with a bound: a line (a case) is held to the size limit of a
    # case file, and a longer one is skipped, not read into memory.
    for n, raw in enumerate(iter(lambda: stream.readline(MAX_FILE_BYTES + 1), b""), 1):
        if len(raw) > MAX_FILE_BYTES:
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(MAX_FILE_BYTES)
            yield source, n, InputError(f"line is over the {MAX_FILE_BYTES}-byte limit of one case", source, n,
                                        hint="one line holds one case; split what is on it")
            continue
        if raw.strip():
            yield source, n, raw
