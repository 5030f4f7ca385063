"""Safe loading of YAML/JSON documents with line numbers for every value.

Every file a person writes (rules, facts, items, guidelines, cases) goes
through :func:`load_document`, so errors anywhere downstream can say
``file:line``. Aliases are refused outright: no policy or case file needs
them, and refusing them defuses "billion laughs" alias bombs before any
expansion happens.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

#: Largest file accepted. Rule and case files are a few KB; a bigger file is a
#: mistake (or an attack) and is refused before it is parsed.
MAX_FILE_BYTES = 1 << 20
#: Deepest nesting accepted (condition trees are a handful of levels deep).
MAX_DEPTH = 64

Path_ = tuple  # a JSON path: tuple of str keys / int indexes
# libyaml's parser when PyYAML was built with it (several times faster; the
# same events, nodes and marks), else the pure-Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def read_text(path: str | os.PathLike, what: str = "file") -> str:
    """Read a UTF-8 text file with the size limit, as an :class:`InputError` on failure."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{what} not found", str(path), hint="check the path") from None
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", str(path)) from None
    if p.is_dir():
        raise InputError(f"{what} is a directory", str(path), hint="give a file")
    if size > MAX_FILE_BYTES:
        raise InputError(f"{what} is {size} bytes, over the {MAX_FILE_BYTES}-byte limit", str(path),
                         hint="split it, or check that this is the right file")
    raw = p.read_bytes()
    return decode_text(raw, str(path), what)


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
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"malformed YAML/JSON: {problem}", file,
                         mark.line + 1 if mark else None,
                         hint="fix the syntax at that line (indentation, quotes, colons)") from None
    lines: dict[Path_, int] = {}
    data = _build(node, (), lines, file, 0, set()) if node is not None else None
    return Document(data, file, lines)


_constructor = yaml.SafeLoader(" ")  # only its scalar constructors are used
_STR = "tag:yaml.org,2002:str"
# The scalar constructors called directly: SafeConstructor.construct_object
# remembers every node it constructed (and never forgets within a loader),
# which kept every parsed file's nodes alive.
_SCALARS = {tag: f for tag, f in _constructor.yaml_constructors.items()
            if tag and tag.rsplit(":", 1)[-1] in ("null", "bool", "int", "float", "timestamp", "binary")}


def _scalar(node):
    if node.tag == _STR:
        return node.value
    construct = _SCALARS.get(node.tag)
    if construct is not None:
        return construct(_constructor, node)
    try:
        return _constructor.construct_object(node)
    finally:
        _constructor.constructed_objects.clear()


def _alias(node, seen: set, file, line) -> None:
    if id(node) in seen:
        raise InputError("YAML aliases (*name) are not allowed", file, line, hint="write the value out in full")
    seen.add(id(node))


def _build(node, path, lines, file, depth, seen):
    if depth > MAX_DEPTH:
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels", file, node.start_mark.line + 1)
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            _alias(value_node, seen, file, key_node.start_mark.line + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError("mapping keys must be plain scalars", file, key_node.start_mark.line + 1)
            _alias(key_node, seen, file, key_node.start_mark.line + 1)
            key = key_node.value if key_node.tag == _STR else _scalar(key_node)
            if type(key) is not str:
                key = str(key)
            if key == "<<":
                raise InputError("YAML merge keys (<<) are not allowed", file,
                                 key_node.start_mark.line + 1, hint="write the keys out in full")
            if key in out:
                raise InputError(f"duplicate key {key!r}", file, key_node.start_mark.line + 1,
                                 hint="remove one of the two entries")
            if value_node.tag == _STR and type(value_node) is yaml.ScalarNode:
                # Most values: text, built here without a call per value.
                lines[path + (key,)] = value_node.start_mark.line + 1
                out[key] = value_node.value
            else:
                out[key] = _build(value_node, path + (key,), lines, file, depth + 1, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, v in enumerate(node.value):
            _alias(v, seen, file, node.start_mark.line + 1 if i == 0 else node.value[i - 1].end_mark.line + 1)
            items.append(_build(v, path + (i,), lines, file, depth + 1, seen))
        return items
    value = _scalar(node)
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, _dt.date):
        # Dates stay ISO strings in the data: JSON Schema validates them as
        # strings ("format": "date") and JSON input gives the same result.
        return value.isoformat()
    if isinstance(value, bytes):
        raise InputError("binary (!!binary) values are not allowed", file, node.start_mark.line + 1)
    return value
