"""``imr-rules explain``: the trace of a decision, in the manner of ``opa eval --explain``.

For every item: how it was classified, the facts, every active rule whose
``applies_to`` matches it with its outcome (true/false/unknown) and each
comparison with the value it saw, and why the deciding rules won (the
evidence hierarchy, see :mod:`imr_rules.decision`). For an item no rule
addresses: the nearest item categories, so an editor sees what was missed;
or, when a rule file declares its category and region not addressed, that
it is not addressed on purpose and the declared reason.
"""

from __future__ import annotations

import difflib
import re

from .cases import Case
from .conditions import OUTCOME_WORD, evaluate, facts_used, leaves, value_word
from .decision import ItemDecision, precedence
from .errors import InputError
from .evaluate import Evaluator
from .model import NOT_ADDRESSED, TIER_LABEL, ItemCatalog, RuleBase, Where
from .paths import display_path

def explain_case(rb: RuleBase, case: Case, item_id: str | None = None,
                 evaluator: Evaluator | None = None) -> list[dict]:
    """The trace of every item of ``case`` (or only ``item_id``) as plain data."""
    if item_id is not None and item_id not in {i.id for i in case.items}:
        raise InputError(f"no item {item_id!r} in the case", case.source,
                         hint="items: " + ", ".join(i.id for i in case.items))
    evaluator = evaluator or Evaluator(rb)
    return [_item(rb, case, d) for d in evaluator.decide(case, complete=True) if item_id in (None, d.item.id)]


def _item(rb: RuleBase, case: Case, d: ItemDecision) -> dict:
    engine = {o.rule.id: o.value for o in d.outcomes}
    deciding = {r.id for r in d.deciding}
    matching = sorted((r for r in rb.active_rules if r.applies_to.matches(d.category, d.body_region)),
                      key=precedence)
    rules = []
    for r in matching:
        in_force = r.id in engine
        rules.append({
            "rule": r.id, "where": _where(r.where), "tier": r.tier, "priority": r.priority,
            "determination": r.determination, "in_force": in_force,
            # The engine's outcome for rules it ran; the same semantics, in Python, for the others.
            "outcome": OUTCOME_WORD[engine[r.id] if in_force else evaluate(r.when, d.facts)],
            "decides": r.id in deciding,
            "conditions": [{"line": c.line, "test": f"{c.fact} {c.op} {value_word(c.value)}",
                            "saw": value_word(d.facts.get(c.fact)), "outcome": OUTCOME_WORD[evaluate(c, d.facts)]}
                           for c in leaves(r.when)],
        })
    read = {f for r in matching for f in facts_used(r.when)}
    # An item of a declared accepted gap is not addressed on purpose: say so, and why.
    declared = (rb.declared_not_addressed(d.category, d.body_region)
                if d.determination == NOT_ADDRESSED and not d.conflict else None)
    reason = d.reason
    if declared is not None:
        reason = f"not addressed on purpose: {declared.reason} (declared at {_where(declared.where)})"
    out = {
        "item_id": d.item.id, "name": d.item.name,
        "category": d.category, "category_from": _category_from(rb, d),
        "body_region": d.body_region, "body_region_from": _region_from(rb, d),
        "facts": {f: value_word(d.facts.get(f)) for f in rb.facts if f in read or f in d.facts},
        "determination": d.determination, "conflict": d.conflict,
        "deciding_rules": [r.id for r in d.deciding], "reason": reason,
        "documentation_gaps": [g.fact for g in d.gaps],
        "rules": rules,
    }
    if declared is not None:
        out["declared_not_addressed"] = {"reason": declared.reason, "where": _where(declared.where)}
    elif not d.outcomes:
        out["nearest_categories"] = nearest_categories(rb, d.item.name)
    return out


def _where(where: Where) -> str:
    return f"{display_path(where.file)}:{where.line}" if where.line else display_path(where.file)


def _category_from(rb: RuleBase, d: ItemDecision) -> str:
    return _matched_by(rb.items.categories, d.item.name, d.item.category,
                       "no category pattern of the item catalog matches the name")


def _region_from(rb: RuleBase, d: ItemDecision) -> str:
    return _matched_by(rb.items.body_regions, d.item.name, d.item.body_region,
                       "no body-region pattern matches the name")


def _matched_by(entries, name: str, stated: str | None, none: str) -> str:
    if stated:
        return "stated by the case"
    match = ItemCatalog.first_match(entries, name)
    if match is None:
        return none
    return f"item catalog pattern '{match[1].regex.pattern}' ({_where(match[1].where)})"


def _words_of_pattern(source: str) -> str:
    # '\b(rehab|rehabilitation) kits?\b' -> 'rehab rehabilitation kits': enough to compare names with.
    return " ".join(re.sub(r"\\[a-zA-Z]|[^a-zA-Z ]", " ", source).split())


def nearest_categories(rb: RuleBase, name: str, n: int = 3) -> list[dict]:
    """The ``n`` item categories whose id, title or pattern words are closest to ``name`` (difflib)."""
    with_rules = {c for r in rb.active_rules for c in r.applies_to.categories}
    wanted = name.lower()
    scored = []
    for c in rb.items.categories:
        candidates = [c.id.replace("_", " "), c.title.lower()] + [_words_of_pattern(p.regex.pattern).lower()
                                                                  for p in c.patterns]
        score = max(difflib.SequenceMatcher(None, wanted, text).ratio() for text in candidates)
        scored.append({"category": c.id, "title": c.title, "similarity": round(score, 2),
                       "has_rules": c.id in with_rules})
    scored.sort(key=lambda s: (-s["similarity"], s["category"]))
    return scored[:n]


def render_text(items: list[dict], source: str) -> str:
    """The traces as indented text, one block per item."""
    lines = [f"explain {source}"]
    for it in items:
        lines.append(f"item {it['item_id']}: {it['name']}")
        lines.append(f"  category: {it['category'] or 'none'} ({it['category_from']})")
        lines.append(f"  body region: {it['body_region']} ({it['body_region_from']})")
        facts = ", ".join(f"{k}={v}" for k, v in it["facts"].items())
        lines.append(f"  facts: {facts or 'none stated'}")
        lines.append(f"  determination: {it['determination']}" + (" (conflict)" if it["conflict"] else ""))
        if it["deciding_rules"]:
            lines.append(f"  deciding rules: {', '.join(it['deciding_rules'])}")
        lines.append(f"  why: {it['reason']}")
        if it["documentation_gaps"]:
            lines.append(f"  facts that could change it: {', '.join(it['documentation_gaps'])}")
        if it["rules"]:
            lines.append("  rules that apply, in precedence order:")
        for r in it["rules"]:
            if r["decides"]:
                mark = "DECIDES"
            elif r["outcome"] == "true":
                mark = "fired, outranked by " + ", ".join(it["deciding_rules"])
            else:
                mark = "did not fire"
            force = "" if r["in_force"] else " (not in force on the request date)"
            lines.append(f"    {r['rule']}  [{TIER_LABEL[r['tier']]}, priority {r['priority']}, "
                         f"{r['determination']}]  -> {r['outcome']}  {mark}{force}  ({r['where']})")
            for c in r["conditions"]:
                lines.append(f"      line {c['line']}: {c['test']}  saw {c['saw']}  -> {c['outcome']}")
        for near in it.get("nearest_categories", []):
            lines.append(f"  nearest category: {near['category']} ({near['title']}), similarity "
                         f"{near['similarity']}, {'has rules' if near['has_rules'] else 'no rules'}")
    return "\n".join(lines) + "\n"
