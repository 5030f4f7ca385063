"""Case files: the requested items and the facts the record documents.

A case is validated against ``schemas/case.schema.json`` and then against the
fact catalog (unknown fact ids, wrong types) with file:line messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from . import schemas
from .errors import InputError, InputErrors, did_you_mean
from .fastcheck import plainly_valid_case
from .model import RuleBase
from .values import coerce
from .yamlio import Document, parse_document, parse_json_line


@dataclass(frozen=True)
class RequestedItem:
    id: str
    name: str
    quantity: float | None
    category: str | None          # as stated by the case; None: from the item catalog
    body_region: str | None
    facts: dict[str, Any]         # this item's own facts (override the case's)


@dataclass(frozen=True)
class Case:
    case_id: str
    items: tuple[RequestedItem, ...]
    facts: dict[str, Any]
    patient: dict = field(default_factory=dict)
    diagnoses: tuple[str, ...] = ()
    request_date: dt.date | None = None
    ur_decision: str | None = None
    evidence: dict = field(default_factory=dict)
    item_evidence: dict = field(default_factory=dict)     # item id -> {fact: evidence}
    history: dict | None = None
    source: str = "<case>"

    def item_facts(self, item: RequestedItem) -> dict[str, Any]:
        """The facts that hold for one item: the case's, overridden by the item's own."""
        if not item.facts:
            return self.facts
        merged = dict(self.facts)
        merged.update(item.facts)
        return merged


def case_from_document(doc: Document, rb: RuleBase, schema_checked: bool = False) -> Case:
    """Validate a parsed case document and build the :class:`Case`.

    ``schema_checked`` skips the JSON Schema for documents this package made
    itself (imported letters; tests hold the importer to the schema): in a
    backtest of thousands of letters the schema would cost more than the rest.
    Facts are still checked against the catalog."""
    if not isinstance(doc.data, dict):
        raise doc.error("a case must be a mapping with case_id and items",
                        hint="see `imr-rules schema case` or the README's case format")
    if not (schema_checked or plainly_valid_case(doc.data)):
        schemas.validate(doc, "case")
    errors: list[InputError] = []
    d = doc.data
    facts = _facts(doc, ("facts",), d.get("facts") or {}, rb, errors)
    items, seen = [], set()
    for i, raw in enumerate(d["items"]):
        item_id = raw.get("id") or f"item-{i + 1}"
        if item_id in seen:
            errors.append(doc.error(f"duplicate item id {item_id!r}", ("items", i, "id"),
                                    hint="give every item its own id"))
        seen.add(item_id)
        if "category" in raw or "body_region" in raw:
            for key, table, what in (("category", rb.items.category_id_set, "item category"),
                                     ("body_region", rb.items.region_id_set, "body region")):
                if key in raw and raw[key] not in table:
                    errors.append(doc.error(f"unknown {what} {raw[key]!r}", ("items", i, key),
                                            hint=f"use one of: {', '.join(sorted(table))}"))
        item_facts = raw.get("facts")
        own = _facts(doc, ("items", i, "facts"), item_facts, rb, errors) if item_facts else {}
        if rb.derived_facts:
            own = _derived(rb, raw["name"], own, facts)
        items.append(RequestedItem(item_id, raw["name"], raw.get("quantity"), raw.get("category"),
                                   raw.get("body_region"), own))
    if errors:
        raise InputErrors(errors)
    return Case(
        case_id=d["case_id"], items=tuple(items), facts=facts, patient=d.get("patient") or {},
        diagnoses=tuple(d.get("diagnoses") or ()),
        request_date=dt.date.fromisoformat(d["request_date"]) if d.get("request_date") else None,
        ur_decision=d.get("ur_decision"), evidence=d.get("evidence") or {},
        item_evidence={it.id: raw["evidence"] for it, raw in zip(items, d["items"]) if raw.get("evidence")}
        if "evidence" in d or any("evidence" in raw for raw in d["items"]) else {},
        history=d.get("history"), source=doc.file)


def _derived(rb: RuleBase, name: str, own: dict, case_facts: dict) -> dict:
    """The item's facts plus those the request itself states (a stated value always wins)."""
    from .derive import derived_values
    found = derived_values(rb.derivations, name)
    if not found:
        return own
    out = dict(own)
    for fact_id, value in found:
        if fact_id not in own and fact_id not in case_facts:
            out[fact_id] = value
    return out


#: (fact type, value type) pairs whose value coerce() returns unchanged: bulk input
#: is mostly these, and the lookup is cheaper than the call.
_AS_IS = frozenset({("boolean", bool), ("number", int), ("string", str)})


def _facts(doc: Document, path, raw: dict, rb: RuleBase, errors: list) -> dict[str, Any]:
    out = {}
    catalog = rb.facts
    for key, value in raw.items():
        fact = catalog.get(key)
        if fact is not None and (fact.type, type(value)) in _AS_IS:
            out[key] = value
            continue
        if fact is None:
            errors.append(doc.error(f"unknown fact {key!r}", path + (key,),
                                    hint="use a fact id from the fact catalog (rules/facts.yaml)"
                                         + did_you_mean(key, rb.facts)))
            continue
        try:
            value = coerce(fact, value)
        except ValueError as exc:
            errors.append(doc.error(str(exc), path + (key,),
                                    hint="state the value in the fact's type (see rules/facts.yaml), or null if unknown"))
            continue
        if value is not None:
            out[key] = value
    return out


def parse_case_text(text: str, source: str, rb: RuleBase) -> Case:
    return case_from_document(parse_document(text, source), rb)


def parse_case_json_line(line: str, source: str, lineno: int, rb: RuleBase) -> Case:
    """One JSON Lines record. ``json`` is much faster than YAML for bulk input;
    lines are short, so the line number of the record is precise enough."""
    return case_from_document(Document(parse_json_line(line, source, lineno), source, {(): lineno}), rb)
