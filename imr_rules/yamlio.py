"""Safe loading of YAML/JSON documents with line numbers for every value.

Every file a person writes (rules, facts, items, guidelines, cases) goes
through :func:`load_document`, so errors anywhere downstream can say
``file:line``. Aliases are refused outright: no policy or case file needs
them, and refusing them defuses "billion laughs" alias bombs before any
expansion happens.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import InputError

#: Largest file accepted. Rule and case files are a few KB; a bigger file is a
#: mistake (or an attack) and is refused before it is parsed.
MAX_FILE_BYTES = 1 << 20
#: Deepest nesting accepted (condition trees are a handful of levels deep).
MAX_DEPTH = 64

Path_ = tuple  # a JSON path: tuple of str keys / int indexes


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's parser when PyYAML was built with it (several times faster; the
    same events, nodes and marks), else the pure-Python one."""


# YAML 1.1 reads ``1e5`` (no dot) as a string, JSON and YAML 1.2 as a number:
# a JSON case file gives the same values as the same case on a --jsonl line.
_Loader.add_implicit_resolver("tag:yaml.org,2002:float",
                              re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
                              list("-+0123456789"))


@dataclass
class Document:
    """A parsed file: its data, and the line of every value in it."""

    data: Any
    file: str
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path) -> int | None:
        """Line of the value at ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]

    def error(self, message: str, path=(), hint: str | None = None) -> InputError:
        return InputError(message, self.file, self.line_of(path), hint)


def read_bytes(path: str | os.PathLike, what: str = "file", limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a file, at most ``limit`` (:data:`MAX_FILE_BYTES`), as an :class:`InputError` on failure.

    At most the limit plus one byte is ever read, so a device (``/dev/zero``),
    a FIFO or a file that grows while it is read cannot make us read more."""
    name = str(path)
    if not is_utf8(name):
        raise InputError(f"the {what}'s name is not valid UTF-8", name,
                         hint="rename the file (names go into messages and reports as UTF-8)")
    try:
        with open(path, "rb") as f:
            info = os.fstat(f.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size > limit:
                raise _too_big(what, name, info.st_size, limit)
            raw = f.read(limit + 1)
    except FileNotFoundError:
        raise InputError(f"{what} not found", name, hint="check the path") from None
    except IsADirectoryError:
        raise InputError(f"{what} is a directory", name, hint="give a file") from None
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror or exc}", name) from None
    if len(raw) > limit:
        raise _too_big(what, name, limit=limit)
    return raw


def read_stream(stream, source: str, what: str) -> bytes:
    """At most :data:`MAX_FILE_BYTES` of a binary stream (standard input), or an :class:`InputError`."""
    raw = stream.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise _too_big(what, source)
    return raw


def _too_big(what: str, file: str, size: int | None = None, limit: int = MAX_FILE_BYTES) -> InputError:
    return InputError(f"{what} is {f'{size} bytes, ' if size else ''}over the {limit}-byte limit", file,
                      hint="split it, or check that this is the right file")


def read_text(path: str | os.PathLike, what: str = "file") -> str:
    """Read a UTF-8 text file with the size limit, as an :class:`InputError` on failure."""
    return decode_text(read_bytes(path, what), str(path), what)


