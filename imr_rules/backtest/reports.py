"""Rendering a backtest document (``{"summary", "items"}``) as text, JSON, JUnit XML or Markdown.

Every format shows agreement next to per-outcome recall and coverage, never
alone (see metrics). All output is deterministic: items come sorted by source
and item id, and nothing depends on time or on ``--jobs``.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Iterator

from ..model import TIER_LABEL
from ..rationale import DETERMINATION_LABEL
from .metrics import COLUMNS, OUTCOMES

LIST_LIMIT = 20          # notes shown in text before "... and N more"
COLUMN_LABEL = {"upheld": "upheld", "overturned": "overturned", "insufficient_information": "insufficient",
                "not_addressed": "not addressed"}


def to_json(doc: dict) -> Iterator[str]:
    """The document as JSON, in pieces: the items are read as they are written.

    The summary is indented by two spaces; each item is one line. json writes an
    indented document in pure Python, about 0.1 s per 1,000 letters at the end of a
    run, and a line per item is what a reader greps and a diff compares anyway."""
    yield "{"
    for n, (key, value) in enumerate(doc.items()):
        yield ("\n  " if n == 0 else ",\n  ") + json.dumps(key, ensure_ascii=False) + ": "
        if key == "items":
            empty = True
            for item in value:
                yield ("[\n    " if empty else ",\n    ") + json.dumps(item, ensure_ascii=False)
                empty = False
            yield "[]" if empty else "\n  ]"
        else:
            # JSON text holds no raw line breaks inside strings: every one is layout.
            yield json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    yield "\n}\n" if doc else "}\n"


# --- shared phrases -----------------------------------------------------------

def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def frac(n: int, d: int) -> str:
    return f"{n}/{d} ({pct(n / d if d else None)})"


def basis_label(basis: dict | None) -> str:
    if not basis:
        return "none"
    tier = TIER_LABEL.get(basis.get("tier"), basis.get("tier") or "?")
    return " / ".join(x for x in (tier, basis.get("chapter"), basis.get("section")) if x)


def drafted(item: dict) -> str:
    label = DETERMINATION_LABEL.get(item["determination"], item["determination"])
    return f"{item['got']} ({label.lower()})" if item["got"] else label.lower()


def disagreements(doc: dict) -> list[dict]:
    return [i for i in doc["items"] if i["agree"] is False]


def basis_disagreements(doc: dict) -> list[dict]:
    return [i for i in doc["items"] if i["basis_agree"] is False]


def _kappa(s: dict) -> str:
    return f"{s['kappa']:.3f}" if s["kappa"] is not None else f"undefined ({s['kappa_note']})"


def _gate_line(g: dict) -> str:
    verdict = "passed" if g["passed"] else "FAILED"
    value = pct(g["value"])
    return f"{g['gate']} >= {pct(g['threshold'])}: {verdict} ({value}; {g['note']})"


def _evidence(item: dict) -> list[str]:
    out = []
    for e in item["evidence"]:
        value = json.dumps(e["value"]) if e["value"] is not None else "unknown"
        quote = f'"{e["quote"]}"' if e["quote"] else "(no quote in the record)"
        out.append(f"{e['fact']} = {value}: {quote}")
    return out


# --- text ---------------------------------------------------------------------

def to_text(doc: dict) -> str:
    """The report for a terminal or a CI log."""
    s = doc["summary"]
    nc = s["not_covered"]
    lines = [f"imr-rules backtest: {s['items']} historical item(s) from {s['files']['with_history']} case(s) "
             f"(ruleset {s['ruleset'][:19]}...)", ""]
    lines.append(f"coverage     {frac(s['covered'], s['items'])} decided; not covered: "
                 f"{nc['not_addressed']} not addressed ({nc['conflicts']} conflicts), "
                 f"{nc['insufficient_information']} insufficient information")
    lines.append(f"agreement    {frac(s['agreed'], s['covered'])} of covered items; per historical outcome:")
    for o in OUTCOMES:
        r = s["recall"][o]
        lines.append(f"  {o:<11} recall {frac(r['agreed'], r['covered']):<20} "
                     f"historical {r['items']}, covered {r['covered']} ({pct(r['coverage'])})")
    lines.append(f"kappa        {_kappa(s)}")
    b = s["basis"]
    lines.append(f"basis        {frac(b['agreed'], b['compared'])} of compared items cite the reviewer's tier "
                 f"and chapter; {b['not_compared']} not compared")
    lines += ["", "confusion (rows: historical, columns: draft)",
              "  " + " " * 12 + "".join(f"{COLUMN_LABEL[c]:>14}" for c in COLUMNS)]
    for o in OUTCOMES:
        lines.append(f"  {o:<12}" + "".join(f"{s['confusion'][o][c]:>14}" for c in COLUMNS))
    lines += _category_lines(s["categories"])
    width = max([len(r) for r in s["rules"]] + [4])
    lines += ["", "rule firings (items per rule)", f"  {'rule':<{width}}  fired  deciding  deciding+disagreeing"]
    for rule, n in s["rules"].items():
        lines.append(f"  {rule:<{width}}  {n['fired']:>5}  {n['deciding']:>8}  {n['deciding_disagreed']:>20}")

    dis = disagreements(doc)
    lines += ["", f"disagreements ({len(dis)})"]
    for i in dis:
        lines.append(f"  {i['source']}  item {i['item_id']}: {i['name']}")
        lines.append(f"    historical {i['expected']}, draft {drafted(i)}"
                     + (f"  [baseline: {i['baseline']}]" if i["baseline"] else ""))
        lines.append(f"    deciding rules: {', '.join(i['deciding_rules'])}")
        lines += [f"    evidence: {e}" for e in _evidence(i)]
    bdis = basis_disagreements(doc)
    if bdis:
        lines += ["", f"basis disagreements ({len(bdis)})"]
        for i in bdis:
            lines.append(f"  {i['source']}  item {i['item_id']}: historical {basis_label(i['expected_basis'])}; "
                         f"draft {basis_label(i['got_basis'])}")
    if s["baseline"]:
        bl = s["baseline"]
        lines += ["", f"baseline {bl['file']}: {bl['accepted']} accepted, {len(bl['new'])} new, "
                      f"{len(bl['fixed'])} fixed, {len(bl['stale'])} stale"]
        lines += [f"  new: {e['source']} item {e['item_id']}" for e in bl["new"]]
        lines += [f"  fixed (now agrees): {e['source']} item {e['item_id']}" for e in bl["fixed"]]
        lines += [f"  stale ({e['reason']}): {e['source']} item {e['item_id']}" for e in bl["stale"]]
        if bl["fixed"] or bl["stale"]:
            lines.append("  refresh the baseline with --write-baseline")
    # A letter next to its reviewed case file is the normal layout: counted, not listed.
    # The notes are read from their spool once: only the first LIST_LIMIT are kept.
    paired, shown, others = 0, [], 0
    for n in s["notes"]:
        if n["kind"] == "letter_not_used":
            paired += 1
            continue
        others += 1
        if len(shown) < LIST_LIMIT:
            shown.append(f"  {n['source']}: {n['note']}")
    if paired or others:
        lines += ["", f"notes ({len(s['notes'])})"]
        if paired:
            lines.append(f"  {paired} letter(s) not used: the case file of the same name holds the history "
                         "(listed in --json)")
        lines += shown
        if others > LIST_LIMIT:
            lines.append(f"  ... and {others - LIST_LIMIT} more (all in --json)")
    if s["gates"]:
        lines += ["", "gates"] + [f"  {_gate_line(g)}" for g in s["gates"]]
    if s["errors"]:
        lines += ["", f"errors: {len(s['errors'])} file(s) could not be used (listed on stderr)"]
    return "\n".join(lines) + "\n"


def category_cells(row: dict) -> tuple[str, str, str, str]:
    """Coverage, agreement, overturned items caught (drafted overturned, of all of them)
    and basis agreement of one item category, as the text and Markdown reports write them."""
    ov, b = row["overturned"], row["basis"]
    return (frac(row["covered"], row["items"]), frac(row["agreed"], row["covered"]),
            f"{ov['agreed']}/{ov['items']}", frac(b["agreed"], b["compared"]))


def _category_lines(categories: dict) -> list[str]:
    if not categories:
        return []
    width = max(len(c) for c in categories)
    out = ["", "by item category (coverage: items decided; overturned: caught of all)",
           f"  {'category':<{width}}  {'items':>5}  {'coverage':<14}  {'agreement':<14}  {'overturned':>10}  basis"]
    for category, row in categories.items():
        cov, agr, ov, basis = category_cells(row)
        out.append(f"  {category:<{width}}  {row['items']:>5}  {cov:<14}  {agr:<14}  {ov:>10}  {basis}")
    return out


# --- JUnit XML ----------------------------------------------------------------

def to_junit(doc: dict) -> Iterator[str]:
    """One testcase per historical item: failure when it disagrees, skipped when not covered.

    Disagreements a baseline accepts are skipped too (known, not failing the
    gate); a file that could not be used is a testcase with an error. Written
    one testcase at a time (the counts come from a first pass over the items).
    """
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for tc in _testcases(doc):
        counts["tests"] += 1
        for kind, key in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
            counts[key] += tc.find(kind) is not None
    attrs = {k: str(v) for k, v in counts.items()}
    root = ET.Element("testsuites", name="imr-rules backtest", **attrs)
    suite = ET.SubElement(root, "testsuite", name="imr-rules backtest", **attrs)
    yield '<?xml version="1.0" encoding="utf-8"?>\n'
    if not counts["tests"]:
        ET.indent(root)
        yield ET.tostring(root, encoding="unicode") + "\n"
        return
    # The suite's frame as ElementTree indents it, around one placeholder case.
    placeholder = ET.SubElement(suite, "testcase", name="\x01")
    ET.indent(root)
    last_tail = placeholder.tail
    head, tail = ET.tostring(root, encoding="unicode").split(ET.tostring(placeholder, encoding="unicode"), 1)
    yield head
    between = None
    for tc in _testcases(doc):
        if between:
            yield between
        between = "\n    "            # what ElementTree puts between two cases
        ET.indent(tc, level=2)
        yield ET.tostring(tc, encoding="unicode")
    yield last_tail + tail + "\n"


def _testcases(doc: dict) -> Iterator[ET.Element]:
    for i in doc["items"]:
        tc = ET.Element("testcase", classname=i["source"], name=f"{i['item_id']}: {i['name']}")
        if i["agree"] is False and i["baseline"] == "accepted":
            ET.SubElement(tc, "skipped", message=f"accepted by baseline: historical {i['expected']}, "
                                                 f"draft {i['got']}")
        elif i["agree"] is False:
            failure = ET.SubElement(tc, "failure", type="disagreement",
                                    message=f"historical {i['expected']}, draft {drafted(i)}")
            failure.text = "\n".join([f"deciding rules: {', '.join(i['deciding_rules'])}"] + _evidence(i))
        elif not i["covered"]:
            ET.SubElement(tc, "skipped", message=f"not covered: {i['determination']}")
        yield tc
    for e in doc["summary"]["errors"]:
        tc = ET.Element("testcase", classname=e["source"], name="(load)")
        ET.SubElement(tc, "error", type="input", message=e["message"].splitlines()[0]).text = e["message"]
        yield tc


# --- Markdown (a pull-request comment) ------------------------------------------

def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(doc: dict) -> str:
    s = doc["summary"]
    verdict = ("all gates passed" if s["passed"] else "a gate FAILED") if s["gates"] else "no gates"
    nc = s["not_covered"]
    out = [f"## IMR backtest: {verdict}", "",
           f"{s['items']} historical item(s) from {s['files']['with_history']} case(s); "
           f"ruleset `{s['ruleset'][:19]}...`", "",
           "| measure | value |", "| --- | --- |",
           f"| coverage (items the rules decide) | {frac(s['covered'], s['items'])} |",
           f"| not covered | {nc['not_addressed']} not addressed ({nc['conflicts']} conflicts), "
           f"{nc['insufficient_information']} insufficient information |",
           f"| agreement on covered items | {frac(s['agreed'], s['covered'])} |"]
    for o in OUTCOMES:
        r = s["recall"][o]
        out.append(f"| recall, historically {o} | {frac(r['agreed'], r['covered'])} "
                   f"(historical {r['items']}, covered {r['covered']}) |")
    out += [f"| Cohen's kappa | {_cell(_kappa(s))} |",
            f"| basis (tier and chapter) | {frac(s['basis']['agreed'], s['basis']['compared'])} |"]
    for g in s["gates"]:
        out.append(f"| gate {g['gate']} >= {pct(g['threshold'])} | "
                   f"{'passed' if g['passed'] else '**FAILED**'} ({pct(g['value'])}) |")
    out += ["", "Agreement alone misleads: about 90% of IMR items are upheld. Read it with the recall "
                "for each historical outcome and the coverage.", "",
            "| historical \\ draft | " + " | ".join(c.replace("_", " ") for c in COLUMNS) + " |",
            "| --- |" + " ---: |" * len(COLUMNS)]
    out += [f"| {o} | " + " | ".join(str(s["confusion"][o][c]) for c in COLUMNS) + " |" for o in OUTCOMES]
    if s["categories"]:
        out += ["", "### By item category", "",
                "| category | items | coverage | agreement | overturned caught | basis |",
                "| --- | ---: | ---: | ---: | ---: | ---: |"]
        out += [f"| {_cell(c)} | {row['items']} | " + " | ".join(category_cells(row)) + " |"
                for c, row in s["categories"].items()]
    dis = disagreements(doc)
    out += ["", f"### Disagreements ({len(dis)})", ""]
    if dis:
        out += ["| source | item | historical | draft | deciding rules | baseline |",
                "| --- | --- | --- | --- | --- | --- |"]
        out += [f"| `{_cell(i['source'])}` | {_cell(i['item_id'] + ': ' + i['name'])} | {i['expected']} | "
                f"{_cell(drafted(i))} | {_cell(', '.join(i['deciding_rules']))} | {i['baseline'] or ''} |"
                for i in dis]
        evidence = [i for i in dis if i["evidence"]]
        if evidence:
            out += ["", "<details><summary>Evidence of the facts the deciding rules used</summary>", ""]
            for i in evidence:
                out.append(f"- `{_cell(i['source'])}` {_cell(i['item_id'])}:")
                out += [f"  - {_cell(e)}" for e in _evidence(i)]
            out += ["", "</details>"]
    bdis = basis_disagreements(doc)
    if bdis:
        out += ["", f"### Basis disagreements ({len(bdis)})", "", "| source | item | historical | draft |",
                "| --- | --- | --- | --- |"]
        out += [f"| `{_cell(i['source'])}` | {_cell(i['item_id'])} | {_cell(basis_label(i['expected_basis']))} | "
                f"{_cell(basis_label(i['got_basis']))} |" for i in bdis]
    if s["baseline"]:
        bl = s["baseline"]
        out += ["", f"Baseline `{_cell(bl['file'])}`: {bl['accepted']} accepted, {len(bl['new'])} new, "
                    f"{len(bl['fixed'])} fixed, {len(bl['stale'])} stale."]
        out += [f"- fixed (now agrees): `{_cell(e['source'])}` {_cell(e['item_id'])}" for e in bl["fixed"]]
        out += [f"- stale ({_cell(e['reason'])}): `{_cell(e['source'])}` {_cell(e['item_id'])}"
                for e in bl["stale"]]
    out += ["", "<details><summary>Rule firings</summary>", "",
            "| rule | fired | deciding | deciding and disagreeing |", "| --- | ---: | ---: | ---: |"]
    out += [f"| `{r}` | {n['fired']} | {n['deciding']} | {n['deciding_disagreed']} |" for r, n in s["rules"].items()]
    out += ["", "</details>"]
    if s["errors"]:
        out += ["", f"### Files that could not be used ({len(s['errors'])})", ""]
        out += [f"- `{_cell(e['source'])}`: {_cell(e['message'].splitlines()[0])}" for e in s["errors"]]
    return "\n".join(out) + "\n"
