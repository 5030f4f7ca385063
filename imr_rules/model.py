"""The validated rule base: guidelines and excerpts, facts, items, rules.

Everything downstream (compiler, engine, decisions, lint) works on these
objects; nothing after the loader reads YAML again.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .conditions import Condition, facts_used
from .regex_safety import MAX_TEXT

TIERS = ("mtus", "non_mtus")           # the order of the evidence hierarchy (8 CCR 9792.21.1)
TIER_LABEL = {"mtus": "MTUS", "non_mtus": "Non-MTUS"}
UNSPECIFIED = "unspecified"           # body region of an item whose name names none

MEDICALLY_NECESSARY = "medically_necessary"
NOT_MEDICALLY_NECESSARY = "not_medically_necessary"
INSUFFICIENT_INFORMATION = "insufficient_information"
NOT_ADDRESSED = "not_addressed"
DETERMINATIONS = (MEDICALLY_NECESSARY, NOT_MEDICALLY_NECESSARY, INSUFFICIENT_INFORMATION, NOT_ADDRESSED)


@dataclass(frozen=True)
class Where:
    """A place in a file, for messages (``file:line``)."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Guideline:
    id: str
    title: str
    edition: str
    tier: str
    chapter: str
    where: Where


@dataclass(frozen=True)
class Excerpt:
    """Verbatim guideline text with its citation."""

    id: str
    guideline: Guideline
    section: str
    pages: str | None
    text: str
    source: str | None
    where: Where

    @property
    def tier(self) -> str:
        return self.guideline.tier

    def citation(self) -> str:
        """``MTUS Chronic Pain Medical Treatment Guidelines (2009), ..., Exercise, pages 46-47``."""
        g = self.guideline
        parts = [f"{g.title} ({g.edition})"]
        if g.chapter and g.chapter not in g.title:
            parts.append(g.chapter)
        parts.append(self.section)
        if self.pages:
            parts.append(("page " if "-" not in self.pages else "pages ") + self.pages)
        return ", ".join(parts)


@dataclass(frozen=True)
class Fact:
    id: str
    type: str                      # boolean | number | enum | date | string
    description: str
    question: str
    values: tuple[str, ...] | None
    unit: str | None
    where: Where
    derived_from: str | None = None      # a derivation of imr_rules.derive, for facts the request itself states


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern
    where: Where


@dataclass(frozen=True)
class CatalogEntry:
    """An entry of the item catalog, recognised in item names by its patterns."""

    id: str
    title: str
    patterns: tuple[Pattern, ...]
    where: Where


class Category(CatalogEntry):
    """An item category (home exercise equipment, gym membership, ...)."""


class BodyRegion(CatalogEntry):
    """A body region (lumbar, cervical, shoulder, ...)."""


@dataclass(frozen=True)
class ItemCatalog:
    categories: tuple[Category, ...]
    body_regions: tuple[BodyRegion, ...]

    @staticmethod
    def first_match(entries, name: str) -> tuple[CatalogEntry, Pattern] | None:
        """The first entry (in file order) with a pattern matching ``name``, and that pattern."""
        # Every pattern is checked against texts of MAX_TEXT characters (a
        # valid case's item names have at most 500): a longer name is not
        # searched past that, so no pattern can take longer than checked.
        name = name[:MAX_TEXT]
        for entry in entries:
            for pattern in entry.patterns:
                if pattern.regex.search(name):
                    return entry, pattern
        return None

    def category_of(self, name: str) -> str | None:
        """The item's category, from its free-text name (None: no category matches)."""
        match = self.first_match(self.categories, name)
        return match[0].id if match else None

    def body_region_of(self, name: str) -> str:
        """The item's body region, from its name (``unspecified`` when it names none)."""
        match = self.first_match(self.body_regions, name)
        return match[0].id if match else UNSPECIFIED

    def region_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.body_regions) + (UNSPECIFIED,)

    # Looked up for every item of every case: computed once (the catalog is immutable).
    @cached_property
    def category_id_set(self) -> frozenset[str]:
        return frozenset(c.id for c in self.categories)

    @cached_property
    def region_id_set(self) -> frozenset[str]:
        return frozenset(self.region_ids())


