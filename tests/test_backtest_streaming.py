"""Backtest memory does not grow with the corpus: items go to a spool file as they come, the
summary and the baseline check are counted as they come, and reports are written from the spool."""

from __future__ import annotations

import json
import shutil
from xml.etree import ElementTree as ET

from imr_rules.backtest import reports
from imr_rules.backtest.run import Spool, run_backtest
from imr_rules.loader import load_rulebase

from conftest import HISTORICAL


def test_a_spool_gives_back_its_entries_in_key_order():
    spool = Spool(lambda e: (e["s"], e["i"]))
    assert not spool and len(spool) == 0 and list(spool) == []
    for s, i in [("a", 1), ("b", 2), ("b", 3), ("a", 2), ("c", 0)]:     # ("a", 2) comes late
        spool.append({"s": s, "i": i, "text": "é"})
    assert len(spool) == 5 and spool
    assert [(e["s"], e["i"]) for e in spool] == [("a", 1), ("a", 2), ("b", 2), ("b", 3), ("c", 0)]
    assert list(spool) == list(spool)        # read again from the file
    # The json module writes it as the list of its entries.
    assert json.loads(json.dumps({"items": spool})) == {"items": list(spool)}
    assert super(Spool, spool).__len__() == 0   # nothing held in the list itself


def test_a_run_keeps_only_the_disagreements_in_memory(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(HISTORICAL, corpus)
    # Flip one reviewed decision: one disagreement.
    case = next(p for p in sorted(corpus.glob("*.yaml")) if "decision: upheld" in p.read_text())
    case.write_text(case.read_text().replace("decision: upheld", "decision: overturned", 1))
    report = run_backtest([str(corpus)], load_rulebase())
    items = report.document["items"]
    assert isinstance(items, Spool) and len(items) == report.summary["items"] > 1
    assert [r.agree for r in report.records] == [False]
    assert sum(i["agree"] is False for i in items) == 1


def test_streamed_reports_are_the_documents_reports(tmp_path):

    report = run_backtest([str(HISTORICAL)], load_rulebase())
    doc = report.document
    plain = {"summary": {**doc["summary"], "notes": list(doc["summary"]["notes"])}, "items": list(doc["items"])}
    streamed = "".join(reports.to_json(doc))
    assert json.loads(streamed) == plain
    # The summary indented, then one line per item, in the document's order.
    lines = streamed.splitlines()
    assert lines[:2] == ["{", '  "summary": {'] and lines[-2:] == ["  ]", "}"]
    start = lines.index('  "items": [') + 1
    assert [json.loads(line.strip().rstrip(",")) for line in lines[start:-2]] == plain["items"]
    assert len(plain["items"]) > 1 and streamed.endswith("\n")
    junit = "".join(reports.to_junit(doc))
    tree = ET.fromstring(junit.split("\n", 1)[1])
    # One case per item, and one per file that could not be used (the fixture rule base
    # does not know every fact of the newer case files).
    assert len(tree.findall("./testsuite/testcase")) == report.summary["items"] + len(report.errors)
    ET.indent(tree)     # written as ElementTree indents a whole tree, one case at a time
    assert junit == '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(tree, encoding="unicode") + "\n"
