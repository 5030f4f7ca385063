"""Comparing one historical case with the rule base's drafts, item by item.

The result of a comparison is an :class:`ItemRecord`: a few strings per item,
small enough to send back from a worker process by the thousand. Drafts,
rationales and letter texts stay in the process that made them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from ..cases import Case
from ..conditions import facts_used
from ..decision import IMR_OUTCOME, ItemDecision
from ..errors import InputError
from ..evaluate import Evaluator
from ..render import basis_of

#: A historical case went to IMR, so UR had denied (or modified) the item:
#: the draft's outcome is the IMR outcome of its determination, even when a
#: case file omits ``ur_decision`` (the result's ``imr_outcome`` is then null).
OUTCOME_OF = IMR_OUTCOME
#: Longest evidence quote carried in a record; letters' sentences are shorter.
MAX_QUOTE = 500


@dataclass(frozen=True)
class Evidence:
    """A fact a deciding rule read: its value, and where the record says so."""

    fact: str
    value: Any
    quote: str | None


@dataclass(frozen=True)
class ItemRecord:
    """One historical item compared with the draft."""

    source: str
    case_id: str
    item_id: str
    name: str
    expected: str                      # upheld | overturned (the expert reviewer's decision)
    determination: str                 # the draft's determination
    conflict: bool
    expected_basis: dict | None        # tier, guideline, chapter, section, pages from the letter
    got_basis: dict | None             # tier, guideline_id, guideline, chapter, section, pages
    basis_agree: bool | None           # None: not compared (not covered, or no historical basis)
    fired: tuple[str, ...]
    deciding: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()   # only for items that disagree (decision or basis)

    @property
    def got(self) -> str | None:
        """The draft as an IMR outcome; None when the rule base does not decide the item."""
        return OUTCOME_OF.get(self.determination)

    @property
    def covered(self) -> bool:
        return self.got is not None

    @property
    def agree(self) -> bool | None:
        return None if not self.covered else self.got == self.expected


def normalize(text: Any) -> str | None:
    """Case-insensitive, whitespace-normalized text for comparing citations."""
    return None if text is None else " ".join(str(text).split()).casefold()


def basis_agrees(expected: dict | None, got: dict | None) -> bool | None:
    """Whether the draft cites the tier and chapter the reviewer relied on.

    Only the fields the history states are compared (a letter may give a tier
    without a chapter); with neither, or without a draft basis, nothing is
    compared and the answer is None.
    """
    if not expected or not got:
        return None
    fields = [k for k in ("tier", "chapter") if expected.get(k)]
    if not fields:
        return None
    return all(normalize(expected[k]) == normalize(got.get(k)) for k in fields)


def historical_items(case: Case) -> dict[str, dict]:
    return dict((case.history or {}).get("items") or {})


def compare_case(evaluator: Evaluator, case: Case, source: str) -> list[ItemRecord]:
    """A record for every item of ``case.history``, in item-id order."""
    history = historical_items(case)
    decisions = {d.item.id: d for d in evaluator.decide(case)}
    unknown = sorted(set(history) - set(decisions))
    if unknown:
        raise InputError(f"history names item(s) {', '.join(map(repr, unknown))} that the case does not request",
                         case.source, hint="history.items keys must be ids of the case's items")
    records = []
    for item_id in sorted(history):
        d = decisions[item_id]
        past = history[item_id]
        expected_basis = _expected_basis(past.get("imr_guideline"))
        got_basis = basis_of(d)
        record = ItemRecord(
            source=source, case_id=case.case_id, item_id=item_id, name=d.item.name,
            expected=past["decision"], determination=d.determination, conflict=d.conflict,
            expected_basis=expected_basis, got_basis=got_basis,
            basis_agree=basis_agrees(expected_basis, got_basis) if OUTCOME_OF.get(d.determination) else None,
            fired=d.fired, deciding=tuple(r.id for r in d.deciding))
        if record.agree is False or record.basis_agree is False:
            record = _with_evidence(record, case, d)
        records.append(record)
    return records


def _expected_basis(guideline: dict | None) -> dict | None:
    if not guideline:
        return None
    # "raw" (the letter's sentence) stays behind: the structured fields say it all.
    return {k: guideline.get(k) for k in ("tier", "guideline", "chapter", "section", "pages")}


def _with_evidence(record: ItemRecord, case: Case, d: ItemDecision) -> ItemRecord:
    """Attach the facts the deciding rules read, with the record's words for each."""
    facts: dict[str, None] = {}
    for rule in d.deciding:
        for f in facts_used(rule.when):
            facts.setdefault(f)
    own = case.item_evidence.get(d.item.id) or {}
    evidence = []
    for fact in facts:
        found = own.get(fact) or case.evidence.get(fact) or {}
        quote = found.get("quote")
        if quote and len(quote) > MAX_QUOTE:
            quote = quote[:MAX_QUOTE - 1] + "…"
        value = d.facts.get(fact)
        if isinstance(value, dt.date):      # date facts: keep records JSON-ready
            value = value.isoformat()
        evidence.append(Evidence(fact, value, quote))
    return replace(record, evidence=tuple(evidence))
