"""References, ids and usage: what the loader lets through.

The loader already refuses unknown facts, excerpts, categories and regions in
rules, and duplicate ids of rules, facts, excerpts, categories and regions
(lint then exits 2 with its errors). What is left are references in rule
examples, ambiguities it cannot see, and things nothing uses.
"""

from __future__ import annotations

from ...conditions import All, Comparison, Condition, Not, facts_used
from ...model import Rule, RuleBase, Where
from ..findings import Finding, Validator


class UnresolvedReference(Validator):
    id = "unresolved-reference"
    severity = "high"
    description = ("A rule example names an item category, body region or rule that does not exist, or the "
                   "fact patterns name a fact that is not in the fact catalog.")

    def finalize(self, rb: RuleBase) -> list[Finding]:
        out = self._examples(rb)
        fp = self.options.fact_patterns
        for f in fp.facts if fp is not None else ():
            if f.fact not in rb.facts:
                out.append(self.finding(f"fact patterns are given for unknown fact {f.fact!r}",
                                        Where(fp.file, f.line)))
        return out

    def _examples(self, rb: RuleBase) -> list[Finding]:
        categories = {c.id for c in rb.items.categories}
        regions = set(rb.items.region_ids())
        out = []
        for rule in rb.rules:
            for n, ex in enumerate(rule.examples, 1):
                for value, table, what in ((ex.category, categories, "item category"),
                                           (ex.body_region, regions, "body region"),
                                           (ex.deciding_rule, rb.rule_index, "rule")):
                    if value is not None and value not in table:
                        out.append(self.finding(f"example {n} of rule {rule.id!r} names unknown {what} {value!r}",
                                                ex.where))
        return out


class DuplicateDefinition(Validator):
    id = "duplicate-definition"
    severity = "medium"
    description = ("Two rules with different ids but the same applies_to, condition, citations and "
                   "determination, or one item pattern listed under two categories or regions "
                   "(the first in file order always wins).")

    def finalize(self, rb: RuleBase) -> list[Finding]:
        out = []
        first_rule: dict[tuple, Rule] = {}
        for rule in rb.rules:
            key = (rule.applies_to, _shape(rule.when), rule.determination, tuple(e.id for e in rule.cites), rule.status)
            if key in first_rule:
                out.append(self.finding(f"rule {rule.id!r} repeats rule {first_rule[key].id!r} "
                                        f"({first_rule[key].where}) under another id", rule.where))
            first_rule.setdefault(key, rule)
        for kind, entries in (("category", rb.items.categories), ("body region", rb.items.body_regions)):
            first: dict[str, str] = {}
            for entry in entries:
                for p in entry.patterns:
                    src = p.regex.pattern
                    if src in first and first[src] != entry.id:
                        out.append(self.finding(f"pattern '{src}' of {kind} {entry.id!r} is already a pattern "
                                                f"of {kind} {first[src]!r}, which matches first", p.where))
                    first.setdefault(src, entry.id)
        return out


class UnusedFact(Validator):
    id = "unused-fact"
    severity = "low"
    description = "A fact of the catalog that no rule reads."

    def finalize(self, rb: RuleBase) -> list[Finding]:
        read = {f for r in rb.rules for f in facts_used(r.when)}
        return [self.finding(f"fact {f.id!r} is read by no rule", f.where) for f in rb.facts.values()
                if f.id not in read]


class UnusedExcerpt(Validator):
    id = "unused-excerpt"
    severity = "low"
    description = "A guideline excerpt that no rule cites."

    def finalize(self, rb: RuleBase) -> list[Finding]:
        cited = {e.id for r in rb.rules for e in r.cites}
        return [self.finding(f"excerpt {e.id!r} is cited by no rule", e.where) for e in rb.excerpts.values()
                if e.id not in cited]


class UnusedCategory(Validator):
    id = "unused-category"
    severity = "low"
    description = "An item category that no rule applies to (its items are never decided)."

    def finalize(self, rb: RuleBase) -> list[Finding]:
        used = {c for r in rb.rules for c in r.applies_to.categories}
        return [self.finding(f"item category {c.id!r} has no rule: its items are always not_addressed", c.where)
                for c in rb.items.categories if c.id not in used]


class MissingExamples(Validator):
    id = "missing-examples"
    severity = "medium"
    description = "An active rule without examples (`imr-rules test` cannot check it)."

    def validate(self, rule: Rule) -> list[Finding]:
        if rule.status != "active" or rule.examples:
            return []
        return [self.finding(f"active rule {rule.id!r} has no examples", rule.where)]


def _shape(cond: Condition):
    """A condition without its line numbers, for comparing two rules' conditions."""
    if isinstance(cond, Comparison):
        return ("cmp", cond.fact, cond.op, cond.value)
    if isinstance(cond, Not):
        return ("not", _shape(cond.child))
    return ("all" if isinstance(cond, All) else "any", tuple(_shape(c) for c in cond.children))
