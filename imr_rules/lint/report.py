"""Lint findings for people (text) and machines (JSON, SARIF 2.1.0, JUnit XML)."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from .. import __version__
from ..paths import display_path
from .findings import Finding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: SARIF levels of the lint severities.
SARIF_LEVEL = {"high": "error", "medium": "warning", "low": "note"}


def _where(f: Finding) -> str:
    path = display_path(f.file) or "<rule base>"
    return f"{path}:{f.line}" if f.line else path


#: Validators whose findings text output gathers into one line per group (see :func:`grouped`).
GROUPED = {"pattern-matches-no-letter"}


def to_text(findings: list[Finding]) -> str:
    """``file:line: severity validator-id: message``, one a line, sorted; the findings of
    :data:`GROUPED` validators one line per group (JSON and SARIF keep every finding)."""
    ordered = sorted(grouped(findings), key=lambda f: (display_path(f.file) or "",) + f.sort_key()[1:])
    return "".join(f"{_where(f)}: {f.severity} {f.validator}: {f.message}\n" for f in ordered)


def grouped(findings: list[Finding]) -> list[Finding]:
    """The findings with those of a :data:`GROUPED` validator that share a ``group`` (their data)
    merged into one, at the first one's place: 52 unmatched patterns of four facts read as four
    lines, each naming its patterns."""
    out, groups = [], {}
    for f in findings:
        props = f.properties()
        if f.validator in GROUPED and "group" in props:
            groups.setdefault((f.validator, f.file, props["group"]), []).append(f)
        else:
            out.append(f)
    for (validator, _, group), members in groups.items():
        if len(members) == 1:
            out.append(members[0])
            continue
        members.sort(key=Finding.sort_key)
        head = members[0]
        patterns = ", ".join(f"'{m.properties()['pattern']}' (line {m.line})" for m in members)
        out.append(Finding(validator, head.severity, f"{len(members)} patterns of {group} {head.properties()['what']}:"
                           f" {patterns}", head.file, head.line))
    return out


def to_json(findings: list[Finding]) -> str:
    return json.dumps([{"validator": f.validator, "severity": f.severity, "message": f.message,
                        "file": display_path(f.file), "line": f.line, "data": f.properties()}
                       for f in findings], indent=2) + "\n"


def to_sarif(findings: list[Finding], validators) -> str:
    """A SARIF 2.1.0 log: one run, the validator registry as the tool's rules."""
    ids = [v.id for v in validators]
    rules = [{"id": v.id, "name": v.__name__, "shortDescription": {"text": v.description},
              "defaultConfiguration": {"level": SARIF_LEVEL[v.severity]}} for v in validators]
    results = []
    for f in findings:
        location: dict = {"artifactLocation": {"uri": display_path(f.file) or ""}}
        if f.line:
            location["region"] = {"startLine": f.line}
        result = {"ruleId": f.validator, "level": SARIF_LEVEL[f.severity], "message": {"text": f.message},
                  "locations": [{"physicalLocation": location}]}
        if f.data:
            result["properties"] = f.properties()
        if f.validator in ids:
            result["ruleIndex"] = ids.index(f.validator)
        results.append(result)
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0",
           "runs": [{"tool": {"driver": {"name": "imr-rules lint", "version": __version__, "rules": rules}},
                     "columnKind": "unicodeCodePoints", "results": results}]}
    return json.dumps(log, indent=2) + "\n"


def to_junit(findings: list[Finding], validators) -> str:
    """JUnit XML: one test case per validator, one failure per finding."""
    failing = str(len({f.validator for f in findings}))      # failed test cases, as JUnit counts them
    suite = ET.Element("testsuite", name="imr-rules lint", tests=str(len(validators)), failures=failing,
                       errors="0")
    for v in validators:
        case = ET.SubElement(suite, "testcase", classname="imr-rules.lint", name=v.id)
        for f in findings:
            if f.validator == v.id:
                failure = ET.SubElement(case, "failure", message=f"{_where(f)}: {f.message}", type=f.severity)
                failure.text = f"{_where(f)}: {f.severity} {f.validator}: {f.message}"
    root = ET.Element("testsuites", name="imr-rules", tests=str(len(validators)), failures=failing)
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


RENDERERS = {"text": lambda f, v: to_text(f), "json": lambda f, v: to_json(f), "sarif": to_sarif,
             "junit": to_junit}
