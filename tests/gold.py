"""Field-by-field accuracy of the letter importer against a hand-checked reference (gold.yaml).

``measure(gold, imported)`` compares what the importer read from each letter
with the reference: ``imported`` maps a case number to the imported case dict,
or to the error message when the letter was not imported. Every figure is a
count of agreeing units over the units compared, so a report says both.

Items are compared in letter order, and only where the letter's item count
is right (an item list of the wrong length counts every item as wrong).
Text is compared after collapsing whitespace; case and punctuation count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


def _text(value) -> str | None:
    return None if value is None else " ".join(str(value).split())


def _key(value) -> str | None:
    t = _text(value)
    return None if t is None else t.casefold()


def _date(value) -> str | None:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return None if value is None else str(value)


def citation_key(c: dict) -> tuple:
    """What "the same citation" means for the reference: tier, guideline and chapter as printed."""
    return (c.get("tier"), _key(c.get("guideline")), _key(c.get("chapter")))


@dataclass
class Tally:
    agreed: int = 0
    total: int = 0
    misses: list = field(default_factory=list)

    def add(self, ok: bool, where: str, expected=None, got=None) -> None:
        self.total += 1
        if ok:
            self.agreed += 1
        else:
            self.misses.append((where, expected, got))

    @property
    def rate(self) -> float:
        return self.agreed / self.total if self.total else 1.0


FIELDS = ("imported", "item_count", "decision", "name", "original_request", "quantity",
          "citations", "no_citation", "date_of_injury", "decision_date", "age", "sex")


def measure(gold: dict, imported: dict) -> dict[str, Tally]:
    tallies = {f: Tally() for f in FIELDS}
    for case_number, ref in gold.items():
        got = imported.get(case_number)
        ok = isinstance(got, dict)
        tallies["imported"].add(ok, case_number, None, got if not ok else None)
        ref_items = ref.get("items") or []
        if not ok:
            for f in ("item_count", "date_of_injury", "decision_date", "age", "sex"):
                tallies[f].add(False, case_number)
            for f in ("decision", "name", "original_request", "quantity", "citations", "no_citation"):
                for _ in ref_items:
                    tallies[f].add(False, case_number)
            continue
        patient_ref = ref.get("patient") or {}
        patient = got.get("patient") or {}
        letter = got.get("letter") or {}
        tallies["date_of_injury"].add(_date(patient.get("date_of_injury")) == _date(patient_ref.get("date_of_injury")),
                                      case_number, patient_ref.get("date_of_injury"), patient.get("date_of_injury"))
        tallies["decision_date"].add(_date(letter.get("decision_date")) == _date(ref.get("decision_date")),
                                     case_number, ref.get("decision_date"), letter.get("decision_date"))
        tallies["age"].add(patient.get("age") == patient_ref.get("age"), case_number,
                           patient_ref.get("age"), patient.get("age"))
        tallies["sex"].add(patient.get("sex") == patient_ref.get("sex"), case_number,
                           patient_ref.get("sex"), patient.get("sex"))
        items = got.get("items") or []
        history = (got.get("history") or {}).get("items") or {}
        same_count = len(items) == len(ref_items)
        tallies["item_count"].add(same_count, case_number, len(ref_items), len(items))
        for n, ref_item in enumerate(ref_items):
            where = f"{case_number} item {n + 1}"
            if not same_count:
                for f in ("decision", "name", "original_request", "quantity", "citations", "no_citation"):
                    tallies[f].add(False, where)
                continue
            item = items[n]
            past = history.get(item.get("id")) or {}
            tallies["decision"].add(past.get("decision") == ref_item["decision"], where,
                                    ref_item["decision"], past.get("decision"))
            tallies["name"].add(_text(item.get("name")) == _text(ref_item["name"]), where,
                                ref_item["name"], item.get("name"))
            tallies["original_request"].add(
                _text(item.get("original_request")) == _text(ref_item.get("original_request")), where,
                ref_item.get("original_request"), item.get("original_request"))
            tallies["quantity"].add(item.get("quantity") == ref_item.get("quantity"), where,
                                    ref_item.get("quantity"), item.get("quantity"))
            want = [citation_key(c) for c in ref_item.get("citations") or []]
            have = [citation_key(c) for c in past.get("imr_citations") or []]
            tallies["citations"].add(want == have, where, want, have)
            tallies["no_citation"].add(bool(past.get("no_citation")) == bool(ref_item.get("no_citation")), where,
                                       ref_item.get("no_citation"), past.get("no_citation"))
    return tallies


def report(tallies: dict[str, Tally]) -> str:
    """The figures as a table for people."""
    lines = [f"{'field':<18}{'agreed':>8}{'of':>6}{'accuracy':>10}"]
    for name, t in tallies.items():
        lines.append(f"{name:<18}{t.agreed:>8}{t.total:>6}{t.rate:>10.1%}")
    return "\n".join(lines)


try:        # the figures of the last run, for the test session's summary (conftest.py)
    import pytest
    GOLD_REPORT = pytest.StashKey[str]()
except (ImportError, AttributeError):      # pragma: no cover - used outside pytest
    GOLD_REPORT = None
