"""One backtest: find the cases, compare every historical item, summarize, judge the gates.

The result is one JSON-shaped document (``summary`` and ``items``) that every
report format renders; nothing in it depends on ``--jobs``, the order files
were found in, or the time of day.

Memory does not grow with the corpus: the cases come from the walker a
share at a time (historical.Corpus: it holds at most PASS_GROUPS groups of
files, never the whole list of paths); each item record updates the
summary's counts (metrics.Summary) and the baseline check as it comes, and
is written to a temporary file (:class:`Spool`) from which the reports read
the items back, in order, while they write. What stays in memory is the
disagreements' keys (for --write-baseline) and the files that could not be
used.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from dataclasses import dataclass, field
from typing import Callable, ContextManager, Iterator

from ..errors import printable
from ..model import RuleBase
from . import baseline as baseline_mod
from .compare import ItemRecord
from ..historical import discover
from .metrics import Summary, ratio
from .workers import outcomes


@dataclass(frozen=True)
class Gates:
    """Thresholds (fractions 0..1) the run must meet; None: not checked."""

    min_agreement: float | None = None
    min_coverage: float | None = None
    min_overturned_caught: float | None = None    # of all historically overturned items, drafted overturned
    min_basis_agreement: float | None = None


class Spool(list):
    """A list that keeps its entries in a temporary file: JSON lines, read back in key order.

    It is an (empty) list to the json module, which writes any list, so a
    report streams it without holding it; ``len``, truth and iteration are
    the entries'. Entries mostly come already in order (paths are sorted);
    once one does not, (key, offset) pairs are kept and iteration sorts them.
    """

    def __init__(self, key: Callable[[dict], tuple]):
        super().__init__()
        self._key = key
        self._file = tempfile.TemporaryFile("w+b")
        self._count = 0
        self._last: tuple | None = None
        self._index: list | None = None

    def append(self, entry: dict) -> None:     # type: ignore[override]
        key = self._key(entry)
        offset = self._file.seek(0, 2)
        if self._index is None and self._last is not None and key < self._last:
            self._index = [(self._key(e), off) for e, off in self._read()]
        self._file.seek(offset)
        self._file.write(json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n")
        if self._index is not None:
            self._index.append((key, offset))
        self._last = key
        self._count += 1

    def _read(self) -> Iterator[tuple[dict, int]]:
        self._file.seek(0)
        offset = 0
        for line in self._file:
            yield json.loads(line), offset
            offset += len(line)

    def __iter__(self) -> Iterator[dict]:
        if self._index is None:
            for entry, _ in self._read():
                yield entry
            return
        for _, offset in sorted(self._index):
            self._file.seek(offset)
            yield json.loads(self._file.readline())

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __eq__(self, other) -> bool:
        return list(iter(self)) == list(other)

    __hash__ = None     # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Spool({self._count} entries)"


@dataclass
class BacktestReport:
    document: dict                              # {"summary": ..., "items": Spool}: the JSON report
    # The records of the disagreements (what --write-baseline lists); the others are not kept.
    records: list[ItemRecord] = field(default_factory=list)

    @property
    def summary(self) -> dict:
        return self.document["summary"]

    @property
    def errors(self) -> list[dict]:
        return self.summary["errors"]

    @property
    def passed(self) -> bool:
        return self.summary["passed"]


class _NoProgress:
    def update(self, n: int) -> None:
        pass


def no_progress(total: int) -> ContextManager:
    return contextlib.nullcontext(_NoProgress())


def run_backtest(paths: list[str], rb: RuleBase, *, rules_dir: str | None = None,
                 guidelines_dir: str | None = None, jobs: int = 1, gates: Gates = Gates(),
                 baseline: tuple[str, set] | None = None,
                 progress: Callable[[int], ContextManager] = no_progress) -> BacktestReport:
    """Backtest ``rb`` against the historical cases under ``paths``.

    ``rules_dir``/``guidelines_dir`` are the folders ``rb`` was loaded from
    (None: bundled), for the worker processes. ``baseline`` is (file, keys)
    from :func:`baseline.load_baseline`. ``progress(total)`` returns a context
    manager with ``update(n)``, called once per file.
    """
    corpus = discover(paths)
    counts = Summary([r.id for r in rb.active_rules])
    checker = baseline_mod.Checker(baseline[1], baseline[0]) if baseline else None
    items = Spool(lambda i: (i["source"], i["item_id"]))
    notes = Spool(lambda n: (n["source"], n["note"]))
    disagreements: list[ItemRecord] = []
    errors = [{"source": printable(e.file), "message": str(e)} for e in corpus.errors]
    cases = with_history = skipped = 0
    total = corpus.count()
    with progress(total) as bar:
        for outcome in outcomes(corpus, total, rb, rules_dir, guidelines_dir, jobs):
            cases += 1
            for r in sorted(outcome.records, key=lambda r: (r.source, r.item_id)):
                counts.add(r)
                if checker:
                    checker.add(r)
                if r.agree is False:
                    disagreements.append(_without_evidence(r))
                items.append(_item(r, baseline[1] if baseline else None))
            for n in sorted(outcome.notes, key=lambda n: (n.source, n.text)):
                notes.append(_note(n))
            with_history += bool(outcome.records)
            skipped += not outcome.records and not outcome.error
            if outcome.error:
                errors.append({"source": outcome.source, "message": outcome.error})
            bar.update(1)

    summary = {"ruleset": rb.fingerprint,
               "files": {"cases": cases, "with_history": with_history,
                         "skipped": skipped, "errors": len(errors)}}
    summary.update(counts.result())
    check = checker.done() if checker else None
    summary["baseline"] = baseline_mod.as_dict(check) if check else None
    summary["gates"] = _gates(summary, gates, check)
    summary["passed"] = all(g["passed"] for g in summary["gates"])
    summary["notes"] = notes
    summary["errors"] = sorted(errors, key=lambda e: (e["source"], e["message"]))
    return BacktestReport({"summary": summary, "items": items}, disagreements)


def _note(n) -> dict:
    return {"source": n.source, "kind": n.kind, "note": n.text}


def _without_evidence(r: ItemRecord) -> ItemRecord:
    # A baseline lists disagreements by their keys: the evidence stays in the spool.
    from dataclasses import replace
    return replace(r, evidence=(), expected_basis=None, expected_citations=(), got_basis=None)


def _gates(summary: dict, gates: Gates, check) -> list[dict]:
    out = []
    if gates.min_agreement is not None:
        agreed, note = summary["agreed"], "agreement on covered items"
        if check:
            # Accepted disagreements count as agreeing: only new ones fail the gate.
            agreed += len(check.accepted)
            note += f"; the {len(check.accepted)} disagreement(s) accepted by the baseline count as agreeing"
        value = ratio(agreed, summary["covered"])
        if value is None:
            note = "no covered items: agreement is undefined, so the gate fails"
        out.append({"gate": "min_agreement", "threshold": gates.min_agreement, "value": value,
                    "passed": value is not None and value >= gates.min_agreement, "note": note})
    if gates.min_coverage is not None:
        value = summary["coverage"]
        note = "share of historical items the rule base decides" if value is not None else \
            "no historical items: coverage is undefined, so the gate fails"
        out.append({"gate": "min_coverage", "threshold": gates.min_coverage, "value": value,
                    "passed": value is not None and value >= gates.min_coverage, "note": note})
    if gates.min_overturned_caught is not None:
        # Recall on overturned items counted over all of them, decided or not:
        # an "always upheld" rule base catches none, however it agrees.
        row = summary["recall"]["overturned"]
        value = ratio(row["agreed"], row["items"])
        note = (f"{row['agreed']} of {row['items']} historically overturned items drafted as overturned"
                if value is not None else "no historically overturned items: undefined, so the gate fails")
        out.append({"gate": "min_overturned_caught", "threshold": gates.min_overturned_caught, "value": value,
                    "passed": value is not None and value >= gates.min_overturned_caught, "note": note})
    if gates.min_basis_agreement is not None:
        basis = summary["basis"]
        value = basis["agreement"]
        note = (f"{basis['agreed']} of {basis['compared']} decided items cite a chapter the reviewer cited"
                if value is not None else "no decided item with a historical citation: undefined, so the gate fails")
        out.append({"gate": "min_basis_agreement", "threshold": gates.min_basis_agreement, "value": value,
                    "passed": value is not None and value >= gates.min_basis_agreement, "note": note})
    return out


def _item(r: ItemRecord, accepted: set | None) -> dict:
    """The report's entry for a record; ``accepted``: the baseline's keys (None: no baseline)."""
    status = None
    if accepted is not None and r.agree is False:
        status = "accepted" if baseline_mod.key(r) in accepted else "new"
    return {
        # The contract's keys first.
        "source": r.source, "item_id": r.item_id, "name": r.name, "expected": r.expected, "got": r.got,
        "covered": r.covered, "agree": r.agree, "basis_agree": r.basis_agree,
        # Added: what the draft was and why.
        "case_id": r.case_id, "category": r.category, "determination": r.determination, "conflict": r.conflict,
        "expected_basis": r.expected_basis, "expected_citations": list(r.expected_citations),
        "got_basis": r.got_basis,
        "fired_rules": list(r.fired), "deciding_rules": list(r.deciding),
        "baseline": status,
        "evidence": [{"fact": e.fact, "value": e.value, "quote": e.quote} for e in r.evidence],
    }
