"""Rendering of evaluation results: JSON (the contract), text and Markdown.

Text reads like the "IMR ISSUES, DECISIONS AND RATIONALES" section of a
final determination letter, marked as a draft throughout.
"""

from __future__ import annotations

import json
import textwrap

from .model import TIER_LABEL
from .rationale import DETERMINATION_LABEL, draft_status

WIDTH = 96


def to_json(result: dict | list, indent: int | None = 2) -> str:
    """Deterministic JSON: key order is the contract's, no timestamps."""
    if indent is None:
        return json.dumps(result, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(result, ensure_ascii=False, indent=indent)


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
