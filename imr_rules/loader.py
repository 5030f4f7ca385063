"""Load and validate a rule base: YAML files -> schema -> cross-references -> model.

Every problem found is collected (file:line, what, what to do) and raised
together as :class:`InputErrors`, sorted by file and line, so a policy editor
fixes a rule base in one pass. A file that breaks its schema still has its
valid entries checked: one bad rule does not hide the problems of the others.

The readers split the work along what they check: :class:`_GuidelineReader`
(guidelines, excerpts and their checksums), :class:`_CatalogReader` (facts,
item categories, body regions and their patterns), and
:class:`~imr_rules.rule_reader.RuleReader` (rules: references, conditions,
templates, dates, examples, engine limits; declared accepted gaps). They
share a :class:`Context`.
"""

from __future__ import annotations

import gc
import hashlib
from dataclasses import replace
from pathlib import Path

from . import regex_safety, rulebase_cache, schemas
from .checksums import excerpt_checksum
from .errors import InputError, InputErrors, did_you_mean
from .model import BodyRegion, Category, Excerpt, Fact, Guideline, ItemCatalog, Pattern, RuleBase, Where
from .resources import bundled
from .yamlio import Document, decode_text, parse_document, read_bytes

FACTS_FILE = "facts.yaml"
ITEMS_FILE = "items.yaml"
FACT_PATTERNS_FILE = "fact_patterns.yaml"
SPECIAL_FILES = {FACTS_FILE, ITEMS_FILE, FACT_PATTERNS_FILE}


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
    """Load, validate and cross-check a rule base (the bundled one by default).

    A rule base that loaded before from the same files, folders and code
    comes from the cache (see rulebase_cache)."""
    rules_dir, guidelines_dir = _folders(rules_dir, guidelines_dir)
    files = _files(rules_dir, guidelines_dir)
    key = rulebase_cache.key(fingerprint(files), rules_dir, guidelines_dir)
    rb = rulebase_cache.get(key)
    if isinstance(rb, RuleBase) and rb.cache_key == key:
        return rb
    rb, errors = _read(rules_dir, guidelines_dir, files)
    if errors:
        raise InputErrors(errors)
    rb = replace(rb, cache_key=key)
    rulebase_cache.put(key, rb)
    return rb


def validate_rulebase(rules_dir: str | Path | None = None,
                      guidelines_dir: str | Path | None = None) -> tuple[RuleBase | None, list[InputError]]:
    """Every problem of a rule base, in file and line order: what ``load_rulebase`` checks, what
    needs the whole rule base (:func:`check_references`), and the fact pattern file."""
    rules_dir, guidelines_dir = _folders(rules_dir, guidelines_dir)
    rb, errors = _read(rules_dir, guidelines_dir, _files(rules_dir, guidelines_dir))
    if rb is not None:
        errors = check_references(rb)
    patterns = rules_dir / FACT_PATTERNS_FILE
    if patterns.is_file():
        errors += _fact_pattern_errors(patterns)
    return (rb if not errors else None), sorted(errors, key=_order)


def _order(e: InputError) -> tuple:
    return (e.file or "", e.line or 0)


def _folders(rules_dir, guidelines_dir) -> tuple[Path, Path]:
    rules_dir = Path(rules_dir) if rules_dir else bundled("rules")
    guidelines_dir = Path(guidelines_dir) if guidelines_dir else bundled("guidelines")
    for folder, what in ((rules_dir, "rules"), (guidelines_dir, "guidelines")):
        if not folder.is_dir():
            raise InputError(f"{what} folder not found", str(folder),
                             hint=f"give an existing folder with --{what}")
    return rules_dir, guidelines_dir


def _files(rules_dir: Path, guidelines_dir: Path) -> list[tuple[str, Path]]:
    """(name in the fingerprint, path) of every file of the rule base."""
    return [(f"guidelines/{p.name}", p) for p in yaml_files(guidelines_dir)] + \
           [(f"rules/{p.name}", p) for p in yaml_files(rules_dir)]


def _read(rules_dir: Path, guidelines_dir: Path, files) -> tuple[RuleBase | None, list[InputError]]:
    # Loading builds many small objects that all live as long as the rule
    # base: the cyclic garbage collector would walk them again and again
    # (42% of loading 5,000 rules). None of them is garbage.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(rules_dir, guidelines_dir, files)
    finally:
        if enabled:
            gc.enable()


