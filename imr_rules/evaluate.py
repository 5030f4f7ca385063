"""The evaluation pipeline: rule base -> compiled rules -> engine -> decisions -> results.

An :class:`Evaluator` is built once per rule base (compiling and loading the
engine is the expensive part) and then evaluates any number of cases.
"""

from __future__ import annotations

import contextlib
import gc
from dataclasses import replace
from json.encoder import encode_basestring      # what json.dumps(str, ensure_ascii=False) does

from . import __version__, surgery
from .cases import Case
from .compiler import compile_rules
from .decision import (ItemDecision, applicable_rules, classify, decide_item, imr_outcome, precedence,
                       rules_by_category, undecided)
from .engine import Engine
from .model import RuleBase
from .render import item_result, to_json


@contextlib.contextmanager
def bulk():
    """Around the evaluation of many cases in one process (``evaluate --jsonl``).

    Evaluating makes no reference cycles (checked: a collection after 10,000
    items finds none made by them), but the cyclic garbage collector still
    walks every object each time its counters fill: 20% of the run at 100
    rules per item category, measured. So the loaded rule base is frozen out
    of its reach and the collector is off until the block ends; then what was
    frozen is handed back (a longer-lived process, a test, could not free it
    otherwise).
    """
    enabled = gc.isenabled()
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


