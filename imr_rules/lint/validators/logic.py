"""What the rules decide together: conflicts, gaps (and declared ones), shadowed and impossible rules.

Each check is one exact search for fact assignments (:mod:`..solver`) with
the same three-valued semantics as the engine
(:func:`imr_rules.conditions.evaluate`), so every finding carries a witness:
the facts for which it happens. The searches are kept small by what the
semantics guarantees (a condition whose facts are all missing is unknown,
never true; see solver.py): a rule is only ever weighed against the rules
that read one of its facts, a gap is searched per group of rules that share
facts, and pairs are only formed within one tier and priority.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from ...conditions import facts_used
from ...model import TIER_LABEL, Rule, RuleBase
from ..domains import dates_cover, dates_overlap, item_kinds, show
from ..findings import Finding, Pairs, Validator
from ..solver import Problem, TooHard, components


def _kinds_text(kinds) -> str:
    kinds = sorted(kinds)
    first_kind = f"{kinds[0][0]}/{kinds[0][1]}"
    return first_kind if len(kinds) == 1 else f"{first_kind} (and {len(kinds) - 1} more category/region pairs)"


def _witness(assignment: dict, fact_ids: list[str]) -> Pairs:
    return Pairs((f, assignment.get(f)) for f in fact_ids)


class _Kinds:
    """Item kinds (category, region) per rule, computed once per rule."""

    def __init__(self, rb: RuleBase):
        self.rb, self.known = rb, {}

    def __getitem__(self, rule: Rule) -> frozenset:
        found = self.known.get(rule.id)
        if found is None:
            found = self.known[rule.id] = frozenset(item_kinds(rule, self.rb))
        return found


class Conflict(Validator):
    id = "conflict"
    severity = "high"
    description = ("Two active rules of the same tier and priority can decide the same item with different "
                   "determinations.")

    def finalize(self, rb: RuleBase) -> list[Finding]:
        out = []
        kinds = _Kinds(rb)
        same_rank: dict[tuple, list[Rule]] = defaultdict(list)
        for rule in rb.active_rules:
            same_rank[rule.rank].append(rule)
        pairs = [(a, b) for group in same_rank.values() for a, b in itertools.combinations(group, 2)
                 if a.determination != b.determination]
        for a, b in pairs:
            shared = kinds[a] & kinds[b]
            if not shared or not dates_overlap(a, b):
                continue
            try:
                problem = Problem(rb, (a.when, b.when))
                witness, fact_ids = problem.first(true=(a.when, b.when)), problem.fact_ids
            except TooHard as exc:
                out.append(self.finding(f"rules {a.id!r} and {b.id!r} not checked for a conflict: "
                                        f"{exc.steps} fact assignments", a.where, "low", rules=(a.id, b.id)))
                continue
            if witness is not None:
                out.append(self.finding(
                    f"rules {a.id!r} ({a.determination}) and {b.id!r} ({b.determination}, {b.where}) both decide "
                    f"{_kinds_text(shared)} at {TIER_LABEL[a.tier]} priority {a.priority} when "
                    f"{show(witness, fact_ids)}", a.where,
                    rules=(a.id, b.id), witness=_witness(witness, fact_ids),
                    items=tuple(f"{c}/{r}" for c, r in sorted(shared))))
        return out


class Gap(Validator):
    id = "gap"
    severity = "medium"
    description = ("Facts, all known, for which no active rule decides an item of a category "
                   "(the draft would be not_addressed), outside the gaps a rule file declares (not_addressed:).")

    def finalize(self, rb: RuleBase) -> list[Finding]:
        out = []
        active = rb.active_rules
        by_category: dict[str, list[Rule]] = defaultdict(list)
        for rule in active:
            for c in rule.applies_to.categories:
                by_category[c].append(rule)
        for category in rb.items.categories:
            # Regions with the same applicable rules have the same gaps: one finding for them all.
            groups: dict[tuple[str, ...], list[str]] = {}
            for region in rb.items.region_ids():
                rules = tuple(r.id for r in by_category[category.id] if r.applies_to.matches(category.id, region))
                groups.setdefault(rules, []).append(region)
            if set(groups) == {()}:
                continue        # no rule for the category at all: unused-category says so
            # A declared gap is accepted: not reported (NotAddressedDecided checks the declarations).
            kept = {rule_ids: [r for r in regions if rb.declared_not_addressed(category.id, r) is None]
                    for rule_ids, regions in groups.items()}
            for rule_ids, regions in ((k, v) for k, v in kept.items() if v):
                where = f"{category.id} items ({_regions_text(regions)})"
                if not rule_ids:
                    out.append(self.finding(f"no active rule applies to {where}", category.where,
                                            category=category.id, regions=tuple(regions)))
                    continue
                try:
                    found = _gap(rb, [rb.rule_index[r].when for r in rule_ids])
                except TooHard as exc:
                    out.append(self.finding(f"{where} not checked for gaps: {exc.steps} fact assignments",
                                            category.where, "low", category=category.id, regions=tuple(regions)))
                    continue
                if found is not None:
                    witness, fact_ids = found
                    out.append(self.finding(f"no active rule decides {where} when {show(witness, fact_ids)}",
                                            category.where, category=category.id, regions=tuple(regions),
                                            witness=_witness(witness, fact_ids)))
        return out


class NotAddressedDecided(Validator):
    id = "not-addressed-decided"
    severity = "low"
    description = ("A declared accepted gap (not_addressed: in a rule file) that active rules decide after all: "
                   "remove the declaration, or the rules if they cite no text for those items.")

    def finalize(self, rb: RuleBase) -> list[Finding]:
        out = []
        kinds = _Kinds(rb)
        for declared in rb.not_addressed:
            deciding, pairs = [], set()
            for rule in rb.active_rules:
                inside = {k for k in kinds[rule] if declared.covers(*k)}
                if inside:
                    deciding.append(rule.id)
                    pairs |= inside
            if deciding:
                names = ", ".join(repr(r) for r in deciding)
                out.append(self.finding(
                    f"declared not addressed but decided by rule{'s' if len(deciding) > 1 else ''} {names} "
                    f"for {_kinds_text(pairs)}", declared.where,
                    rules=tuple(deciding), items=tuple(f"{c}/{r}" for c, r in sorted(pairs)),
                    reason=declared.reason))
        return out


def _gap(rb: RuleBase, conds: list) -> tuple[dict, list[str]] | None:
    """The first assignment of known facts making none of ``conds`` true, or None. Groups of
    conditions that share no fact are searched apart (their facts are independent)."""
    witness: dict = {}
    for group in components(conds):
        members = [conds[i] for i in group]
        found = Problem(rb, members, with_missing=False).first(not_true=members)
        if found is None:
            return None
        witness.update(found)
    used = {f for c in conds for f in facts_used(c)}
    return witness, [f for f in rb.facts if f in used]


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
                                        rule.where, rule=rule.id))
                continue
            try:
                if Problem(rb, (rule.when,)).first(true=(rule.when,)) is None:
                    out.append(self.finding(f"rule {rule.id!r}: its condition can never be true", rule.where,
                                            rule=rule.id))
            except TooHard as exc:
                out.append(self.finding(f"rule {rule.id!r} not checked: {exc.steps} fact assignments",
                                        rule.where, "low", rule=rule.id))
        return out


class Shadowed(Validator):
    id = "shadowed"
    severity = "medium"
    description = ("An active rule that can never be the deciding rule: whenever it holds, a rule of a higher "
                   "tier or a lower priority number that applies to the same item holds too.")

    def finalize(self, rb: RuleBase) -> list[Finding]:
        out = []
        active = rb.active_rules
        kinds = _Kinds(rb)
        readers: dict[str, list[Rule]] = defaultdict(list)      # fact -> active rules that read it
        for rule in active:
            for f in rule.reads:
                readers[f].append(rule)
        order = {r.id: i for i, r in enumerate(active)}
        for rule in active:
            # Only rules that read one of its facts can hold wherever it holds: with
            # every other fact missing, the others are unknown.
            near = {s.id: s for f in rule.reads for s in readers[f]}
            higher = sorted((s for s in near.values() if s.rank < rule.rank and dates_cover(s, rule)),
                            key=lambda s: order[s.id])
            # Item kinds with the same higher rules are one check.
            groups: dict[tuple[str, ...], None] = {}
            for kind in kinds[rule]:
                groups.setdefault(tuple(s.id for s in higher if kind in kinds[s]))
            try:
                shadowers = _shadowers(rb, rule, [[rb.rule_index[i] for i in g] for g in groups])
            except TooHard as exc:
                out.append(self.finding(f"rule {rule.id!r} not checked for shadowing: {exc.steps} fact "
                                        "assignments", rule.where, "low", rule=rule.id))
                continue
            if shadowers:
                out.append(self.finding(f"rule {rule.id!r} never decides: whenever it holds, a rule of a higher "
                                        "tier or lower priority number holds too "
                                        f"({', '.join(shadowers)})", rule.where,
                                        rule=rule.id, shadowed_by=tuple(shadowers)))
        return out


def _shadowers(rb: RuleBase, rule: Rule, groups: list[list[Rule]]) -> list[str] | None:
    """Ids of the rules that decide instead of ``rule`` wherever it holds, or None if it can decide
    (or never holds at all: never-holds reports that)."""
    own = frozenset(rule.reads)
    higher = {s.id: s for group in groups for s in group}
    problem = Problem(rb, [rule.when] + [s.when for s in higher.values()])
    if not groups or problem.first(true=(rule.when,), only=own) is None:
        return None
    for group in groups:
        # Can it hold with none of them holding? Only its own facts need values.
        if problem.first(true=(rule.when,), not_true=[s.when for s in group], only=own) is not None:
            return None
    found: dict[str, None] = {}
    for group in groups:
        for i, s in enumerate(group):
            # s decides instead of it for some facts: s holds, and none before s does.
            if s.id not in found and problem.first(true=(rule.when, s.when),
                                                   not_true=[h.when for h in group[:i]],
                                                   only=own | frozenset(s.reads)) is not None:
                found[s.id] = None
    return list(found)