@dataclass(frozen=True)
class AppliesTo:
    categories: frozenset[str]
    body_regions: frozenset[str] | None        # None: every region
    except_body_regions: frozenset[str]

    def matches(self, category: str | None, body_region: str) -> bool:
        if category not in self.categories:
            return False
        if self.body_regions is not None and body_region not in self.body_regions:
            return False
        return body_region not in self.except_body_regions


@dataclass(frozen=True)
class Example:
    """A rule example: an item, its facts, and the draft it must produce."""

    name: str
    facts: dict[str, Any]
    category: str | None
    body_region: str | None
    determination: str
    deciding_rule: str | None        # None: no rule is expected to decide
    expects_rule: bool               # whether deciding_rule was given at all
    where: Where


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    description: str | None
    applies_to: AppliesTo
    when: Condition
    determination: str
    finding: str
    cites: tuple[Excerpt, ...]
    priority: int
    status: str
    effective_from: dt.date | None
    effective_until: dt.date | None
    examples: tuple[Example, ...]
    where: Where
    #: Lines of its title, description and finding: ((field, line), ...).
    text_lines: tuple[tuple[str, int | None], ...] = ()

    @cached_property
    def tier(self) -> str:
        """The tier of what the rule cites (all its excerpts share one tier)."""
        return self.cites[0].tier

    @cached_property
    def rank(self) -> tuple[int, int]:
        """Its place in the evidence hierarchy: tier (MTUS first), then priority (lower first)."""
        return (TIERS.index(self.tier), self.priority)

    @cached_property
    def reads(self) -> tuple[str, ...]:
        """The fact ids its condition reads, in order of first appearance."""
        return facts_used(self.when)

    def in_force(self, on: dt.date | None) -> bool:
        if on is None:
            return True
        if self.effective_from and on < self.effective_from:
            return False
        return not (self.effective_until and on > self.effective_until)


@dataclass(frozen=True)
class NotAddressed:
    """An accepted gap, declared in a rule file's ``not_addressed:`` list: items of these
    categories (and body regions) are left not_addressed on purpose, because no guideline
    text the rule base may quote speaks to them. Lint reports no gap for them; explain says why."""

    categories: frozenset[str]
    body_regions: frozenset[str] | None        # None: every region
    reason: str
    where: Where

    def covers(self, category: str | None, body_region: str) -> bool:
        return category in self.categories and (self.body_regions is None or body_region in self.body_regions)


@dataclass(frozen=True)
class RuleBase:
    """Everything loaded from a rules folder and a guidelines folder."""

    guidelines: dict[str, Guideline]
    excerpts: dict[str, Excerpt]
    facts: dict[str, Fact]
    items: ItemCatalog
    rules: tuple[Rule, ...]
    fingerprint: str
    files: tuple[str, ...]
    rules_dir: str
    guidelines_dir: str
    fact_patterns_file: str | None = None
    rule_index: dict[str, Rule] = field(default_factory=dict)
    not_addressed: tuple[NotAddressed, ...] = ()
    #: The rule base cache's key of the files this was loaded from (rulebase_cache.key),
    #: None for a rule base made in memory: what else may be cached for it hangs on this.
    cache_key: str | None = None

    def declared_not_addressed(self, category: str | None, body_region: str) -> NotAddressed | None:
        """The declaration that leaves items of this category and region not addressed on purpose, if any
        (the loader refuses two declarations of one pair)."""
        return next((d for d in self.not_addressed if d.covers(category, body_region)), None)

    @property
    def active_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.status == "active")

    @cached_property
    def derived_facts(self) -> tuple[Fact, ...]:
        """Facts computed from an item's name when a case does not state them."""
        return tuple(f for f in self.facts.values() if f.derived_from)

    @cached_property
    def derivations(self) -> tuple[tuple[str, str], ...]:
        """``(fact id, derivation)`` of the derived facts: hashable, to cache what a name gives."""
        return tuple((f.id, f.derived_from) for f in self.derived_facts)
