"""The numbers of a backtest: pure functions of counts.

About 90% of IMR items are upheld, so a rule base that drafts "upheld" for
everything agrees about 90% of the time. Agreement is therefore always
reported with recall for each historical outcome, coverage and Cohen's kappa,
which discounts the agreement two raters would reach by chance.

The confusion matrix has the historical outcome as rows and the draft as
columns: ``upheld`` and ``overturned`` (covered items), then
``insufficient_information`` and ``not_addressed`` (items the rule base does
not decide, conflicts included).
"""

from __future__ import annotations

from typing import Iterable, Mapping

from ..decision import OVERTURNED, UPHELD
from ..model import INSUFFICIENT_INFORMATION, NOT_ADDRESSED

OUTCOMES = (UPHELD, OVERTURNED)
#: The category of items the item catalog does not classify (no rule can apply to them).
UNCLASSIFIED = "(unclassified)"
COLUMNS = OUTCOMES + (INSUFFICIENT_INFORMATION, NOT_ADDRESSED)

Matrix = Mapping[str, Mapping[str, int]]


def ratio(numerator: int, denominator: int) -> float | None:
    """``numerator / denominator``, or None when there is nothing to divide by."""
    return numerator / denominator if denominator else None


def confusion(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """Count (historical outcome, draft column) pairs into the full matrix, zeros included."""
    matrix = {row: {col: 0 for col in COLUMNS} for row in OUTCOMES}
    for expected, got in pairs:
        matrix[expected][got] += 1
    return matrix


def covered(matrix: Matrix, row: str | None = None) -> int:
    """Items the rule base decided (upheld or overturned), in one row or in all."""
    rows = [row] if row else OUTCOMES
    return sum(matrix[r][c] for r in rows for c in OUTCOMES)


def items(matrix: Matrix, row: str | None = None) -> int:
    rows = [row] if row else OUTCOMES
    return sum(matrix[r][c] for r in rows for c in COLUMNS)


def agreed(matrix: Matrix) -> int:
    return sum(matrix[o][o] for o in OUTCOMES)


def agreement(matrix: Matrix) -> float | None:
    """Share of covered items where the draft matches the historical outcome."""
    return ratio(agreed(matrix), covered(matrix))


def coverage(matrix: Matrix) -> float | None:
    """Share of historical items the rule base decides at all."""
    return ratio(covered(matrix), items(matrix))


def recall(matrix: Matrix, outcome: str) -> dict:
    """For one historical outcome: how many items, how many decided, how many decided alike."""
    n_items, n_covered, n_agreed = items(matrix, outcome), covered(matrix, outcome), matrix[outcome][outcome]
    return {"items": n_items, "covered": n_covered, "agreed": n_agreed,
            "recall": ratio(n_agreed, n_covered), "coverage": ratio(n_covered, n_items)}


def cohens_kappa(matrix: Matrix) -> tuple[float | None, str | None]:
    """Cohen's kappa of the covered items (the 2x2 upheld/overturned part), or (None, why).

    kappa = (p_o - p_e) / (1 - p_e), where p_o is the observed agreement and
    p_e the agreement expected by chance from the two raters' marginals:
    p_e = sum over outcomes of P(history says it) * P(draft says it).

    When the covered items hold only one historical outcome, p_e equals p_o
    for any drafts, so kappa is 0 (or 0/0) whatever the rules do: it says
    nothing, and is reported as undefined. With both historical outcomes
    present p_e < 1, so kappa is always defined (a rule base that drafts one
    outcome for everything then gets kappa 0, which is the point).
    """
    n = covered(matrix)
    if n == 0:
        return None, "no covered items"
    rows = {o: covered(matrix, o) for o in OUTCOMES}
    absent = [o for o in OUTCOMES if rows[o] == 0]
    if absent:
        present = [o for o in OUTCOMES if rows[o]][0]
        return None, (f"every covered historical item is {present} (none {absent[0]}): with one historical "
                      "outcome, chance agreement equals observed agreement and kappa carries no information")
    cols = {o: sum(matrix[r][o] for r in OUTCOMES) for o in OUTCOMES}
    p_o = agreed(matrix) / n
    p_e = sum(rows[o] * cols[o] for o in OUTCOMES) / (n * n)
    return (p_o - p_e) / (1 - p_e), None


def rule_firings(records: Iterable, rule_ids: Iterable[str]) -> dict[str, dict[str, int]]:
    """Per rule: items it fired for, items it decided, and decided items that disagree.

    Every rule of the rule base is listed, so rules that no historical case
    exercises show up with zeros.
    """
    return summarize(list(records), rule_ids)["rules"]


class Summary:
    """The summary's counts, taken one record at a time: memory does not grow with the corpus."""

    def __init__(self, rule_ids: Iterable[str]):
        self.matrix = confusion(())
        self.conflicts = self.compared = self.basis_agreed = self.records = 0
        self.rules = {r: {"fired": 0, "deciding": 0, "deciding_disagreed": 0} for r in rule_ids}
        self.categories: dict[str, dict] = {}

    def add(self, r) -> None:
        self.records += 1
        self.matrix[r.expected][r.got if r.covered else r.determination] += 1
        self.conflicts += r.conflict
        if r.basis_agree is not None:
            self.compared += 1
            self.basis_agreed += r.basis_agree
        self._add_category(r)
        for rule in r.fired:
            self.rules.setdefault(rule, {"fired": 0, "deciding": 0, "deciding_disagreed": 0})["fired"] += 1
        for rule in r.deciding:
            row = self.rules.setdefault(rule, {"fired": 0, "deciding": 0, "deciding_disagreed": 0})
            row["deciding"] += 1
            row["deciding_disagreed"] += r.agree is False

    def _add_category(self, r) -> None:
        # Per item category (a topic: imaging, therapy, a medication class...): one
        # figure for the whole corpus hides a topic the rules decide badly.
        row = self.categories.get(r.category or UNCLASSIFIED)
        if row is None:
            row = self.categories[r.category or UNCLASSIFIED] = {
                "items": 0, "covered": 0, "agreed": 0,
                "upheld": {"items": 0, "covered": 0, "agreed": 0},
                "overturned": {"items": 0, "covered": 0, "agreed": 0},
                "basis": {"compared": 0, "agreed": 0}}
        row["items"] += 1
        by_outcome = row[r.expected]
        by_outcome["items"] += 1
        if r.covered:
            row["covered"] += 1
            by_outcome["covered"] += 1
            row["agreed"] += r.agree
            by_outcome["agreed"] += r.agree
        if r.basis_agree is not None:
            row["basis"]["compared"] += 1
            row["basis"]["agreed"] += r.basis_agree

    def result(self) -> dict:
        """Every number of the summary (see :func:`summarize`)."""
        matrix = self.matrix
        kappa, kappa_note = cohens_kappa(matrix)
        n_covered = covered(matrix)
        return {
            "items": items(matrix),
            "covered": n_covered,
            "coverage": coverage(matrix),
            "not_covered": {
                INSUFFICIENT_INFORMATION: sum(matrix[o][INSUFFICIENT_INFORMATION] for o in OUTCOMES),
                NOT_ADDRESSED: sum(matrix[o][NOT_ADDRESSED] for o in OUTCOMES),
                "conflicts": self.conflicts,
            },
            "agreed": agreed(matrix),
            "disagreed": n_covered - agreed(matrix),
            "agreement": agreement(matrix),
            "recall": {o: recall(matrix, o) for o in OUTCOMES},
            "kappa": kappa,
            "kappa_note": kappa_note,
            "confusion": matrix,
            "basis": {"compared": self.compared, "agreed": self.basis_agreed,
                      "agreement": ratio(self.basis_agreed, self.compared),
                      "not_compared": self.records - self.compared},
            "rules": {r: self.rules[r] for r in sorted(self.rules)},
            "categories": {c: self.categories[c] for c in sorted(self.categories)},
        }


def summarize(records: list, rule_ids: Iterable[str]) -> dict:
    """Every number of the summary, from the item records (see compare.ItemRecord)."""
    summary = Summary(rule_ids)
    for r in records:
        summary.add(r)
    return summary.result()
