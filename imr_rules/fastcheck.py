"""A fast, strict pre-check of case documents, so bulk input skips jsonschema.

jsonschema costs a few hundred microseconds per case, more than the engine
itself; ``evaluate --jsonl`` reads tens of thousands of cases. This check
accepts only plainly well-formed cases (a subset of what case.schema.json
accepts; a property test holds it to that). Anything it does not accept goes
through jsonschema, which decides and words the error, so the check can be
strict without ever changing what is valid.
"""

from __future__ import annotations

import re
from typing import Any

_FACT_ID = re.compile(r"[a-z][a-z0-9_]{0,62}")
_RESERVED = frozenset({"sid", "id", "kind", "category", "body_region"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CASE_KEYS = frozenset({"case_id", "items", "facts", "ur_decision", "request_date", "diagnoses", "patient"})
_ITEM_KEYS = frozenset({"id", "name", "facts", "category", "body_region", "quantity"})
_UR = frozenset({"non_certified", "modified", "certified"})


_GOOD_IDS: set[str] = set()     # ids already seen to pass: bulk input repeats the same few


def _fact_id(key: Any) -> bool:
    if key in _GOOD_IDS:
        return True
    ok = type(key) is str and _FACT_ID.fullmatch(key) is not None and key not in _RESERVED
    if ok and len(_GOOD_IDS) < 4096:
        _GOOD_IDS.add(key)
    return ok


def _facts(value: Any) -> bool:
    if type(value) is not dict or len(value) > 200:
        return False
    return all(_fact_id(k) and (v is None or type(v) in (bool, int, float, str)) for k, v in value.items())


def _str(value: Any, lo: int, hi: int) -> bool:
    return type(value) is str and lo <= len(value) <= hi


def plainly_valid_case(data: Any) -> bool:
    """True only for a case that certainly satisfies case.schema.json."""
    if type(data) is not dict or not _CASE_KEYS.issuperset(data):
        return False
    if not _str(data.get("case_id"), 1, 200):
        return False
    if "facts" in data and not _facts(data["facts"]):
        return False
    if "ur_decision" in data and (type(data["ur_decision"]) is not str or data["ur_decision"] not in _UR):
        return False
    if "request_date" in data or "diagnoses" in data or "patient" in data:
        return False          # rarer fields: leave them to jsonschema (dates need its format check)
    items = data.get("items")
    if type(items) is not list or not 1 <= len(items) <= 200:
        return False
    for item in items:
        if type(item) is not dict or not _ITEM_KEYS.issuperset(item) or not _str(item.get("name"), 1, 500):
            return False
        if "id" in item and not _str(item["id"], 1, 100):
            return False
        if "facts" in item and not _facts(item["facts"]):
            return False
        for key in ("category", "body_region"):
            if key in item and not _fact_id(item[key]):
                return False
        if "quantity" in item and (type(item["quantity"]) not in (int, float) or item["quantity"] < 0):
            return False
    return True
