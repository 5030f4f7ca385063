"""Shared fixtures: the bundled rule base, an evaluator, case builders, the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from imr_rules.cases import Case, RequestedItem
from imr_rules.evaluate import Evaluator
from imr_rules.loader import load_rulebase

ROOT = Path(__file__).resolve().parent.parent
HISTORICAL = ROOT / "tests" / "historical"


@pytest.fixture(scope="session")
def rb():
    return load_rulebase()


@pytest.fixture(scope="session")
def evaluator(rb):
    return Evaluator(rb)


def make_case(*items, facts=None, ur_decision="non_certified", **kw) -> Case:
    """A case from item names or (name, facts) pairs."""
    built = []
    for i, item in enumerate(items, 1):
        name, item_facts = (item, {}) if isinstance(item, str) else item
        built.append(RequestedItem(f"item-{i}", name, None, None, None, item_facts))
    return Case(case_id="test", items=tuple(built), facts=facts or {}, ur_decision=ur_decision, **kw)


@pytest.fixture
def rules_copy(tmp_path):
    """A writable copy of the bundled rules and guidelines: (rules_dir, guidelines_dir)."""
    rules = tmp_path / "rules"
    guidelines = tmp_path / "guidelines"
    shutil.copytree(ROOT / "rules", rules)
    shutil.copytree(ROOT / "guidelines", guidelines)
    return rules, guidelines


@pytest.fixture
def cli():
    from imr_rules.cli import app
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(app, [str(a) for a in args], input=input)
    return invoke


def pytest_terminal_summary(terminalreporter, config):
    """The letter importer's field-by-field accuracy on the published letters, when it was measured."""
    from gold import GOLD_REPORT
    figures = config.stash.get(GOLD_REPORT, None)
    if figures:
        terminalreporter.write_sep("-", "letter importer vs tests/historical/real/_gold.yaml (116 published letters)")
        terminalreporter.write_line(figures)
