"""The adaptive questionnaire: the open documentation gaps of each item, as typed questions.

The questions are exactly the documentation gaps that
:mod:`imr_rules.decision` lists for an item (facts that an applicable rule
still needs, or that could still change a decided draft): nothing is
re-derived here. This module only adds what a form needs from the fact
catalog (type, choices, unit) and turns answers back into fact values.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..model import Fact, RuleBase
from ..values import coerce

#: The words a reviewer's form sends for a boolean fact.
YES, NO, UNKNOWN = "yes", "no", "unknown"
MAX_TEXT = 500


@dataclass(frozen=True)
class Question:
    item_id: str
    fact: Fact

    def as_json(self) -> dict:
        f = self.fact
        out = {"fact": f.id, "question": f.question, "type": f.type, "description": f.description}
        if f.values:
            out["values"] = list(f.values)
        if f.unit:
            out["unit"] = f.unit
        return out


def open_questions(rb: RuleBase, result: dict) -> dict[str, list[Question]]:
    """Item id -> its questions, in the order the draft lists its gaps (fact catalog order)."""
    return {item["item_id"]: [Question(item["item_id"], rb.facts[g["fact"]]) for g in item["documentation_gaps"]
                              if g["fact"] in rb.facts]
            for item in result["items"]}


def questionnaire_json(rb: RuleBase, result: dict) -> dict:
    """``POST /v1/questionnaire``: the open questions per item, with each item's draft."""
    asked = open_questions(rb, result)
    return {"case_id": result["case_id"], "ruleset": result["ruleset"],
            "items": [{"item_id": i["item_id"], "name": i["name"], "determination": i["determination"],
                       "questions": [q.as_json() for q in asked[i["item_id"]]]} for i in result["items"]]}


def parse_form_value(fact: Fact, raw: str, where: str) -> Any:
    """A value typed into the reviewer's form, in the fact's type; None for unknown (blank)."""
    text = raw.strip()
    if text == "" or text == UNKNOWN:
        return None
    try:
        if fact.type == "boolean":
            if text not in (YES, NO):
                raise ValueError(f"fact {fact.id!r} must be yes, no or unknown, not {text!r}")
            return text == YES
        if fact.type == "number":
            try:
                number = float(text)
            except ValueError:
                raise ValueError(f"fact {fact.id!r} must be a number, not {text!r}") from None
            if not math.isfinite(number):
                raise ValueError(f"fact {fact.id!r} must be a finite number")
            return int(number) if number.is_integer() else number
        if fact.type == "string" and len(text) > MAX_TEXT:
            raise ValueError(f"fact {fact.id!r} is longer than {MAX_TEXT} characters")
        return coerce(fact, text)
    except ValueError as exc:
        raise InputError(str(exc), where, hint=_hint(fact)) from None


def check_value(fact: Fact, value: Any, where: str) -> Any:
    """A typed value (JSON, FHIR) checked against the fact's type; None for unknown."""
    try:
        return coerce(fact, value)
    except ValueError as exc:
        raise InputError(str(exc), where, hint=_hint(fact)) from None


def json_value(value: Any) -> Any:
    """A fact value as a case file states it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def form_value(fact: Fact, value: Any) -> str:
    """A fact value as the form shows it (the inverse of :func:`parse_form_value`)."""
    if value is None:
        return UNKNOWN if fact.type == "boolean" else ""
    if fact.type == "boolean":
        return YES if value else NO
    return str(json_value(value))


def _hint(fact: Fact) -> str:
    kinds = {"boolean": "answer yes, no or unknown", "number": "give a number",
             "date": "give a date as YYYY-MM-DD", "string": "give a short text",
             "enum": "choose one of: " + ", ".join(fact.values or ())}
    return kinds[fact.type] + " (leave it blank if the record does not say)"
