"""FHIR R4 Questionnaire and QuestionnaireResponse, in the manner of Da Vinci DTR.

A Questionnaire is generated from a draft: one ``group`` per requested item
(linkId = the item id) holding one question per open fact (linkId =
``ITEM/FACT``), typed from the fact catalog, with the fact's question as
text. Its ``version`` is the rule base fingerprint, so a response says which
rules it answered. A QuestionnaireResponse comes back as answers: item id ->
fact -> value, checked against the fact catalog. The tests validate the
generated resources with two FHIR libraries (tests/test_serve_fhir.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..errors import InputError
from ..model import RuleBase
from .questions import check_value, open_questions

#: FHIR item type per fact type.
ITEM_TYPE = {"boolean": "boolean", "number": "decimal", "enum": "choice", "date": "date", "string": "string"}
CANONICAL_BASE = "urn:imr-rules:questionnaire:"
WHERE = "QuestionnaireResponse"


def questionnaire(rb: RuleBase, result: dict, item_id: str | None = None) -> dict:
    """The Questionnaire of a draft's open facts (of one item, or of every item)."""
    items = [i for i in result["items"] if item_id in (None, i["item_id"])]
    if not items:
        raise InputError(f"no item {item_id!r} in the case", "item",
                         hint="items: " + ", ".join(i["item_id"] for i in result["items"]))
    asked = open_questions(rb, result)
    groups = []
    for item in items:
        questions = []
        for q in asked[item["item_id"]]:
            text = q.fact.question + (f" ({q.fact.unit})" if q.fact.unit else "")
            question: dict[str, Any] = {"linkId": f"{item['item_id']}/{q.fact.id}", "text": text,
                                        "type": ITEM_TYPE[q.fact.type], "required": False}
            if q.fact.type == "enum":
                question["answerOption"] = [{"valueCoding": {"code": v, "display": v.replace("_", " ")}}
                                            for v in q.fact.values or ()]
            questions.append(question)
        group: dict[str, Any] = {"linkId": item["item_id"], "text": item["name"], "type": "group"}
        if questions:
            group["item"] = questions
        else:       # FHIR: a group has items or is a display; say why there is nothing to ask
            group["type"] = "display"
            group["text"] = f"{item['name']}: no open questions"
        groups.append(group)
    fingerprint = result["ruleset"]["fingerprint"]
    return {
        "resourceType": "Questionnaire",
        "url": CANONICAL_BASE + _safe_id(result["case_id"]),
        "version": fingerprint,
        "name": "IMRRulesOpenQuestions",
        "title": f"Open documentation questions: {result['case_id']}",
        "status": "draft",
        "subjectType": ["Patient"],
        "description": ("Facts the MTUS/ODG rules still need to draft these items (imr-rules "
                        f"{result['tool_version']}). Draft decision support only: a denial needs a physician "
                        "reviewer (Labor Code section 4610)."),
        "item": groups,
    }


def answers_from_response(rb: RuleBase, response: Any, case: dict) -> dict[str, dict[str, Any]]:
    """Item id -> fact -> value from a QuestionnaireResponse about ``case``'s items."""
    if not isinstance(response, dict) or response.get("resourceType") != "QuestionnaireResponse":
        raise InputError("not a QuestionnaireResponse", WHERE,
                         hint='send {"resourceType": "QuestionnaireResponse", "status": ..., "item": [...]}')
    item_ids = {i.get("id") for i in case["items"]}
    answers: dict[str, dict[str, Any]] = {}
    for entry in _leaves(response.get("item", [])):
        link = entry.get("linkId")
        if not isinstance(link, str) or "/" not in link:
            continue            # groups and display items carry no answer
        item_id, fact_id = link.split("/", 1)
        where = f"{WHERE} item {link}"
        if item_id not in item_ids:
            raise InputError(f"no item {item_id!r} in the case", where, hint="answer the questionnaire of this case")
        fact = rb.facts.get(fact_id)
        if fact is None:
            raise InputError(f"unknown fact {fact_id!r}", where, hint="answer the questions the questionnaire asks")
        given = entry.get("answer") or []
        if len(given) > 1:
            raise InputError("more than one answer", where, hint="give one answer per question")
        answers.setdefault(item_id, {})[fact_id] = check_value(fact, _value(given[0], where) if given else None,
                                                               where)
    return answers


def _leaves(entries) -> list[dict]:
    if not isinstance(entries, list):
        raise InputError("item must be a list", WHERE, hint="see the FHIR QuestionnaireResponse resource")
    out = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise InputError("every item must be an object with a linkId", WHERE,
                             hint="see the FHIR QuestionnaireResponse resource")
        out.append(entry)
        out += _leaves(entry.get("item") or [])
    return out


def _value(answer: Any, where: str) -> Any:
    if not isinstance(answer, dict):
        raise InputError("an answer must be an object with one value[x]", where)
    for key in ("valueBoolean", "valueDecimal", "valueInteger", "valueDate", "valueString"):
        if key in answer:
            value = answer[key]
            if key == "valueDate" and isinstance(value, str):
                try:
                    return dt.date.fromisoformat(value)
                except ValueError:
                    raise InputError(f"not a date: {value!r}", where, hint="give the date as YYYY-MM-DD") from None
            return value
    if isinstance(answer.get("valueCoding"), dict):
        return answer["valueCoding"].get("code")
    raise InputError("an answer has no value[x] this service reads", where,
                     hint="use valueBoolean, valueDecimal, valueInteger, valueDate, valueString or valueCoding")


def _safe_id(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-." else "-" for c in text)[:64] or "case"
