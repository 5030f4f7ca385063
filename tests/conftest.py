"""Shared fixtures: the fixture rule base, an evaluator, case builders, the CLI.

Tests run against ``tests/fixtures/rulebase/`` (a frozen copy of the rule base
as it was when these tests were written), never against the shipped
``rules/`` and ``guidelines/``: those grow (new topics, facts, rules), and a
test that pins what an item decides, which rules apply or how many findings
lint reports would break every time they do. Every load of the default rule
base inside the test process (``load_rulebase()``, the CLI without
``--rules``) reads the fixture.

Only tests marked ``@pytest.mark.shipped`` read the shipped rule base: the
seeds and the historical letters, which must always reproduce, and content
invariants (fidelity of the excerpts) that hold whatever the rules say.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from imr_rules.cases import Case, RequestedItem
from imr_rules.evaluate import Evaluator
from imr_rules.loader import load_rulebase

# The suite's rule base cache (see imr_rules/rulebase_cache.py) is its own, not
# the user's; child processes inherit it. Removed when the run ends.
os.environ["IMR_RULES_CACHE"] = tempfile.mkdtemp(prefix="imr-rules-test-cache-")
atexit.register(shutil.rmtree, os.environ["IMR_RULES_CACHE"], ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent
HISTORICAL = ROOT / "tests" / "historical"
#: A folder holding rules/ and guidelines/: the rule base the tests pin.
FIXTURE = ROOT / "tests" / "fixtures" / "rulebase"
FIXTURE_RULES = FIXTURE / "rules"
FIXTURE_GUIDELINES = FIXTURE / "guidelines"


def pytest_configure(config):
    config.addinivalue_line("markers", "shipped: reads the shipped rules/ and guidelines/ instead of the fixture")


@pytest.fixture(autouse=True)
def _fixture_rule_base_by_default(request, monkeypatch):
    """The default rule base is the fixture's, unless the test is marked ``shipped``."""
    if request.node.get_closest_marker("shipped"):
        return
    import imr_rules.loader
    from imr_rules.resources import bundled
    folders = {"rules": FIXTURE_RULES, "guidelines": FIXTURE_GUIDELINES}
    monkeypatch.setattr(imr_rules.loader, "bundled", lambda name: folders.get(name) or bundled(name))


@pytest.fixture(scope="session")
def rb():
    return load_rulebase(FIXTURE_RULES, FIXTURE_GUIDELINES)


@pytest.fixture(scope="session")
def evaluator(rb):
    return Evaluator(rb)


@pytest.fixture(scope="session")
def shipped_rb():
    return load_rulebase(ROOT / "rules", ROOT / "guidelines")


def make_case(*items, facts=None, ur_decision="non_certified", **kw) -> Case:
    """A case from item names or (name, facts) pairs."""
    built = []
    for i, item in enumerate(items, 1):
        name, item_facts = (item, {}) if isinstance(item, str) else item
        built.append(RequestedItem(f"item-{i}", name, None, None, None, item_facts))
    return Case(case_id="test", items=tuple(built), facts=facts or {}, ur_decision=ur_decision, **kw)


@pytest.fixture
def rules_copy(tmp_path):
    """A writable copy of the fixture rules and guidelines: (rules_dir, guidelines_dir)."""
    rules = tmp_path / "rules"
    guidelines = tmp_path / "guidelines"
    shutil.copytree(FIXTURE_RULES, rules)
    shutil.copytree(FIXTURE_GUIDELINES, guidelines)
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