def _build(rules_dir: Path, guidelines_dir: Path, all_files) -> tuple[RuleBase | None, list[InputError]]:
    from .rule_reader import RuleReader
    ctx = Context()
    guideline_paths = yaml_files(guidelines_dir)
    if not guideline_paths:
        ctx.errors.append(InputError("no guideline files (*.yaml)", str(guidelines_dir)))
    guidelines = _GuidelineReader(ctx)
    for path in guideline_paths:
        guidelines.read(path)
    catalog = _CatalogReader(ctx)
    for name, method in ((FACTS_FILE, catalog.facts_file), (ITEMS_FILE, catalog.items_file)):
        path = rules_dir / name
        if path.is_file():
            method(path)
        else:
            ctx.errors.append(InputError(f"{name} is missing", str(rules_dir),
                                         hint=f"every rules folder needs {name}"))
    paths = rule_files(rules_dir)
    if not paths:
        ctx.errors.append(InputError("no rule files (*.yaml with a top-level rules: list)", str(rules_dir)))
    rules = RuleReader(ctx)
    for path in paths:
        rules.read(path)
    if ctx.documents_cached:
        rulebase_cache.prune_documents()
    if ctx.errors:
        return None, sorted(ctx.errors, key=_order)
    patterns = rules_dir / FACT_PATTERNS_FILE
    return RuleBase(
        guidelines=ctx.guidelines, excerpts=ctx.excerpts, facts=ctx.facts,
        items=ItemCatalog(tuple(ctx.categories.values()), tuple(ctx.regions.values())),
        rules=tuple(ctx.rules.values()), fingerprint=fingerprint(all_files),
        files=tuple(str(p) for _, p in all_files), rules_dir=str(rules_dir),
        guidelines_dir=str(guidelines_dir),
        fact_patterns_file=str(patterns) if patterns.is_file() else None,
        rule_index=dict(ctx.rules), not_addressed=tuple(ctx.not_addressed)), []


class Context:
    """What the readers share: the tables built so far and every error found."""

    def __init__(self):
        self.errors: list[InputError] = []
        self.guidelines: dict[str, Guideline] = {}
        self.excerpts: dict[str, Excerpt] = {}
        self.facts: dict[str, Fact] = {}
        self.categories: dict[str, Category] = {}
        self.regions: dict[str, BodyRegion] = {}
        self.rules: dict = {}
        self.not_addressed: list = []        # NotAddressed, in file and line order
        # Tables with an entry that failed to load: a reference to an id not in
        # them is not reported when it may be that entry's (one broken entry
        # gives one error, not a cascade of "unknown" ones). None: the whole
        # file failed, every reference is unchecked.
        self.broken: dict[str, set[str] | None] = {}
        self.documents_cached = 0           # files written to the cache (pruned once, at the end)

    def load(self, path: Path, schema: str, what: str, entries: tuple[str, ...] = ()) -> tuple[Document | None, set]:
        """The document, or None when it cannot be read; and the (list key, index) pairs of the
        entries under ``entries`` that break the schema (the rest of the file is still read).

        A file whose bytes, path and schema met no problem before comes from the cache
        (see rulebase_cache): after an edit to one file, only that one is parsed again."""
        try:
            # yamlio.load_document in two steps, so that the bytes can name the entry.
            raw = read_bytes(path, what)
            key = rulebase_cache.document_key(raw, str(path), schema)
            doc = rulebase_cache.get_document(key)
            if isinstance(doc, Document) and doc.file == str(path):
                return doc, set()
            doc = parse_document(decode_text(raw, str(path), what), str(path))
            found = schemas.errors(doc, schema)
        except InputError as exc:
            self.errors.append(exc)
            self.broken[schema] = None
            return None, set()
        if not found:
            # Written now, before a reader sees the document; only a file without
            # a problem is kept, so a problem is reported on every load.
            self.documents_cached += rulebase_cache.put_document(key, doc)
            return doc, set()
        self.errors.extend(found)
        bad = {tuple(e.path[:2]) for e in found if len(e.path) >= 2 and e.path[0] in entries}
        if any(len(e.path) < 2 or e.path[0] not in entries for e in found) or not isinstance(doc.data, dict):
            self.broken[schema] = None         # the file's shape itself is wrong
            return None, set()
        ids = self.broken.setdefault(schema, set())
        if ids is not None:
            for key, i in bad:
                entry = doc.data[key][i]
                ids.add(str(entry.get("id")) if isinstance(entry, dict) else "")
        return doc, bad

    def unchecked(self, schema: str, ref: str) -> bool:
        """Whether a reference to ``ref`` cannot be judged (its file or entry is broken)."""
        if schema not in self.broken:
            return False
        ids = self.broken[schema]
        return ids is None or ref in ids

    def unique(self, table: dict, key: str, doc: Document, path, what: str) -> bool:
        if key in table:
            prev = table[key].where
            self.errors.append(doc.error(f"duplicate {what} id {key!r} (first defined at {prev})", path,
                                         hint=f"give every {what} its own id"))
            return False
        return True


