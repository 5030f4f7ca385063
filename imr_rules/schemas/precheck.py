"""A small exact evaluator of the JSON Schema keywords our schemas use.

Why: importing jsonschema (with referencing, attrs and the metaschemas) takes
~0.06 s, a third of a CLI start, and every command loads the rule base. This
module decides validity without it for the documents it fully understands;
only when it cannot decide, or a document is invalid, does the caller import
jsonschema, which then decides and words the errors. So jsonschema stays the
authority on every message, and valid rule bases never pay its import.

"Exact" means: for the keywords below, the answer is the one jsonschema
(Draft 2020-12, with format checking) gives. Anything else (an unknown
keyword, a remote $ref, a float where an integer is expected, a value of a
type JSON has no name for, an unknown format) raises :class:`Unsure`, and the
caller falls back. tests/test_schema_precheck.py holds this to jsonschema on
generated documents.

How: each schema is turned once into Python source, a function per subschema
with its keywords inlined, and compiled (the approach of fastjsonschema, kept
to these keywords so that the answers stay exactly jsonschema's).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any, Callable

_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "$defs", "title", "description", "examples", "default"})
_JSON_TYPES = (dict, list, str, int, float, bool, type(None))
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)      # jsonschema's own full-date test


class Unsure(Exception):
    """The document uses something this evaluator does not decide exactly."""


def is_valid(instance: Any, schema: dict) -> bool | None:
    """True or False as jsonschema would answer, or None when it cannot tell."""
    try:
        return _compiled(schema)(instance)
    except (Unsure, RecursionError):
        return None


_COMPILED: dict[int, tuple[dict, Callable]] = {}


def _compiled(schema: dict) -> Callable[[Any], bool]:
    # Each schema becomes Python source once, a function per subschema with
    # its keywords inlined (see _Generator): checking a 1,000-rule file then
    # makes about one call per value, where a tree of closures made four or
    # five (0.07 s of a 0.23 s cold load of 1,000 rules).
    found = _COMPILED.get(id(schema))
    if found is None or found[0] is not schema:
        found = _COMPILED[id(schema)] = (schema, _Generator(schema).function())
    return found[1]


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _json_equal(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1, 1 equals 1.0, containers compare deeply."""
    ta, tb = type(a), type(b)
    if ta not in _JSON_TYPES or tb not in _JSON_TYPES:
        raise Unsure
    if ta is bool or tb is bool or ta is str or tb is str or a is None or b is None:
        return ta is tb and a == b
    if ta is list or tb is list:
        return ta is tb and len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b))
    if ta is dict or tb is dict:
        return ta is tb and a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    return a == b                                   # two numbers


def _enum(v: Any, members: list) -> bool:
    return any(_json_equal(v, e) for e in members)


def _unique(v: list) -> bool:
    return not any(_json_equal(v[i], v[j]) for i in range(len(v)) for j in range(i))


def _resolve(ref: str, root: dict) -> dict:
    if ref == "#":
        return root
    if not ref.startswith("#/$defs/") or "/" in ref[len("#/$defs/"):] or "~" in ref:
        raise Unsure
    try:
        return root["$defs"][ref[len("#/$defs/"):]]
    except KeyError:
        raise Unsure from None


def _true(v: Any) -> bool:
    return True


def _false(v: Any) -> bool:
    return False


def _unsure(v: Any) -> bool:
    raise Unsure


def _other(v: Any, names: tuple) -> bool:
    """The answer for a value whose type is not one of ``names``: False for a JSON type;
    Unsure for a type JSON has no name for, and for a float where an integer is expected
    (1.0 is an integer to JSON Schema)."""
    t = type(v)
    if t not in _JSON_TYPES or (t is float and "integer" in names and "number" not in names):
        raise Unsure
    return False


#: Tests of a value's exact type, by JSON Schema type name (bool is not int: type(True) is bool).
_TYPE_TESTS = {"string": "type({x}) is str", "object": "type({x}) is dict", "array": "type({x}) is list",
               "boolean": "type({x}) is bool", "null": "{x} is None", "integer": "type({x}) is int",
               "number": "(type({x}) is int or type({x}) is float)"}
#: Keywords that apply to one instance type only (other types pass them), by that type.
_TYPED = {"pattern": "string", "format": "string", "minLength": "string", "maxLength": "string",
          "minimum": "number", "maximum": "number", "properties": "object", "required": "object",
          "propertyNames": "object", "additionalProperties": "object", "minProperties": "object",
          "maxProperties": "object", "items": "array", "uniqueItems": "array", "minItems": "array",
          "maxItems": "array"}
_SIZE_TESTS = {"minLength": "len({x}) >= {n}", "maxLength": "len({x}) <= {n}", "minProperties": "len({x}) >= {n}",
               "maxProperties": "len({x}) <= {n}", "minItems": "len({x}) >= {n}", "maxItems": "len({x}) <= {n}"}
