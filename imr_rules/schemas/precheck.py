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
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any, Callable

_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "$defs", "title", "description", "examples", "default"})
_JSON_TYPES = (dict, list, str, int, float, bool, type(None))
_SIMPLE_TYPES = {"string": str, "object": dict, "array": list, "boolean": bool, "null": type(None)}
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
    # Each schema becomes a tree of closures once: checking a 1,000-rule file
    # then calls them instead of walking the schema's dicts per value.
    found = _COMPILED.get(id(schema))
    if found is None or found[0] is not schema:
        found = _COMPILED[id(schema)] = (schema, _Compiler(schema).compile(schema))
    return found[1]


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _is_number(v: Any) -> bool:
    return type(v) in (int, float)


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


def _type_ok(v: Any, name: str) -> bool:
    t = type(v)
    if t not in _JSON_TYPES:
        raise Unsure
    if name == "integer":
        if t is float:
            raise Unsure                            # 1.0 is an integer to JSON Schema
        return t is int
    if name == "number":
        return t is int or t is float
    expected = _SIMPLE_TYPES.get(name)
    if expected is None:
        raise Unsure
    return t is expected


def _resolve(ref: str, root: dict) -> dict:
    if ref == "#":
        return root
    if not ref.startswith("#/$defs/") or "/" in ref[len("#/$defs/"):] or "~" in ref:
        raise Unsure
    try:
        return root["$defs"][ref[len("#/$defs/"):]]
    except KeyError:
        raise Unsure from None


class _Compiler:
    """Turns a schema into a function with jsonschema's answer (True/False) or Unsure."""

    def __init__(self, root: dict):
        self.root = root
        self.refs: dict[str, Callable] = {}

    def compile(self, schema: Any) -> Callable[[Any], bool]:
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        if type(schema) is not dict:
            return _unsure
        checks = []
        for key, arg in schema.items():
            if key in _ANNOTATIONS or key in ("then", "else"):
                continue
            checks.append(self._keyword(key, arg, schema))
        # Cheap, decisive checks first: the result is a conjunction, so the
        # order only decides which of False and Unsure comes first, and the
        # caller treats both alike (jsonschema then decides).
        checks.sort(key=lambda c: getattr(c, "cost", 1))
        if len(checks) == 1:
            return checks[0]

        def check(v):
            for c in checks:
                if not c(v):
                    return False
            return True
        return check

    def _ref(self, ref: str) -> Callable:
        if ref not in self.refs:
            self.refs[ref] = _unsure            # replaced below; a cycle calls through the table
            target = self.compile(_resolve(ref, self.root))
            self.refs[ref] = target
        refs = self.refs
        return lambda v: refs[ref](v)

    def _keyword(self, key: str, arg: Any, schema: dict) -> Callable[[Any], bool]:
        c = self.compile
        if key == "type":
            names = arg if type(arg) is list else [arg]
            return _cheap(lambda v: any(_type_ok(v, n) for n in names))
        if key == "$ref":
            return self._ref(arg)
        if key == "enum":
            return _cheap(lambda v: any(_json_equal(v, e) for e in arg))
        if key == "const":
            return _cheap(lambda v: _json_equal(v, arg))
        if key == "not":
            inner = c(arg)
            return lambda v: not inner(v)
        if key in ("allOf", "anyOf", "oneOf"):
            parts = [c(s) for s in arg]
            if key == "allOf":
                return lambda v: all(p(v) for p in parts)
            if key == "anyOf":
                return lambda v: any(p(v) for p in parts)
            return lambda v: sum(p(v) for p in parts) == 1
        if key == "if":
            test, then, other = c(arg), c(schema.get("then", True)), c(schema.get("else", True))
            return lambda v: then(v) if test(v) else other(v)
        if key == "additionalProperties":
            if "patternProperties" in schema:
                return _unsure                      # changes which properties are "additional"
            known, extra = schema.get("properties", {}), c(arg)
            return lambda v: type(v) is not dict or all(extra(v[k]) for k in v if k not in known)
        if key == "items" and "prefixItems" in schema:
            return _unsure                          # items then applies only past the prefix
        return self._typed(key, arg)

    def _typed(self, key: str, arg: Any) -> Callable[[Any], bool]:
        """Keywords that apply to one instance type only; other types pass them."""
        if key == "pattern":
            rx = _regex(arg)
            return lambda v: type(v) is not str or rx.search(v) is not None
        if key in _SIZES:
            kind, least = _SIZES[key]
            if least:
                return _cheap(lambda v: type(v) is not kind or len(v) >= arg)
            return _cheap(lambda v: type(v) is not kind or len(v) <= arg)
        if key == "format":
            return lambda v: type(v) is not str or _format(arg, v)
        if key in ("minimum", "maximum"):
            if key == "minimum":
                return _cheap(lambda v: not _is_number(v) or v >= arg)
            return _cheap(lambda v: not _is_number(v) or v <= arg)
        if key == "properties":
            props = [(k, self.compile(s)) for k, s in arg.items()]
            return lambda v: type(v) is not dict or all(p(v[k]) for k, p in props if k in v)
        if key == "required":
            return _cheap(lambda v: type(v) is not dict or all(k in v for k in arg))
        if key == "propertyNames":
            names = self.compile(arg)
            return lambda v: type(v) is not dict or all(names(k) for k in v)
        if key == "items":
            each = self.compile(arg)
            return lambda v: type(v) is not list or all(each(x) for x in v)
        if key == "uniqueItems":
            return lambda v: (type(v) is not list or not arg
                              or not any(_json_equal(v[i], v[j]) for i in range(len(v)) for j in range(i)))
        return _unsure                              # a keyword this module does not know


#: Size keywords: the type they apply to, and whether they are a lower bound.
_SIZES = {"minLength": (str, True), "maxLength": (str, False), "minProperties": (dict, True),
          "maxProperties": (dict, False), "minItems": (list, True), "maxItems": (list, False)}


def _unsure(v: Any) -> bool:
    raise Unsure


def _cheap(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    check.cost = 0          # type: ignore[attr-defined]
    return check


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