class _GuidelineReader:
    """Guideline files: each guideline and its verbatim excerpts, guarded by their checksums."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def read(self, path: Path) -> None:
        ctx = self.ctx
        doc, bad = ctx.load(path, "guidelines", "guideline file", ("excerpts",))
        if doc is None:
            return
        d = doc.data
        g = Guideline(d["id"], d["title"], d["edition"], d["tier"], d["chapter"], Where(doc.file, doc.line_of(())))
        if ctx.unique(ctx.guidelines, g.id, doc, ("id",), "guideline"):
            ctx.guidelines[g.id] = g
        for i, e in enumerate(d["excerpts"]):
            if ("excerpts", i) in bad:
                continue
            p = ("excerpts", i)
            excerpt = Excerpt(e["id"], g, e["section"], e.get("pages"), " ".join(e["text"].split()),
                              e.get("source"), Where(doc.file, doc.line_of(p)))
            self._checksum(doc, p, e, excerpt)
            if ctx.unique(ctx.excerpts, excerpt.id, doc, p + ("id",), "excerpt"):
                ctx.excerpts[excerpt.id] = excerpt

    def _checksum(self, doc: Document, p, e: dict, excerpt: Excerpt) -> None:
        want = excerpt_checksum(excerpt.text)
        fix = f"python -m imr_rules.checksums --write {doc.file}"
        if "checksum" not in e:
            self.ctx.errors.append(doc.error(
                f"excerpt {excerpt.id!r} has no checksum", p + ("id",),
                hint=f"add `checksum: {want}` to it (it guards the verbatim text: a later edit is reported), "
                     f"or run `{fix}`"))
        elif e["checksum"] != want:
            self.ctx.errors.append(doc.error(
                f"excerpt {excerpt.id!r}: its text was changed (the checksum {e['checksum']} is of other words)",
                p + ("text",),
                hint="guideline text must stay verbatim as the letters quote it; if this edit is deliberate "
                     f"(a corrected quotation), set `checksum: {want}`, or run `{fix}`"))


class _CatalogReader:
    """The fact catalog and the item catalog (categories, body regions, their patterns)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def facts_file(self, path: Path) -> None:
        ctx = self.ctx
        doc, bad = ctx.load(path, "facts", "fact catalog", ("facts",))
        if doc is None:
            return
        for i, f in enumerate(doc.data["facts"]):
            if ("facts", i) in bad:
                continue
            p = ("facts", i)
            fact = Fact(f["id"], f["type"], " ".join(f["description"].split()), " ".join(f["question"].split()),
                        tuple(f["values"]) if "values" in f else None, f.get("unit"),
                        Where(doc.file, doc.line_of(p)), f.get("derived_from"))
            if ctx.unique(ctx.facts, fact.id, doc, p + ("id",), "fact"):
                ctx.facts[fact.id] = fact

    def items_file(self, path: Path) -> None:
        ctx = self.ctx
        doc, bad = ctx.load(path, "items", "item catalog", ("categories", "body_regions"))
        if doc is None:
            return
        for key, table, cls, what in (("categories", ctx.categories, Category, "item category"),
                                      ("body_regions", ctx.regions, BodyRegion, "body region")):
            for i, c in enumerate(doc.data[key]):
                if (key, i) in bad:
                    continue
                p = (key, i)
                obj = cls(c["id"], c["title"], self._patterns(doc, p + ("patterns",), c["patterns"]),
                          Where(doc.file, doc.line_of(p)))
                if ctx.unique(table, obj.id, doc, p + ("id",), what):
                    table[obj.id] = obj

    def _patterns(self, doc: Document, path, sources: list[str]) -> tuple[Pattern, ...]:
        import re
        out = []
        for j, src in enumerate(sources):
            problem = regex_safety.unsafe_reason(src)
            if problem:
                self.ctx.errors.append(doc.error(f"unsafe regular expression {src!r}: {problem}", path + (j,),
                                                 hint=regex_safety.HINT))
                continue
            try:
                out.append(Pattern(re.compile(src, re.IGNORECASE), Where(doc.file, doc.line_of(path + (j,)))))
            except re.error as exc:
                self.ctx.errors.append(doc.error(f"invalid regular expression {src!r}: {exc}", path + (j,),
                                                 hint="fix the pattern (Python re syntax; escape ( ) . + ?)"))
        return tuple(out)


def check_references(rb: RuleBase) -> list[InputError]:
    """Problems that need the whole rule base: examples naming unknown rules."""
    out = []
    for rule in rb.rules:
        for ex in rule.examples:
            if ex.deciding_rule and ex.deciding_rule not in rb.rule_index:
                out.append(InputError(f"example expects unknown rule {ex.deciding_rule!r}", ex.where.file,
                                      ex.where.line, hint="name a rule id" + did_you_mean(ex.deciding_rule,
                                                                                         rb.rule_index)))
    return out


def _fact_pattern_errors(path: Path) -> list[InputError]:
    """The fact pattern file's problems (schema, regular expressions: see regex_safety); evaluate
    does not read the file, the letter importer and lint do."""
    from .letters.patterns import load_fact_patterns
    try:
        load_fact_patterns(path)
    except InputError as exc:
        return list(getattr(exc, "errors", [exc]))
    return []
