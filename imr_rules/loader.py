"""Load and validate a rule base: YAML files -> schema -> cross-references -> model.

Every problem found is collected (file:line, what, what to do) and raised
together as :class:`InputErrors`, so a policy editor fixes a file in one pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import string
from pathlib import Path

from . import schemas
from .compiler import FAILS, HOLDS, ConditionTooComplex, alternatives
from .conditions import ORDERED_OPS, All, Any_, Comparison, Condition, Not
from .errors import InputError, InputErrors
from .model import (UNSPECIFIED, AppliesTo, BodyRegion, Category, Example, Excerpt, Fact, Guideline,
                    ItemCatalog, Pattern, Rule, RuleBase, Where)
from .resources import bundled
from .values import coerce
from .yamlio import Document, load_document

FACTS_FILE = "facts.yaml"
ITEMS_FILE = "items.yaml"
FACT_PATTERNS_FILE = "fact_patterns.yaml"
SPECIAL_FILES = {FACTS_FILE, ITEMS_FILE, FACT_PATTERNS_FILE}
#: Placeholders a finding template may use.
TEMPLATE_FIELDS = ("item", "category", "region")
_OPS_BY_TYPE = {"boolean": {"==", "!=", "in", "not in"}, "enum": {"==", "!=", "in", "not in"},
                "string": {"==", "!=", "in", "not in"}}


def yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def fingerprint(files: list[tuple[str, Path]]) -> str:
    """sha256 over (name, bytes) of every file, in name order: the audit stamp."""
    h = hashlib.sha256()
    for name, path in sorted(files):
        h.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + h.hexdigest()


def rule_files(rules_dir: Path) -> list[Path]:
    return [p for p in yaml_files(rules_dir) if p.name not in SPECIAL_FILES]


def load_rulebase(rules_dir: str | Path | None = None, guidelines_dir: str | Path | None = None) -> RuleBase:
    """Load, validate and cross-check a rule base (the bundled one by default)."""
    rules_dir = Path(rules_dir) if rules_dir else bundled("rules")
    guidelines_dir = Path(guidelines_dir) if guidelines_dir else bundled("guidelines")
    for folder, what in ((rules_dir, "rules"), (guidelines_dir, "guidelines")):
        if not folder.is_dir():
            raise InputError(f"{what} folder not found", str(folder),
                             hint=f"give an existing folder with --{what}")
    b = _Builder()
    guideline_paths = yaml_files(guidelines_dir)
    if not guideline_paths:
        b.errors.append(InputError("no guideline files (*.yaml)", str(guidelines_dir)))
    for path in guideline_paths:
        b.guideline_file(path)
    for name, method in ((FACTS_FILE, b.facts_file), (ITEMS_FILE, b.items_file)):
        path = rules_dir / name
        if path.is_file():
            method(path)
        else:
            b.errors.append(InputError(f"{name} is missing", str(rules_dir),
                                       hint=f"every rules folder needs {name}"))
    paths = rule_files(rules_dir)
    if not paths:
        b.errors.append(InputError("no rule files (*.yaml with a top-level rules: list)", str(rules_dir)))
    for path in paths:
        b.rule_file(path)
    if b.errors:
        raise InputErrors(b.errors)
    all_files = [(f"guidelines/{p.name}", p) for p in guideline_paths] + \
                [(f"rules/{p.name}", p) for p in yaml_files(rules_dir)]
    patterns = rules_dir / FACT_PATTERNS_FILE
    return RuleBase(
        guidelines=b.guidelines, excerpts=b.excerpts, facts=b.facts,
        items=ItemCatalog(tuple(b.categories.values()), tuple(b.regions.values())),
        rules=tuple(b.rules.values()), fingerprint=fingerprint(all_files),
        files=tuple(str(p) for _, p in all_files), rules_dir=str(rules_dir),
        guidelines_dir=str(guidelines_dir),
        fact_patterns_file=str(patterns) if patterns.is_file() else None,
        rule_index=dict(b.rules))


class _Builder:
    """Accumulates the model and every error found while building it."""

    def __init__(self):
        self.errors: list[InputError] = []
        self.guidelines: dict[str, Guideline] = {}
        self.excerpts: dict[str, Excerpt] = {}
        self.facts: dict[str, Fact] = {}
        self.categories: dict[str, Category] = {}
        self.regions: dict[str, BodyRegion] = {}
        self.rules: dict[str, Rule] = {}
        # Files that failed to load: references into them are not checked, so
        # one broken file gives one error, not a cascade of "unknown" ones.
        self.broken: set[str] = set()

    # -- files -------------------------------------------------------------
    def _load(self, path: Path, schema: str, what: str) -> Document | None:
        try:
            doc = load_document(path, what)
            found = schemas.errors(doc, schema)
        except InputError as exc:
            found = [exc]
        if found:
            self.errors.extend(found)
            self.broken.add(schema)
            return None
        return doc

    def _unique(self, table: dict, key: str, doc: Document, path, what: str) -> bool:
        if key in table:
            prev = table[key].where
            self.errors.append(doc.error(f"duplicate {what} id {key!r} (first defined at {prev})", path,
                                         hint=f"give every {what} its own id"))
            return False
        return True

    def guideline_file(self, path: Path) -> None:
        doc = self._load(path, "guidelines", "guideline file")
        if doc is None:
            return
        d = doc.data
        g = Guideline(d["id"], d["title"], d["edition"], d["tier"], d["chapter"], Where(doc.file, doc.line_of(())))
        if self._unique(self.guidelines, g.id, doc, ("id",), "guideline"):
            self.guidelines[g.id] = g
        for i, e in enumerate(d["excerpts"]):
            p = ("excerpts", i)
            excerpt = Excerpt(e["id"], g, e["section"], e.get("pages"), " ".join(e["text"].split()),
                              e.get("source"), Where(doc.file, doc.line_of(p)))
            if self._unique(self.excerpts, excerpt.id, doc, p + ("id",), "excerpt"):
                self.excerpts[excerpt.id] = excerpt

    def facts_file(self, path: Path) -> None:
        doc = self._load(path, "facts", "fact catalog")
        if doc is None:
            return
        for i, f in enumerate(doc.data["facts"]):
            p = ("facts", i)
            fact = Fact(f["id"], f["type"], " ".join(f["description"].split()), " ".join(f["question"].split()),
                        tuple(f["values"]) if "values" in f else None, f.get("unit"),
                        Where(doc.file, doc.line_of(p)), f.get("derived_from"))
            if self._unique(self.facts, fact.id, doc, p + ("id",), "fact"):
                self.facts[fact.id] = fact

    def _patterns(self, doc: Document, path, sources: list[str]) -> tuple[Pattern, ...]:
        out = []
        for j, src in enumerate(sources):
            try:
                out.append(Pattern(re.compile(src, re.IGNORECASE), Where(doc.file, doc.line_of(path + (j,)))))
            except re.error as exc:
                self.errors.append(doc.error(f"invalid regular expression {src!r}: {exc}", path + (j,),
                                             hint="fix the pattern (Python re syntax; escape ( ) . + ?)"))
        return tuple(out)

    def items_file(self, path: Path) -> None:
        doc = self._load(path, "items", "item catalog")
        if doc is None:
            return
        for key, table, cls, what in (("categories", self.categories, Category, "item category"),
                                      ("body_regions", self.regions, BodyRegion, "body region")):
            for i, c in enumerate(doc.data[key]):
                p = (key, i)
                obj = cls(c["id"], c["title"], self._patterns(doc, p + ("patterns",), c["patterns"]),
                          Where(doc.file, doc.line_of(p)))
                if self._unique(table, obj.id, doc, p + ("id",), what):
                    table[obj.id] = obj

    def rule_file(self, path: Path) -> None:
        doc = self._load(path, "rules", "rule file")
        if doc is None:
            return
        for i, r in enumerate(doc.data["rules"]):
            rule = self._rule(doc, ("rules", i), r)
            if rule and self._unique(self.rules, rule.id, doc, ("rules", i, "id"), "rule"):
                self.rules[rule.id] = rule

    # -- rules -------------------------------------------------------------
    def _rule(self, doc: Document, p, r: dict) -> Rule | None:
        before = len(self.errors)
        err = self.errors.append
        cites = []
        for j, excerpt_id in enumerate(r["cites"]):
            excerpt = self.excerpts.get(excerpt_id)
            if excerpt is not None:
                cites.append(excerpt)
            elif "guidelines" not in self.broken:
                err(doc.error(f"rule {r['id']!r} cites unknown excerpt {excerpt_id!r}", p + ("cites", j),
                              hint="cite an excerpt id from the guidelines folder"
                                   + _did_you_mean(excerpt_id, self.excerpts)))
        if len({e.tier for e in cites}) > 1:
            err(doc.error(f"rule {r['id']!r} cites both MTUS and non-MTUS excerpts", p + ("cites",),
                          hint="a rule's tier is the tier of what it cites: split it into two rules"))
        a = r["applies_to"]
        for key, table, what in (("categories", self.categories, "item category"),
                                 ("body_regions", self.regions, "body region"),
                                 ("except_body_regions", self.regions, "body region")):
            for j, ref in enumerate(a.get(key, [])):
                if ref not in table and not (what == "body region" and ref == UNSPECIFIED) \
                        and "items" not in self.broken:
                    err(doc.error(f"rule {r['id']!r} applies to unknown {what} {ref!r}", p + ("applies_to", key, j),
                                  hint=f"use an id from items.yaml{_did_you_mean(ref, table)}"))
        applies_to = AppliesTo(frozenset(a["categories"]),
                               frozenset(a["body_regions"]) if "body_regions" in a else None,
                               frozenset(a.get("except_body_regions", [])))
        when = self._condition(doc, p + ("when",), r["when"])
        self._template(doc, p + ("then", "finding"), r["then"]["finding"])
        start = _date(r.get("effective_from"))
        until = _date(r.get("effective_until"))
        if start and until and start > until:
            err(doc.error("effective_from is after effective_until", p + ("effective_from",)))
        examples = tuple(self._example(doc, p + ("examples", j), e) for j, e in enumerate(r.get("examples", [])))
        if len(self.errors) > before or not cites:
            return None
        rule = Rule(r["id"], r["title"], r.get("description"), applies_to, when, r["then"]["determination"],
                    " ".join(r["then"]["finding"].split()), tuple(cites), r["priority"], r["status"], start, until,
                    examples, Where(doc.file, doc.line_of(p)))
        for side in (HOLDS, FAILS):
            try:
                alternatives(rule, side)
            except ConditionTooComplex as exc:
                err(doc.error(str(exc), p + ("when",),
                              hint="split the rule in two, or avoid `any` lists inside `all` (and `in` lists "
                                   "inside `all`), which multiply"))
                return None
        return rule

    def _condition(self, doc: Document, p, c: dict) -> Condition:
        line = doc.line_of(p)
        if "all" in c:
            return All(tuple(self._condition(doc, p + ("all", i), x) for i, x in enumerate(c["all"])), line)
        if "any" in c:
            return Any_(tuple(self._condition(doc, p + ("any", i), x) for i, x in enumerate(c["any"])), line)
        if "not" in c:
            return Not(self._condition(doc, p + ("not",), c["not"]), line)
        op, value = ("==", c["is"]) if "is" in c else (c["op"], c["value"])
        fact = self.facts.get(c["fact"])
        if fact is None and "facts" in self.broken:
            return Comparison(c["fact"], op, value, line)
        if fact is None:
            self.errors.append(doc.error(f"unknown fact {c['fact']!r}", p + ("fact",),
                                         hint="add it to facts.yaml or use a fact id from there"
                                              + _did_you_mean(c["fact"], self.facts)))
            return Comparison(c["fact"], op, value, line)
        if op not in _OPS_BY_TYPE.get(fact.type, {"==", "!=", "in", "not in"} | ORDERED_OPS):
            self.errors.append(doc.error(f"operator {op!r} does not apply to {fact.type} fact {fact.id!r}",
                                         p + ("op",), hint="use ==, !=, in or not in"))
        many = op in ("in", "not in")
        if many != isinstance(value, list):
            self.errors.append(doc.error(f"operator {op!r} takes {'a list' if many else 'a single value'}",
                                         p + ("value",)))
            return Comparison(fact.id, op, value, line)
        try:
            value = tuple(coerce(fact, v) for v in value) if many else coerce(fact, value)
        except ValueError as exc:
            self.errors.append(doc.error(str(exc), p + ("is" if "is" in c else "value",),
                                         hint="compare the fact with a value of its catalog type"))
        if value is None or (many and None in value):
            self.errors.append(doc.error("a condition cannot compare with null", p))
        return Comparison(fact.id, op, value, line)

    def _template(self, doc: Document, p, text: str) -> None:
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
        except ValueError as exc:
            self.errors.append(doc.error(f"finding template is malformed: {exc}", p,
                                         hint="write {{ and }} for literal braces"))
            return
        for f in fields:
            if f not in TEMPLATE_FIELDS:
                self.errors.append(doc.error(f"finding template uses unknown placeholder {{{f}}}", p,
                                             hint="placeholders: " + ", ".join("{%s}" % t for t in TEMPLATE_FIELDS)))

    def _example(self, doc: Document, p, e: dict) -> Example:
        facts = {}
        for key, value in (e.get("facts") or {}).items():
            fact = self.facts.get(key)
            if fact is None and "facts" in self.broken:
                continue
            if fact is None:
                self.errors.append(doc.error(f"example uses unknown fact {key!r}", p + ("facts", key),
                                             hint="use a fact id from facts.yaml" + _did_you_mean(key, self.facts)))
                continue
            try:
                facts[key] = coerce(fact, value)
            except ValueError as exc:
                self.errors.append(doc.error(str(exc), p + ("facts", key)))
        expect = e["expect"]
        return Example(e["name"], facts, e.get("category"), e.get("body_region"), expect["determination"],
                       expect.get("deciding_rule"), "deciding_rule" in expect, Where(doc.file, doc.line_of(p)))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _did_you_mean(word: str, table) -> str:
    import difflib
    close = difflib.get_close_matches(word, list(table), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_references(rb: RuleBase) -> list[InputError]:
    """Problems that need the whole rule base: examples naming unknown rules or categories."""
    out = []
    for rule in rb.rules:
        for ex in rule.examples:
            if ex.deciding_rule and ex.deciding_rule not in rb.rule_index:
                out.append(InputError(f"example expects unknown rule {ex.deciding_rule!r}",
                                      ex.where.file, ex.where.line))
    return out
