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
from typing import Any

_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "$defs", "title", "description", "examples", "default"})
_JSON_TYPES = (dict, list, str, int, float, bool, type(None))
_SIMPLE_TYPES = {"string": str, "object": dict, "array": list, "boolean": bool, "null": type(None)}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)      # jsonschema's own full-date test


class Unsure(Exception):
    """The document uses something this evaluator does not decide exactly."""


def is_valid(instance: Any, schema: dict) -> bool | None:
    """True or False as jsonschema would answer, or None when it cannot tell."""
    try:
        return _valid(instance, schema, schema)
    except (Unsure, RecursionError):
        return None


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


def _valid(v: Any, schema: Any, root: dict) -> bool:
    if schema is True:
        return True
    if schema is False:
        return False
    if type(schema) is not dict:
        raise Unsure
    t = type(v)
    for key, arg in schema.items():
        if key in _ANNOTATIONS or key in ("then", "else"):
            continue
        if key == "type":
            names = arg if type(arg) is list else [arg]
            if not any(_type_ok(v, n) for n in names):
                return False
        elif key == "$ref":
            if not _valid(v, _resolve(arg, root), root):
                return False
        elif key == "enum":
            if not any(_json_equal(v, e) for e in arg):
                return False
        elif key == "const":
            if not _json_equal(v, arg):
                return False
        elif key == "not":
            if _valid(v, arg, root):
                return False
        elif key == "allOf":
            if not all(_valid(v, s, root) for s in arg):
                return False
        elif key == "anyOf":
            if not any(_valid(v, s, root) for s in arg):
                return False
        elif key == "oneOf":
            if sum(_valid(v, s, root) for s in arg) != 1:
                return False
        elif key == "if":
            branch = schema.get("then" if _valid(v, arg, root) else "else", True)
            if not _valid(v, branch, root):
                return False
        elif key == "additionalProperties":
            if t is dict:
                if "patternProperties" in schema:
                    raise Unsure                    # changes which properties are "additional"
                known = schema.get("properties", {})
                if not all(_valid(v[k], arg, root) for k in v if k not in known):
                    return False
        elif key == "items" and "prefixItems" in schema:
            raise Unsure                            # items then applies only past the prefix
        elif not _keyword(key, arg, v, t, root):
            return False
    return True


def _keyword(key: str, arg: Any, v: Any, t: type, root: dict) -> bool:
    """Keywords that apply to one instance type only; other types pass them."""
    if key in ("pattern", "minLength", "maxLength", "format"):
        if t is not str:
            return True
        if key == "pattern":
            return _regex(arg).search(v) is not None
        if key == "minLength":
            return len(v) >= arg
        if key == "maxLength":
            return len(v) <= arg
        if arg != "date":
            raise Unsure
        if not _DATE.fullmatch(v):
            return False
        try:
            dt.date.fromisoformat(v)
        except ValueError:
            return False
        return True
    if key in ("minimum", "maximum"):
        if not _is_number(v):
            return True
        return v >= arg if key == "minimum" else v <= arg
    if key in ("properties", "required", "propertyNames", "minProperties", "maxProperties"):
        if t is not dict:
            return True
        if key == "properties":
            return all(_valid(v[k], s, root) for k, s in arg.items() if k in v)
        if key == "required":
            return all(k in v for k in arg)
        if key == "propertyNames":
            return all(_valid(k, arg, root) for k in v)
        return len(v) >= arg if key == "minProperties" else len(v) <= arg
    if key in ("items", "minItems", "maxItems", "uniqueItems"):
        if t is not list:
            return True
        if key == "items":
            return all(_valid(x, arg, root) for x in v)
        if key == "minItems":
            return len(v) >= arg
        if key == "maxItems":
            return len(v) <= arg
        return not arg or not any(_json_equal(v[i], v[j]) for i in range(len(v)) for j in range(i))
    raise Unsure                                    # a keyword this module does not know
