"""Fact values: checking a stated value against the fact catalog's type."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .model import Fact

_TYPE_WORDS = {"boolean": "true or false", "number": "a number", "date": "a date (YYYY-MM-DD)",
               "string": "text", "enum": "one of"}


def coerce(fact: Fact, value: Any) -> Any:
    """The value in the engine's terms, or ValueError saying what was expected.

    ``None`` stays None: a fact stated as null is unknown, like a missing one.
    """
    if value is None:
        return None
    t = fact.type
    if t == "boolean" and isinstance(value, bool):
        return value
    if t == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"fact {fact.id!r} must be a finite number")
        return value
    if t == "string" and isinstance(value, str):
        return value
    if t == "enum" and isinstance(value, str) and value in (fact.values or ()):
        return value
    if t == "date":
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
    expected = _TYPE_WORDS[t]
    if t == "enum":
        expected += " " + ", ".join(fact.values or ())
    raise ValueError(f"fact {fact.id!r} must be {expected}, not {value!r}")