#: The keywords of a leaf: a schema of one scalar type, decided by one inlined expression.
_LEAF = frozenset({"type", "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "enum", "const"})


class _Generator:
    """Python source for a schema: a function per subschema that returns
    jsonschema's answer (True/False) or raises :class:`Unsure`; the subschemas
    of one scalar type with scalar keywords (most of them: ``{"type":
    "string", "maxLength": 200}``) are inlined as expressions.

    A failed keyword returns False at once: the answer is a conjunction, so the
    order of the keywords only decides which of False and Unsure comes first,
    and both are exact (False is the conjunction's value whatever the keyword
    that was unsure would say; Unsure only declines). Exact types are tested
    (``type(v) is str``); a value that fails its type test is passed to
    _other, which declines for a type JSON has no name for (a str subclass)."""

    def __init__(self, root: dict):
        self.root = root
        self.names: dict[int, str] = {}         # id(subschema) -> its function's name
        self.keep: list = []                    # the subschemas named (their ids stay valid)
        self.bodies: dict[str, str] = {}        # a function's body -> the function with that body
        self.consts: dict[tuple, str] = {}
        self.env: dict[str, Any] = {"Unsure": Unsure, "_JSON_TYPES": frozenset(_JSON_TYPES), "_true": _true,
                                    "_false": _false, "_unsure": _unsure, "_json_equal": _json_equal,
                                    "_enum": _enum, "_unique": _unique, "_format": _format, "_other": _other}
        self.source: list[str] = []

    def function(self) -> Callable[[Any], bool]:
        name = self.name(self.root)
        exec(compile("\n".join(self.source), "<schema precheck>", "exec"), self.env)
        return self.env[name]

    def const(self, value: Any) -> str:
        key = (type(value).__name__, value.pattern if isinstance(value, re.Pattern) else repr(value))
        if key not in self.consts:
            self.consts[key] = f"c{len(self.consts)}"
            self.env[self.consts[key]] = value
        return self.consts[key]

    def name(self, schema: Any) -> str:
        """The name of the function deciding ``schema`` (generated on first use)."""
        if schema is True:
            return "_true"
        if schema is False:
            return "_false"
        if type(schema) is not dict:
            return "_unsure"
        if id(schema) not in self.names:
            self.names[id(schema)] = name = f"s{len(self.names)}"     # before the body: a $ref cycle calls it
            self.keep.append(schema)
            start = len(self.source)
            leaf = self.leaf(schema, "v")
            body = [f"return {leaf}"] if leaf else self.body(schema)
            text = "\n".join(f"    {line}" for line in body)
            calls = (f" {name}(", f"({name}(")      # how a generated line calls a function
            if text in self.bodies and not any(c in t for t in self.source[start:] + [text] for c in calls):
                # The same checks as a function already made (and no cycle calls this one): use that.
                self.names[id(schema)] = self.bodies[text]
            else:
                self.bodies[text] = name
                self.source += [f"def {name}(v):", text]
        return self.names[id(schema)]

    def check(self, schema: Any, x: str) -> str:
        """An expression deciding ``schema`` for the value named ``x``."""
        return self.leaf(schema, x) or f"{self.name(schema)}({x})"

    def leaf(self, schema: Any, x: str) -> str | None:
        """The inlined expression of a leaf schema for the value named ``x``, or None if
        ``schema`` is not a leaf."""
        if type(schema) is not dict or not schema.keys() <= _LEAF | _ANNOTATIONS:
            return None
        kind = schema.get("type")
        if kind not in ("string", "number", "integer", "boolean", "null"):
            return None
        parts = [f"({_TYPE_TESTS[kind].format(x=x)} or _other({x}, ({kind!r},)))"]
        for key, arg in schema.items():
            if key in _SIZE_TESTS:
                if type(arg) is not int:
                    return None
                if kind == "string":
                    parts.append(_SIZE_TESTS[key].format(x=x, n=arg))
            elif key == "pattern" and kind == "string":
                parts.append(f"{self.const(_regex(arg))}.search({x}) is not None")
            elif key == "format" and kind == "string":
                parts.append(f"_format({arg!r}, {x})")
            elif key in ("minimum", "maximum"):
                if type(arg) not in (int, float):
                    return None
                if kind in ("number", "integer"):
                    parts.append(f"{x} {'>=' if key == 'minimum' else '<='} {self.const(arg)}")
            elif key == "enum":
                parts.append(f"({x} in {self.const(frozenset(e for e in arg if type(e) is str))} if type({x}) is str"
                             f" else _enum({x}, {self.const(list(arg))}))")
            elif key == "const":
                parts.append(f"_json_equal({x}, {self.const(arg)})")
        return "(" + " and ".join(parts) + ")"

    def body(self, schema: dict) -> list[str]:
        generic: list[str] = []                 # lines for any type of value
        typed: dict[str, list[str]] = {}        # type name -> lines run for that type only
        for key, arg in schema.items():
            if key in _ANNOTATIONS or key in ("then", "else"):
                continue
            if key in _TYPED:
                typed.setdefault(_TYPED[key], []).extend(self.typed(key, arg, schema))
            else:
                generic.extend(self.keyword(key, arg, schema))
        out = []
        if "type" not in schema and typed:
            # The typed keywords test exact types: a subclass (a type JSON has no name for) would skip them.
            out += ["if type(v) not in _JSON_TYPES: raise Unsure"]
        out += generic
        for kind, lines in typed.items():
            if lines:
                out.append(f"if {_TYPE_TESTS[kind].format(x='v')}:")
                out += [f"    {line}" for line in lines]
        return out + ["return True"]

    def keyword(self, key: str, arg: Any, schema: dict) -> list[str]:
        if key == "type":
            names = arg if type(arg) is list else [arg]
            if any(n not in _TYPE_TESTS for n in names):
                return ["raise Unsure"]
            tests = " or ".join(_TYPE_TESTS[n].format(x="v") for n in names)
            return [f"if not ({tests} or _other(v, {tuple(names)!r})): return False"]
        if key == "$ref":
            try:
                target = _resolve(arg, self.root)
            except Unsure:
                return ["raise Unsure"]             # a remote or unusual $ref
            return [f"if not {self.name(target)}(v): return False"]
        if key in ("enum", "const"):
            return [f"if not {self.enum(key, arg)}: return False"]
        if key == "not":
            return [f"if {self.check(arg, 'v')}: return False"]
        if key in ("allOf", "anyOf", "oneOf"):
            calls = [self.check(s, "v") for s in arg]
            if key == "allOf":
                return [f"if not {c}: return False" for c in calls]
            if key == "anyOf":
                return [f"if not ({' or '.join(calls) or 'False'}): return False"]
            return [f"if ({' + '.join(calls) or '0'}) != 1: return False"]
        if key == "if":
            test, then, other = (self.check(s, "v") for s in (arg, schema.get("then", True), schema.get("else", True)))
            return [f"if not ({then} if {test} else {other}): return False"]
        return ["raise Unsure"]                     # a keyword this module does not know

    def enum(self, key: str, arg: Any) -> str:
        if key == "const":
            return f"_json_equal(v, {self.const(arg)})"
        return (f"(v in {self.const(frozenset(e for e in arg if type(e) is str))} if type(v) is str"
                f" else _enum(v, {self.const(list(arg))}))")

    def typed(self, key: str, arg: Any, schema: dict) -> list[str]:
        """Lines for a keyword that applies to one instance type (run only for that type)."""
        if key in _SIZE_TESTS:
            if type(arg) is not int:
                return ["raise Unsure"]
            return [f"if not {_SIZE_TESTS[key].format(x='v', n=arg)}: return False"]
        if key == "pattern":
            return [f"if {self.const(_regex(arg))}.search(v) is None: return False"]
        if key == "format":
            return [f"if not _format({arg!r}, v): return False"]
        if key in ("minimum", "maximum"):
            if type(arg) not in (int, float):
                return ["raise Unsure"]
            return [f"if v {'<' if key == 'minimum' else '>'} {self.const(arg)}: return False"]
        if key == "required":
            return [f"if not v.keys() >= {self.const(frozenset(arg))}: return False"]
        if key == "properties":
            lines = []
            for k, sub in arg.items():
                if sub is not True:
                    name = repr(k) if type(k) is str else self.const(k)
                    lines += [f"if {name} in v:", f"    x = v[{name}]", f"    if not {self.check(sub, 'x')}: return False"]
            return lines
        if key == "additionalProperties":
            if "patternProperties" in schema:
                return ["raise Unsure"]             # changes which properties are "additional"
            known = self.const(frozenset(schema.get("properties", {})))
            if arg is True:
                return []
            if arg is False:
                return [f"if not v.keys() <= {known}: return False"]
            return ["for k in v:", f"    if k not in {known}:", "        x = v[k]",
                    f"        if not {self.check(arg, 'x')}: return False"]
        if key == "propertyNames":
            return ["for x in v:", f"    if not {self.check(arg, 'x')}: return False"]
        if key == "items":
            if "prefixItems" in schema:
                return ["raise Unsure"]             # items then applies only past the prefix
            return [] if arg is True else ["for x in v:", f"    if not {self.check(arg, 'x')}: return False"]
        if key == "uniqueItems":
            return ["if not _unique(v): return False"] if arg else []
        return ["raise Unsure"]


def _format(name: str, v: str) -> bool:
    if name != "date":
        raise Unsure
    if not _DATE.fullmatch(v):
        return False
    try:
        dt.date.fromisoformat(v)
    except ValueError:
        return False
    return True
