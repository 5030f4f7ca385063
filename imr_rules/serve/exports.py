"""What a reviewer takes away: the draft letter (Markdown; HTML is a template), the case file, the result.

Every export says DRAFT, carries the physician-review note and the rule set
fingerprint, and the case file keeps the provenance of every answer
(``source: reviewer``) beside the letter's evidence.
"""

from __future__ import annotations

import yaml

from .. import __version__
from ..render import to_json, to_markdown
from .reviews import item_facts


def letter_markdown(result: dict, case: dict) -> str:
    """The draft letter in Markdown (the layout of ``evaluate --format markdown``) and where its facts came from."""
    out = [to_markdown(result).rstrip("\n"), "", "## Facts relied on and their provenance (draft)", ""]
    for item in case["items"]:
        facts = item_facts(case, item)
        out.append(f"- {item['name']}: " + ("; ".join(f"`{f}` = {_word(v)} ({where.words()})"
                                                      for f, (v, where) in facts.items()) or "no facts stated"))
    out += ["", f"*DRAFT. Rule set `{result['ruleset']['fingerprint']}`, imr-rules {result['tool_version']}.*"]
    return "\n".join(out) + "\n"


def case_yaml(case: dict, fingerprint: str) -> str:
    """The review's case file: it evaluates with ``imr-rules evaluate`` to the page's drafts."""
    header = (f"# DRAFT case file from the imr-rules {__version__} reviewer workbench (rule set {fingerprint}).\n"
              "# Facts with `source: reviewer` evidence were answered by the reviewer; the others come from\n"
              "# the letter (quote and character offsets) or the case as started. A denial needs a physician\n"
              "# reviewer (Labor Code section 4610). Schema: `imr-rules schema case`.\n")
    return header + yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100)


def result_json(result: dict) -> str:
    return to_json(result) + "\n"


def _word(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