def is_utf8(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8: no lone surrogates (from a
    \\ud800 escape, or a file name that is not UTF-8)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def decode_text(raw: bytes, file: str, what: str = "file") -> str:
    if b"\x00" in raw:
        raise InputError(f"{what} is binary, not text", file, hint="give a UTF-8 text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{what} is not valid UTF-8 (byte {exc.start})", file, line,
                         hint="save the file as UTF-8") from None
    return text


def load_document(path: str | os.PathLike, what: str = "file") -> Document:
    """Load a YAML or JSON file (JSON is read as YAML, so lines are known)."""
    return parse_document(read_text(path, what), str(path))


def parse_document(text: str, file: str) -> Document:
    """Parse YAML/JSON text into a :class:`Document`; refuse aliases and deep nesting."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise InputError(f"input is over the {MAX_FILE_BYTES}-byte limit", file)
    try:
        # Composing shares an aliased node instead of copying it, so an alias
        # bomb costs nothing here; _build refuses the first node met twice,
        # before anything is expanded. (One parse: scanning the events first
        # for aliases parsed every file twice.)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise syntax_error(exc, text, file) from None
    lines: dict[Path_, int] = {}
    seen = set() if "&" in text else None          # no anchor, no alias
    data = _build(node, (), lines, file, 0, seen) if node is not None else None
    return Document(data, file, lines)


class _Refused(ValueError):
    """A JSON value the JSON Lines reader refuses (what a case file may not hold either)."""


def _no_duplicates(pairs: list) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise _Refused(f"duplicate key {key!r}")
    return out


def _no_constant(name: str):
    raise _Refused(f"{name} is not a number a case may hold")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"{text} is not a finite number")
    return value


_JSON = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constant, parse_float=_finite_float)


def parse_json_line(text: str, file: str, line: int):
    """One JSON Lines record, refused where the same case in a file would be:
    duplicate keys, NaN and Infinity, numbers that overflow, numbers too long
    to read, nesting deeper than :data:`MAX_DEPTH`, lone surrogates."""
    hint = "each line must hold one JSON case object"
    try:
        data = _JSON.decode(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} (column {exc.colno})", file, line, hint=hint) from None
    except _Refused as exc:
        raise InputError(str(exc), file, line, hint="write the case as a file would: "
                                                      "unique keys, finite numbers") from None
    except ValueError:                  # an integer past Python's digit limit
        raise InputError("a number has too many digits to read", file, line, hint="write a smaller number") from None
    except RecursionError:
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels", file, line, hint=hint) from None
    # Cheap tests first: only a line that could nest deeply or hold a
    # surrogate escape is walked.
    if text.count("{") + text.count("[") > MAX_DEPTH or ("\\u" in text and _SURROGATE_ESCAPE.search(text)):
        _check_json_value(data, file, line, 0)
    return data


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _check_json_value(value, file: str, line: int, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels", file, line,
                         hint="each line must hold one JSON case object")
    if isinstance(value, str):
        if not is_utf8(value):
            raise InputError("text holds a lone surrogate (an escape such as \\ud800 that is not a character)",
                             file, line, hint="write the character itself, or a valid surrogate pair")
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_json_value(k, file, line, depth + 1)
            _check_json_value(v, file, line, depth + 1)
    elif isinstance(value, list):
        for v in value:
            _check_json_value(v, file, line, depth + 1)


def syntax_error(exc: yaml.YAMLError, text: str, file: str) -> InputError:
    """A YAML syntax error for people: at the line to fix, naming a tab when one is the cause.

    libyaml notices an unclosed ``{``, ``[`` or quote only where the next
    token comes (often the next line, or the end of the file): the line to
    fix is the one where it was opened.
    """
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    mark = problem_mark or context_mark
    line = mark.line + 1 if mark else None
    message, hint = f"malformed YAML/JSON: {problem}", "fix the syntax at that line (indentation, quotes, colons)"
    opener = _unclosed_bracket(text)
    if opener is not None and (mark is None or opener.start_mark.line < mark.line):
        line = opener.start_mark.line + 1
        bracket = "{" if isinstance(opener, yaml.FlowMappingStartToken) else "["
        message = f"malformed YAML/JSON: the '{bracket}' on this line is never closed ({problem}" + \
                  (f" at line {mark.line + 1})" if mark else ")")
        hint = f"close it with '{'}' if bracket == '{' else ']'}', and separate its entries with commas"
    elif "quoted scalar" in (getattr(exc, "context", None) or "") and context_mark is not None \
            and problem_mark is not None and context_mark.line < problem_mark.line:
        line = context_mark.line + 1
        message = f"malformed YAML/JSON: the quoted text that starts on this line is never closed ({problem})"
        hint = "close the quotes"
    if problem_mark is not None:
        lines = text.splitlines()
        upto = lines[problem_mark.line][:problem_mark.column + 1] if problem_mark.line < len(lines) else ""
        if "\t" in upto or "tab" in problem:
            line = problem_mark.line + 1
            message = f"malformed YAML/JSON: a tab character ({problem})"
            hint = "YAML indents with spaces only: replace the tab with spaces"
    return InputError(message, file, line, hint=hint)


def _unclosed_bracket(text: str):
    """The token of the innermost ``{`` or ``[`` that is never closed, or None."""
    stack = []
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, (yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)):
                stack.append(token)
            elif isinstance(token, (yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)) and stack:
                opened = type(stack[-1]) is yaml.FlowMappingStartToken
                if opened != isinstance(token, yaml.FlowMappingEndToken):
                    return stack[-1]        # a '}' where a ']' was due: that '[' is the one not closed
                stack.pop()
    except yaml.YAMLError:
        pass
    return stack[-1] if stack else None


_constructor = yaml.SafeLoader(" ")  # only its scalar constructors are used
_STR = "tag:yaml.org,2002:str"
_DEFAULT_TAGS = {yaml.MappingNode: "tag:yaml.org,2002:map", yaml.SequenceNode: "tag:yaml.org,2002:seq"}
# The scalar constructors called directly: SafeConstructor.construct_object
# remembers every node it constructed (and never forgets within a loader),
# which kept every parsed file's nodes alive.
_SCALARS = {tag: f for tag, f in _constructor.yaml_constructors.items()
            if tag and tag.rsplit(":", 1)[-1] in ("null", "bool", "int", "float", "timestamp", "binary")}


def _alias(node, seen: set, file, line) -> None:
    if id(node) in seen:
        raise InputError("YAML aliases (*name) are not allowed", file, line, hint="write the value out in full")
    seen.add(id(node))


_MAP, _SEQ = _DEFAULT_TAGS[yaml.MappingNode], _DEFAULT_TAGS[yaml.SequenceNode]


def _build(node, path, lines, file, depth, seen):
    """The value of ``node``, recording the line of it and of everything in it.

    ``seen``: the ids of the nodes met so far, to refuse an alias (the composer
    gives an aliased node twice); None when the text has no anchor (no ``&``),
    so it can hold no alias. The mapping loop is the hot path of loading a
    rule base: most values are text, built inline."""
    if depth > MAX_DEPTH:
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels", file, node.start_mark.line + 1)
    lines[path] = node.start_mark.line + 1
    kind = type(node)
    if kind is yaml.MappingNode:
        if node.tag != _MAP:
            _check_tag(node, file)
        out = {}
        for key_node, value_node in node.value:
            if seen is not None:
                _alias(value_node, seen, file, key_node.start_mark.line + 1)
                _alias(key_node, seen, file, key_node.start_mark.line + 1)
            if type(key_node) is not yaml.ScalarNode:
                raise InputError("mapping keys must be plain scalars", file, key_node.start_mark.line + 1)
            key = _text(key_node, file) if key_node.tag == _STR else _scalar(key_node, file)
            if type(key) is not str:
                key = str(key)
            if key == "<<":
                raise InputError("YAML merge keys (<<) are not allowed", file,
                                 key_node.start_mark.line + 1, hint="write the keys out in full")
            if key in out:
                raise InputError(f"duplicate key {key!r}", file, key_node.start_mark.line + 1,
                                 hint="remove one of the two entries")
            if value_node.tag == _STR and type(value_node) is yaml.ScalarNode:
                lines[path + (key,)] = value_node.start_mark.line + 1
                value = value_node.value
                out[key] = value if value.isascii() else _text(value_node, file)
            else:
                out[key] = _build(value_node, path + (key,), lines, file, depth + 1, seen)
        return out
    if kind is yaml.SequenceNode:
        if node.tag != _SEQ:
            _check_tag(node, file)
        items = []
        for i, v in enumerate(node.value):
            if seen is not None:
                _alias(v, seen, file, node.start_mark.line + 1 if i == 0 else node.value[i - 1].end_mark.line + 1)
            items.append(_build(v, path + (i,), lines, file, depth + 1, seen))
        return items
    value = _scalar(node, file)
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, _dt.date):
        # Dates stay ISO strings in the data: JSON Schema validates them as
        # strings ("format": "date") and JSON input gives the same result.
        return value.isoformat()
    if isinstance(value, bytes):
        raise InputError("binary (!!binary) values are not allowed", file, node.start_mark.line + 1)
    return value


def _check_tag(node, file: str) -> None:
    if node.tag != _DEFAULT_TAGS[type(node)]:
        raise InputError(f"unknown YAML tag {node.tag!r}", file, node.start_mark.line + 1,
                         hint="remove the tag: plain values, lists and mappings are all a file needs")


def _text(node, file: str) -> str:
    """A text scalar's value (no call to a constructor: most values are text)."""
    value = node.value
    if not value.isascii() and not is_utf8(value):
        raise InputError("text holds a lone surrogate (an escape such as \\ud800 that is not a character)",
                         file, node.start_mark.line + 1, hint="write the character itself")
    return value


def _scalar(node, file: str):
    """The value of a scalar node; a value YAML cannot build (a tag, a date that
    does not exist, a number too long or not finite) is an :class:`InputError`."""
    if node.tag == _STR:
        return _text(node, file)
    line = node.start_mark.line + 1
    try:
        construct = _SCALARS.get(node.tag)
        if construct is not None:
            value = construct(_constructor, node)
        else:
            try:
                value = _constructor.construct_object(node)
            finally:
                _constructor.constructed_objects.clear()
                _constructor.state_generators.clear()
    except yaml.constructor.ConstructorError:
        raise InputError(f"unknown YAML tag {node.tag!r}", file, line,
                         hint="remove the tag: plain values, lists and mappings are all a file needs") from None
    except (ValueError, OverflowError) as exc:
        shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
        if node.tag.endswith(":timestamp"):
            raise InputError(f"{shown!r} is not a valid date ({exc})", file, line,
                             hint="write a date that exists, as YYYY-MM-DD") from None
        if node.tag.endswith(":int"):
            raise InputError(f"the number {shown} has {len(node.value)} digits, too many to read", file, line,
                             hint="write a smaller number") from None
        raise InputError(f"{shown!r} cannot be read as {node.tag.rsplit(':', 1)[-1]}: {exc}", file, line,
                         hint="write the value in plain YAML") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"{node.value!r} is not a finite number", file, line,
                         hint="write a finite number (no .inf or .nan; at most about 1.8e308)")
    return value
