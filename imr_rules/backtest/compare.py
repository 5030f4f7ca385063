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
from ..letters.citations import chapter_key, citation_chapter
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
    expected_basis: dict | None        # the reviewer's first citation (tier, guideline, chapter, section, pages)
    got_basis: dict | None             # tier, guideline_id, guideline, chapter, section, pages
    basis_agree: bool | None           # None: not compared (not covered, or no historical basis)
    fired: tuple[str, ...]
    deciding: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()   # only for items that disagree (decision or basis)
    expected_citations: tuple[dict, ...] = ()   # every source the reviewer cited
    category: str | None = None        # the item category the rule base put the item in (None: none)

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


def basis_agrees(cited: list[dict], got: dict | None) -> bool | None:
    """Whether the draft cites a chapter the reviewer relied on: the same tier and
    guideline chapter as any of the reviewer's citations.

    Chapters are compared by what they are about (:func:`chapter_key`: "Low
    Back - Lumbar & Thoracic (Acute & Chronic)" is the ODG's "Low Back
    Problems"). A citation that names no chapter (a tier alone, "ODG MRI
    shoulder") can only agree on the tier. Without citations, or without a
    draft basis, nothing is compared and the answer is None.
    """
    cited = [c for c in cited or () if c.get("tier")]
    if not cited or not got:
        return None
    want = chapter_key(got.get("chapter")) or chapter_key(got.get("guideline"))
    for c in cited:
        key = citation_chapter(c)
        if c["tier"] == got.get("tier") and (key is None or key == want):
            return True
    return False


def expected_citations(past: dict) -> list[dict]:
    """The reviewer's citations of a historical item: ``imr_citations``, or (case files
    written before those existed) the one ``imr_guideline``."""
    cited = past.get("imr_citations")
    if cited is None:
        first = past.get("imr_guideline")
        cited = [first] if first else []
    return [{k: c.get(k) for k in ("tier", "guideline", "edition", "chapter", "section", "pages")}
            for c in cited if isinstance(c, dict)]


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
        cited = expected_citations(past)
        got_basis = basis_of(d)
        record = ItemRecord(
            source=source, case_id=case.case_id, item_id=item_id, name=d.item.name,
            expected=past["decision"], determination=d.determination, conflict=d.conflict,
            expected_basis=cited[0] if cited else None, expected_citations=tuple(cited), got_basis=got_basis,
            basis_agree=basis_agrees(cited, got_basis) if OUTCOME_OF.get(d.determination) else None,
            fired=d.fired, deciding=tuple(r.id for r in d.deciding), category=d.category)
        if record.agree is False or record.basis_agree is False:
            record = _with_evidence(record, case, d)
        records.append(record)
    return records


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
