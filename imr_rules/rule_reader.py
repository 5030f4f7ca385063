"""Reading rule files into :class:`~imr_rules.model.Rule` objects, with every problem found.

A rule file may also declare accepted gaps (``not_addressed:``): their
categories and body regions must exist, and no pair may be declared twice.

What a rule is checked for, beyond its schema: the excerpts it cites exist
and share one tier; the categories and body regions it applies to exist; its
condition names known facts, with operators and values of their types; its
finding template uses only the documented placeholders, without format
specifications; its dates are in order; its examples state known facts; and
the engine can hold it (alternatives and facts read: see compiler.py).
"""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path

from .compiler import ConditionTooComplex, check_size
from .conditions import ORDERED_OPS, All, Any_, Comparison, Condition, Not
from .errors import did_you_mean
from .model import UNSPECIFIED, AppliesTo, Example, NotAddressed, Rule, Where
from .values import coerce
from .yamlio import Document

#: Placeholders a finding template may use.
TEMPLATE_FIELDS = ("item", "category", "region")
_OPS_BY_TYPE = {"boolean": {"==", "!=", "in", "not in"}, "enum": {"==", "!=", "in", "not in"},
                "string": {"==", "!=", "in", "not in"}}


class RuleReader:
    """Reads rule files into the context's ``rules`` table (see loader.Context)."""

    def __init__(self, ctx):
        self.ctx = ctx

    def read(self, path: Path) -> None:
        ctx = self.ctx
        doc, bad = ctx.load(path, "rules", "rule file", ("rules", "not_addressed"))
        if doc is None:
            return
        for i, r in enumerate(doc.data.get("rules", ())):
            if ("rules", i) in bad:
                continue
            rule = self._rule(doc, ("rules", i), r)
            if rule and ctx.unique(ctx.rules, rule.id, doc, ("rules", i, "id"), "rule"):
                ctx.rules[rule.id] = rule
        for i, n in enumerate(doc.data.get("not_addressed", ())):
            if ("not_addressed", i) not in bad:
                self._not_addressed(doc, ("not_addressed", i), n)

    def _error(self, doc: Document, message: str, path, hint: str | None = None) -> None:
        self.ctx.errors.append(doc.error(message, path, hint=hint))

    def _rule(self, doc: Document, p, r: dict) -> Rule | None:
        before = len(self.ctx.errors)
        cites = self._cites(doc, p, r)
        applies_to = self._applies_to(doc, p, r)
        when = self._condition(doc, p + ("when",), r["when"])
        self._template(doc, p + ("then", "finding"), r["then"]["finding"])
        start, until = _date(r.get("effective_from")), _date(r.get("effective_until"))
        if start and until and start > until:
            self._error(doc, "effective_from is after effective_until", p + ("effective_from",))
        examples = tuple(self._example(doc, p + ("examples", j), e) for j, e in enumerate(r.get("examples", [])))
        if len(self.ctx.errors) > before or not cites:
            return None
        lines = (("title", doc.line_of(p + ("title",))), ("description", doc.line_of(p + ("description",))),
                 ("finding", doc.line_of(p + ("then", "finding"))))
        rule = Rule(r["id"], r["title"], r.get("description"), applies_to, when, r["then"]["determination"],
                    " ".join(r["then"]["finding"].split()), tuple(cites), r["priority"], r["status"], start, until,
                    examples, Where(doc.file, doc.line_of(p)), lines)
        try:
            check_size(rule)
        except ConditionTooComplex as exc:
            self._error(doc, str(exc), p + ("when",),
                        hint="split the rule in two, or avoid `any` lists inside `all` (and `in` lists "
                             "inside `all`), which multiply")
            return None
        return rule

    def _cites(self, doc: Document, p, r: dict) -> list:
        ctx, cites = self.ctx, []
        for j, excerpt_id in enumerate(r["cites"]):
            excerpt = ctx.excerpts.get(excerpt_id)
            if excerpt is not None:
                cites.append(excerpt)
            elif not ctx.unchecked("guidelines", excerpt_id):
                self._error(doc, f"rule {r['id']!r} cites unknown excerpt {excerpt_id!r}", p + ("cites", j),
                            hint="cite an excerpt id from the guidelines folder" + did_you_mean(excerpt_id,
                                                                                                ctx.excerpts))
        if len({e.tier for e in cites}) > 1:
            self._error(doc, f"rule {r['id']!r} cites both MTUS and non-MTUS excerpts", p + ("cites",),
                        hint="a rule's tier is the tier of what it cites: split it into two rules")
        return cites

    def _applies_to(self, doc: Document, p, r: dict) -> AppliesTo:
        a = r["applies_to"]
        self._item_ids(doc, p + ("applies_to",), a, f"rule {r['id']!r} applies to")
        return AppliesTo(frozenset(a["categories"]), frozenset(a["body_regions"]) if "body_regions" in a else None,
                         frozenset(a.get("except_body_regions", [])))

    def _item_ids(self, doc: Document, p, entry: dict, lead: str) -> None:
        """Report the item categories and body regions ``entry`` names that items.yaml does not define."""
        ctx = self.ctx
        for key in ("categories", "body_regions", "except_body_regions"):
            table, what = (ctx.categories, "item category") if key == "categories" else (ctx.regions, "body region")
            for j, ref in enumerate(entry.get(key, [])):
                if ref not in table and not (what == "body region" and ref == UNSPECIFIED) \
                        and not ctx.unchecked("items", ref):
                    self._error(doc, f"{lead} unknown {what} {ref!r}", p + (key, j),
                                hint=f"use an id from items.yaml{did_you_mean(ref, table)}")

    def _not_addressed(self, doc: Document, p, n: dict) -> None:
        """A declared accepted gap: known categories and regions, each pair declared once."""
        ctx, before = self.ctx, len(self.ctx.errors)
        self._item_ids(doc, p, n, "not_addressed declares")
        reason = n["reason"].strip()
        if not reason or "\n" in reason:
            problem = "is blank" if not reason else f"has {reason.count(chr(10)) + 1} lines: it must be one"
            self._error(doc, f"the reason of a not_addressed entry {problem}", p + ("reason",),
                        hint="say in one line why no rule decides these items (e.g. \"No published letter quotes "
                             "a guideline chapter for imaging of these regions\"); details go in a comment above "
                             "the entry")
        if len(ctx.errors) > before:
            return
        declared = NotAddressed(frozenset(n["categories"]),
                                frozenset(n["body_regions"]) if "body_regions" in n else None,
                                reason, Where(doc.file, doc.line_of(p)))
        # Two declarations of one pair would give its items two reasons: explain could only pick one.
        regions = declared.body_regions or set(ctx.regions) | {UNSPECIFIED}
        for earlier in ctx.not_addressed:
            twice = sorted((c, r) for c in declared.categories & earlier.categories for r in regions
                           if earlier.covers(c, r))
            if twice:
                more = {1: "", 2: " (and 1 more category/region pair)"}.get(
                    len(twice), f" (and {len(twice) - 1} more category/region pairs)")
                self._error(doc, f"{twice[0][0]}/{twice[0][1]}{more} already declared not addressed at "
                                 f"{earlier.where}", p,
                            hint="declare each category and body region once: narrow one of the two entries")
                return
        ctx.not_addressed.append(declared)

    def _condition(self, doc: Document, p, c: dict) -> Condition:
        line = doc.line_of(p)
        if "all" in c:
            return All(tuple(self._condition(doc, p + ("all", i), x) for i, x in enumerate(c["all"])), line)
        if "any" in c:
            return Any_(tuple(self._condition(doc, p + ("any", i), x) for i, x in enumerate(c["any"])), line)
        if "not" in c:
            return Not(self._condition(doc, p + ("not",), c["not"]), line)
        op, value = ("==", c["is"]) if "is" in c else (c["op"], c["value"])
        fact = self.ctx.facts.get(c["fact"])
        if fact is None:
            if not self.ctx.unchecked("facts", c["fact"]):
                self._error(doc, f"unknown fact {c['fact']!r}", p + ("fact",),
                            hint="add it to facts.yaml or use a fact id from there"
                                 + did_you_mean(c["fact"], self.ctx.facts))
            return Comparison(c["fact"], op, value, line)
        if op not in _OPS_BY_TYPE.get(fact.type, {"==", "!=", "in", "not in"} | ORDERED_OPS):
            self._error(doc, f"operator {op!r} does not apply to {fact.type} fact {fact.id!r}", p + ("op",),
                        hint="use ==, !=, in or not in")
        many = op in ("in", "not in")
        if many != isinstance(value, list):
            self._error(doc, f"operator {op!r} takes {'a list' if many else 'a single value'}", p + ("value",))
            return Comparison(fact.id, op, value, line)
        try:
            value = tuple(coerce(fact, v) for v in value) if many else coerce(fact, value)
        except ValueError as exc:
            self._error(doc, str(exc), p + ("is" if "is" in c else "value",),
                        hint="compare the fact with a value of its catalog type")
        if value is None or (many and None in value):
            self._error(doc, "a condition cannot compare with null", p)
        return Comparison(fact.id, op, value, line)

    def _template(self, doc: Document, p, text: str) -> None:
        placeholders = ", ".join("{%s}" % t for t in TEMPLATE_FIELDS)
        try:
            fields = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(text) if f is not None]
        except ValueError as exc:
            self._error(doc, f"finding template is malformed: {exc}", p, hint="write {{ and }} for literal braces")
            return
        for f, spec, conv in fields:
            if f not in TEMPLATE_FIELDS:
                self._error(doc, f"finding template uses unknown placeholder {{{f}}}", p,
                            hint=f"placeholders: {placeholders}")
            elif spec or conv:
                # '{item:>999999999}' would pad every draft to a gigabyte.
                written = "{" + f + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
                self._error(doc, f"finding template placeholder {written} has a format specification", p,
                            hint=f"write the placeholder alone: {placeholders}")

    def _example(self, doc: Document, p, e: dict) -> Example:
        facts = {}
        for key, value in (e.get("facts") or {}).items():
            fact = self.ctx.facts.get(key)
            if fact is None:
                if not self.ctx.unchecked("facts", key):
                    self._error(doc, f"example uses unknown fact {key!r}", p + ("facts", key),
                                hint="use a fact id from facts.yaml" + did_you_mean(key, self.ctx.facts))
                continue
            try:
                facts[key] = coerce(fact, value)
            except ValueError as exc:
                self._error(doc, str(exc), p + ("facts", key))
        expect = e["expect"]
        return Example(e["name"], facts, e.get("category"), e.get("body_region"), expect["determination"],
                       expect.get("deciding_rule"), "deciding_rule" in expect, Where(doc.file, doc.line_of(p)))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
