"""What the rules decide together: conflicts, gaps, shadowed and impossible rules.

Each check enumerates fact assignments exactly (see ..domains) with the same
three-valued semantics as the engine (:func:`imr_rules.conditions.evaluate`),
so every finding carries a witness: the facts for which it happens. A check
whose assignment space is over the bound is skipped with a low finding.
"""

from __future__ import annotations

import itertools

from ...conditions import evaluate
from ...decision import precedence
from ...model import TIER_LABEL, Rule, RuleBase
from ..domains import TooMany, assignments, dates_cover, dates_overlap, item_kinds, show, space
from ..findings import Finding, Validator


def _kinds_text(kinds) -> str:
    kinds = sorted(kinds)
    first = f"{kinds[0][0]}/{kinds[0][1]}"
    return first if len(kinds) == 1 else f"{first} (and {len(kinds) - 1} more category/region pairs)"


class Conflict(Validator):
    id = "conflict"
    severity = "high"
    description = ("Two active rules of the same tier and priority can decide the same item with different "
                   "determinations.")

    def finalize(self, rb: RuleBase) -> list[Finding]:
        out = []
        for a, b in itertools.combinations(rb.active_rules, 2):
            if (a.tier, a.priority) != (b.tier, b.priority) or a.determination == b.determination:
                continue
            kinds = item_kinds(a, rb) & item_kinds(b, rb)
            if not kinds or not dates_overlap(a, b):
                continue
            fact_ids, domains = space(rb, [a.when, b.when])
            try:
                witness = next((w for w in assignments(fact_ids, domains)
                                if evaluate(a.when, w) is True and evaluate(b.when, w) is True), None)
            except TooMany as exc:
                out.append(self.finding(f"rules {a.id!r} and {b.id!r} not checked for a conflict: "
                                        f"{exc.count} fact assignments", a.where, "low"))
                continue
            if witness is not None:
                out.append(self.finding(
                    f"rules {a.id!r} ({a.determination}) and {b.id!r} ({b.determination}, {b.where}) both decide "
                    f"{_kinds_text(kinds)} at {TIER_LABEL[a.tier]} priority {a.priority} when "
                    f"{show(witness, fact_ids)}", a.where))
        return out


class Gap(Validator):
    id = "gap"
    severity = "medium"
    description = ("Facts, all known, for which no active rule decides an item of a category "
                   "(the draft would be not_addressed).")

    def finalize(self, rb: RuleBase) -> list[Finding]:
        out = []
        active = rb.active_rules
        for category in rb.items.categories:
            # Regions with the same applicable rules have the same gaps: one finding for them all.
            groups: dict[tuple[str, ...], list[str]] = {}
            for region in rb.items.region_ids():
                rules = tuple(r.id for r in active if r.applies_to.matches(category.id, region))
                groups.setdefault(rules, []).append(region)
            if set(groups) == {()}:
                continue        # no rule for the category at all: unused-category says so
            for rule_ids, regions in groups.items():
                where = f"{category.id} items ({_regions_text(regions)})"
                if not rule_ids:
                    out.append(self.finding(f"no active rule applies to {where}", category.where))
                    continue
                conds = [rb.rule_index[r].when for r in rule_ids]
                fact_ids, domains = space(rb, conds, with_missing=False)
                try:
                    witness = next((w for w in assignments(fact_ids, domains)
                                    if not any(evaluate(c, w) is True for c in conds)), None)
                except TooMany as exc:
                    out.append(self.finding(f"{where} not checked for gaps: {exc.count} fact assignments",
                                            category.where, "low"))
                    continue
                if witness is not None:
                    out.append(self.finding(f"no active rule decides {where} when {show(witness, fact_ids)}",
                                            category.where))
        return out


def _regions_text(regions: list[str]) -> str:
    return "body region " + regions[0] if len(regions) == 1 else "body regions " + ", ".join(regions)


class NeverHolds(Validator):
    id = "never-holds"
    severity = "medium"
    description = "A rule whose condition is true for no facts at all, or that applies to no item."

    def finalize(self, rb: RuleBase) -> list[Finding]:
        out = []
        for rule in rb.rules:
            if not item_kinds(rule, rb):
                out.append(self.finding(f"rule {rule.id!r} applies to no item (its body regions exclude them all)",
                                        rule.where))
                continue
            fact_ids, domains = space(rb, [rule.when])
            try:
                if not any(evaluate(rule.when, w) is True for w in assignments(fact_ids, domains)):
                    out.append(self.finding(f"rule {rule.id!r}: its condition can never be true", rule.where))
            except TooMany as exc:
                out.append(self.finding(f"rule {rule.id!r} not checked: {exc.count} fact assignments",
                                        rule.where, "low"))
        return out


class Shadowed(Validator):
    id = "shadowed"
    severity = "medium"
    description = ("An active rule that can never be the deciding rule: whenever it holds, a rule of a higher "
                   "tier or a lower priority number that applies to the same item holds too.")

    def finalize(self, rb: RuleBase) -> list[Finding]:
        out = []
        active = rb.active_rules
        kinds_of = {r.id: item_kinds(r, rb) for r in active}
        for rule in active:
            higher = [s for s in active if precedence(s) < precedence(rule) and dates_cover(s, rule)]
            # Item kinds with the same higher rules are one check.
            groups: dict[tuple[str, ...], None] = {}
            for kind in kinds_of[rule.id]:
                groups.setdefault(tuple(s.id for s in higher if kind in kinds_of[s.id]))
            try:
                shadowers = _shadowers(rb, rule, [[rb.rule_index[i] for i in g] for g in groups])
            except TooMany as exc:
                out.append(self.finding(f"rule {rule.id!r} not checked for shadowing: {exc.count} fact "
                                        "assignments", rule.where, "low"))
                continue
            if shadowers:
                out.append(self.finding(f"rule {rule.id!r} never decides: whenever it holds, a rule of a higher "
                                        "tier or lower priority number holds too "
                                        f"({', '.join(shadowers)})", rule.where))
        return out


def _shadowers(rb: RuleBase, rule: Rule, groups: list[list[Rule]]) -> list[str] | None:
    """Ids of the rules that decide instead of ``rule`` wherever it holds, or None if it can decide
    (or never holds at all: never-holds reports that)."""
    found: dict[str, None] = {}
    ever_holds = False
    for higher in groups:
        fact_ids, domains = space(rb, [rule.when] + [s.when for s in higher])
        for w in assignments(fact_ids, domains):
            if evaluate(rule.when, w) is not True:
                continue
            ever_holds = True
            holder = next((s for s in higher if evaluate(s.when, w) is True), None)
            if holder is None:
                return None
            found.setdefault(holder.id)
    return list(found) if ever_holds else None
