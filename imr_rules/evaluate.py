"""The evaluation pipeline: rule base -> compiled rules -> engine -> decisions -> results.

An :class:`Evaluator` is built once per rule base (compiling and loading the
engine is the expensive part) and then evaluates any number of cases.
"""

from __future__ import annotations

from . import __version__
from .cases import Case
from .compiler import compile_rules
from .decision import ItemDecision, classify, decide_item, imr_outcome, rules_by_category
from .engine import Engine
from .model import RuleBase
from .rationale import REVIEW_NOTE, cited_excerpts, rationale


class Evaluator:
    """Drafts decisions for cases with one loaded rule base."""

    def __init__(self, rb: RuleBase):
        self.rb = rb
        self.compiled = compile_rules(rb.active_rules)
        self.engine = Engine(self.compiled)
        self._by_category = rules_by_category(rb)

    def decide(self, case: Case) -> list[ItemDecision]:
        """The decision for every requested item of ``case``."""
        out = []
        for item in case.items:
            category, region = classify(self.rb, item)
            facts = case.item_facts(item)
            if category in self._by_category:
                holds, fails = self.engine.outcomes(category, region, facts)
            else:       # no rule can apply: skip the engine round trip
                holds = fails = frozenset()
            out.append(decide_item(self.rb, self._by_category, case, item, category, region, facts, holds, fails))
        return out

    def evaluate(self, case: Case) -> dict:
        """The result of ``case`` in the JSON contract's shape."""
        return result(self.rb, case, self.decide(case))


def result(rb: RuleBase, case: Case, decisions: list[ItemDecision]) -> dict:
    return {
        "case_id": case.case_id,
        "tool_version": __version__,
        "ruleset": {"fingerprint": rb.fingerprint},
        "items": [item_result(rb, case, d) for d in decisions],
    }


def item_result(rb: RuleBase, case: Case, d: ItemDecision) -> dict:
    excerpts = cited_excerpts(d) if not d.conflict else []
    basis = None
    if excerpts:
        e = excerpts[0]
        basis = {"tier": e.tier, "guideline_id": e.guideline.id, "guideline": e.guideline.title,
                 "chapter": e.guideline.chapter, "section": e.section, "pages": e.pages}
    return {
        "item_id": d.item.id,
        "name": d.item.name,
        "category": d.category,
        "body_region": d.body_region,
        "determination": d.determination,
        "imr_outcome": imr_outcome(case, d.determination),
        "conflict": d.conflict,
        "basis": basis,
        "rationale": rationale(rb, d),
        "citations": [{"excerpt_id": e.id, "citation": e.citation(), "quote": e.text} for e in excerpts],
        "documentation_gaps": [{"fact": g.fact, "question": g.question} for g in d.gaps],
        "fired_rules": list(d.fired),
        "deciding_rules": [r.id for r in d.deciding],
        "status": "draft",
        "review_note": REVIEW_NOTE[d.determination],
    }