class Evaluator:
    """Drafts decisions for cases with one loaded rule base."""

    def __init__(self, rb: RuleBase):
        self.rb = rb
        # In precedence order: a rule's "fails" rulesets then hold the rules
        # that precede it, which are the ones a decision asks about.
        key = getattr(rb, "cache_key", None)      # None for rule bases made in memory
        self.compiled = compile_rules(sorted(rb.active_rules, key=precedence),
                                      key and key + ":active rules by precedence")
        self.engine = Engine(self.compiled)
        self._by_category = rules_by_category(rb)
        self._surgeries = surgery.surgery_categories(rb)
        # Bulk input repeats the same item names, categories and decisions:
        # these caches make the per-item cost beyond the engine small. They
        # hold only pure functions of immutable inputs, so output is unchanged.
        self._classified = _BoundedCache()
        self._applicable = _BoundedCache()
        self._texts = _BoundedCache()
        self._json = _BoundedCache()
        self._verdicts = _BoundedCache()
        self._undecided = _BoundedCache()
        self._frames = _BoundedCache()
        self._head_rest: str | None = None
        self._encoded_ids = _Encoded()

    def decide(self, case: Case, complete: bool = False) -> list[ItemDecision]:
        """The decision for every requested item of ``case``.

        ``complete``: ask the engine for the outcome of every applicable rule
        (what explain shows), not only those the decision needs."""
        return [_for_item(verdict, item, facts) for item, facts, verdict, _ in self._decided(case, complete)]

    def _decided(self, case: Case, complete: bool = False):
        """(item, its facts, verdict, verdict key) per item, in item order.

        The verdict is an :class:`ItemDecision` that may have been reached for
        another item with the same key: the key identifies everything the
        hierarchy looked at except the item itself (see :func:`_for_item`).
        Surgery items are decided first when the case has any: the services
        requested with them take the surgery's certification from those
        drafts (imr_rules/surgery.py).
        """
        known = self._classified.get
        classified = [known((item.name, item.category, item.body_region)) or self._classify(item)
                      for item in case.items]
        surgeries = self._surgeries
        if not surgeries or not any(c[0] in surgeries for c in classified):
            decide = self._decide_one
            return [decide(case, item, c, case.item_facts(item), complete) for item, c in zip(case.items, classified)]
        first = [i for i, (category, _) in enumerate(classified) if category in surgeries]
        done = {i: self._decide_one(case, case.items[i], classified[i], case.item_facts(case.items[i]), complete)
                for i in first}
        drafts = [(case.items[i].id, case.items[i].name, classified[i][1], done[i][2].determination) for i in first]
        out = []
        for i, (item, c) in enumerate(zip(case.items, classified)):
            if i in done:
                out.append(done[i])
                continue
            facts = case.item_facts(item)
            found = surgery.link(c[1], drafts) if surgery.is_associated(facts) else None
            if found is not None:
                facts = {**facts, surgery.FACT: found.value}
            out.append(self._decide_one(case, item, c, facts, complete, found))
        return out

    def _classify(self, item) -> tuple[str | None, str]:
        key = (item.name, item.category, item.body_region)
        classified = self._classified.get(key)
        if classified is None:
            classified = self._classified.put(key, classify(self.rb, item))
        return classified

    def _decide_one(self, case: Case, item, classified: tuple, facts: dict, complete: bool,
                    link: surgery.SurgeryLink | None = None):
        category, region = classified
        key = (category, region, case.request_date)
        applicable = self._applicable.get(key)
        if applicable is None:
            applicable = self._applicable.put(
                key, applicable_rules(self._by_category, category, region, case.request_date))
        needed: frozenset | None = None
        if applicable:
            query = self.engine.query(category, region, facts)
            holds = query.holds()
            if complete:
                asked = [r.id for r in applicable]
            else:
                key = (category, region, case.request_date, holds)
                needed = self._undecided.get(key)
                if needed is None:
                    needed = self._undecided.put(key, frozenset(undecided(applicable, holds)))
                asked = needed
            fails = query.fails(asked, holds) if asked else frozenset()
        else:       # no rule can apply: skip the engine round trip
            holds = fails = frozenset()
        # The hierarchy's verdict depends on the item only through these
        # (the engine's outcomes, which facts are stated, and where a fact
        # taken from a surgery's draft came from), so it is reused for items
        # that share them.
        key = (category, region, case.request_date, holds, fails, frozenset(facts), complete, link)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts.put(key, decide_item(
                self.rb, self._by_category, case, item, category, region, facts, holds, fails, applicable,
                None if needed is None else holds | needed, link))
        return item, facts, verdict, key

    def evaluate(self, case: Case) -> dict:
        """The result of ``case`` in the JSON contract's shape."""
        items = [self._item(case, item, facts, verdict, key) for item, facts, verdict, key in self._decided(case)]
        return {"case_id": case.case_id, "tool_version": __version__,
                "ruleset": {"fingerprint": self.rb.fingerprint}, "items": items}

    def evaluate_json(self, case: Case) -> str:
        """``render.to_json(self.evaluate(case), indent=None)``, byte for byte, faster.

        An item's JSON is ~2 KB (rationale and verbatim quotations), and bulk
        input repeats the same items: their encoded text is cached, and the
        case's line is put together around it.
        """
        parts = []
        for item, facts, verdict, verdict_key in self._decided(case):
            outcome = imr_outcome(case, verdict.determination)
            key = (item.name, verdict_key, item.id, outcome)
            text = self._json.get(key)
            if text is None:
                text = self._json.put(key, self._item_json(case, item, facts, verdict, verdict_key, outcome))
            parts.append(text)
        return self._head(case.case_id) + ",".join(parts) + "]}"

    def _item_json(self, case: Case, item, facts, verdict: ItemDecision, verdict_key: tuple, outcome) -> str:
        """An item's JSON. All of it but ``fired_rules`` (every rule that holds) depends only on
        what decided it: that frame is cached on those, and the list is written in."""
        # bool(determined rules) is bool(verdict.outcomes) (one outcome per determined rule),
        # without building the outcomes (most bulk results never read them).
        key = (item.name, item.id, outcome, verdict.category, verdict.body_region, verdict.determination,
               verdict.conflict, tuple(r.id for r in verdict.deciding), verdict.gaps, bool(verdict.determined[0]),
               verdict.surgery)
        frame = self._frames.get(key)
        if frame is None:
            result = self._item(case, item, facts, verdict, verdict_key, outcome)
            result["fired_rules"] = _FIRED_MARK
            frame = self._frames.put(key, tuple(to_json(result, None).split(_FIRED_JSON)))
        before, after = frame
        rules, holds, _ = verdict.determined        # verdict.fired, its ids already encoded
        encoded = self._encoded_ids
        return before + "[" + ",".join([encoded[r.id] for r in rules if r.id in holds]) + "]" + after

    def _head(self, case_id: str) -> str:
        # '{"case_id":...,"items":[' exactly as to_json writes it: only the case
        # id varies, so the rest is encoded once.
        if self._head_rest is None:
            head = to_json({"case_id": "", "tool_version": __version__,
                            "ruleset": {"fingerprint": self.rb.fingerprint}, "items": []}, None)
            self._head_rest = head[len('{"case_id":""'):-2]
        return '{"case_id":' + encode_basestring(case_id) + self._head_rest

    def _item(self, case: Case, item, facts, verdict: ItemDecision, verdict_key: tuple, outcome=False) -> dict:
        key = (item.name, verdict_key)
        text = self._texts.get(key)
        if text is None:
            text = self._texts.put(key, item_result(self.rb, case, _for_item(verdict, item, facts)))
        if outcome is False:
            outcome = imr_outcome(case, verdict.determination)
        # Same key order as item_result: the copy keeps each key's position.
        return {**text, "item_id": item.id, "imr_outcome": outcome}


# A placeholder for fired_rules in an item's cached JSON frame (no item text holds a NUL).
_FIRED_MARK = "\x00fired rules\x00"
_FIRED_JSON = to_json(_FIRED_MARK, None)


def _for_item(verdict: ItemDecision, item, facts) -> ItemDecision:
    """``verdict``, reached for an item with the same verdict key, as this item's decision."""
    if verdict.item is item:
        return verdict
    return replace(verdict, item=item, facts=facts)


class _Encoded(dict):
    """Rule id -> its JSON string, encoded on first use (ids are few, and repeat in every item)."""

    def __missing__(self, rule_id: str) -> str:
        found = self[rule_id] = encode_basestring(rule_id)
        return found


class _BoundedCache(dict):
    """A dict that forgets everything when full: simple, and bounded memory."""

    LIMIT = 4096

    def put(self, key, value):
        if len(self) >= self.LIMIT:
            self.clear()
        self[key] = value
        return value
