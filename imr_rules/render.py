"""Rendering of evaluation results: the JSON contract, text and Markdown.

:func:`item_result` is the JSON result contract of one item (README); text
and Markdown render results in that shape. Text reads like the "IMR ISSUES,
DECISIONS AND RATIONALES" section of a final determination letter, marked as
a draft throughout.
"""

from __future__ import annotations

import json
import textwrap

from .cases import Case
from .decision import ItemDecision, imr_outcome
from .model import TIER_LABEL, RuleBase
from .rationale import DETERMINATION_LABEL, REVIEW_NOTE, cited_excerpts, draft_status, rationale

WIDTH = 96


def to_json(result: dict | list, indent: int | None = 2) -> str:
    """Deterministic JSON: key order is the contract's, no timestamps."""
    if indent is None:
        return json.dumps(result, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(result, ensure_ascii=False, indent=indent)


def basis_of(d: ItemDecision) -> dict | None:
    """The guideline a decision rests on (its first cited excerpt's), as the result states it."""
    excerpts = cited_excerpts(d) if not d.conflict else []
    if not excerpts:
        return None
    e = excerpts[0]
    return {"tier": e.tier, "guideline_id": e.guideline.id, "guideline": e.guideline.title,
            "chapter": e.guideline.chapter, "section": e.section, "pages": e.pages}


def item_result(rb: RuleBase, case: Case, d: ItemDecision) -> dict:
    """One item of the JSON result (the contract: keys may be added, never removed)."""
    excerpts = cited_excerpts(d) if not d.conflict else []
    return {
        "item_id": d.item.id,
        "name": d.item.name,
        "category": d.category,
        "body_region": d.body_region,
        "determination": d.determination,
        "imr_outcome": imr_outcome(case, d.determination),
        "conflict": d.conflict,
        "basis": basis_of(d),
        "rationale": rationale(rb, d),
        "citations": [{"excerpt_id": e.id, "citation": e.citation(), "quote": e.text} for e in excerpts],
        "documentation_gaps": [{"fact": g.fact, "question": g.question} for g in d.gaps],
        "fired_rules": list(d.fired),
        "deciding_rules": [r.id for r in d.deciding],
        "status": "draft",
        "review_note": REVIEW_NOTE[d.determination],
    }


def basis_sentence(basis: dict | None) -> str:
    """``Decision based on MTUS ...`` / ``Decision based on Non-MTUS Citation ...``, as letters word it."""
    if not basis:
        return "No guideline basis: the rule base does not decide this item."
    where = ", ".join(x for x in (basis["chapter"] if basis["chapter"] not in basis["guideline"] else None,
                                  basis["section"]) if x)
    pages = f" Page(s): {basis['pages']}." if basis.get("pages") else "."
    if basis["tier"] == "mtus":
        return f"Decision based on {basis['guideline']}, {where}{pages}"
    return f"Decision based on {TIER_LABEL['non_mtus']} Citation {basis['guideline']}, {where}{pages}"


def _outcome(item: dict) -> str:
    label = DETERMINATION_LABEL[item["determination"]]
    if item["imr_outcome"]:
        label += f" (IMR outcome if adopted: {item['imr_outcome'].capitalize()})"
    if item["conflict"]:
        label += " (CONFLICT between rules)"
    return label


def _para(label: str, text: str) -> str:
    return textwrap.fill(f"{label} {text}" if label else text, WIDTH, break_on_hyphens=False)


def to_text(result: dict) -> str:
    out = [
        "DRAFT DECISION SUPPORT - NOT A FINAL DETERMINATION",
        f"Case: {result['case_id']}",
        f"Rule set: {result['ruleset']['fingerprint']} (imr-rules {result['tool_version']})",
        "",
        "IMR ISSUES, DECISIONS AND RATIONALES (DRAFT)",
        "",
    ]
    for item in result["items"]:
        out += [f"{item['name']}:  {_outcome(item)}", ""]
        out += [_para("Guideline:", basis_sentence(item["basis"])), ""]
        out += [_para("Decision rationale:", item["rationale"]), ""]
        if item["documentation_gaps"]:
            out.append("Documentation still missing:")
            out += [textwrap.fill(f"- {g['fact']}: {g['question']}", WIDTH, subsequent_indent="  ")
                    for g in item["documentation_gaps"]]
            out.append("")
        out += [f"Rules fired: {', '.join(item['fired_rules']) or 'none'}", "", ""]
    # The status is the draft's, said once: repeating it under every item
    # buries it (each item's own note stays in the JSON result).
    out.append(_para("Status:", draft_status(i["determination"] for i in result["items"])))
    return "\n".join(out).rstrip("\n") + "\n"


def to_markdown(result: dict) -> str:
    out = [
        f"# Draft decision support: case `{result['case_id']}`",
        "",
        "> **Draft, not a final determination.** Denials require a physician reviewer (Labor Code section 4610).",
        "",
        f"Rule set `{result['ruleset']['fingerprint']}`, imr-rules {result['tool_version']}.",
        "",
    ]
    for item in result["items"]:
        out += [f"## {item['name']}: {_outcome(item)}", "",
                f"**Guideline:** {basis_sentence(item['basis'])}", "",
                f"**Decision rationale:** {item['rationale']}", ""]
        if item["documentation_gaps"]:
            out += ["**Documentation still missing:**", ""]
            out += [f"- `{g['fact']}`: {g['question']}" for g in item["documentation_gaps"]]
            out.append("")
        fired = ", ".join(f"`{r}`" for r in item["fired_rules"]) or "none"
        out += [f"**Rules fired:** {fired}", ""]
    out.append(f"*Status: {draft_status(i['determination'] for i in result['items'])}*")
    return "\n".join(out).rstrip("\n") + "\n"


RENDERERS = {"text": to_text, "markdown": to_markdown}
