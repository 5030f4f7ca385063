"""The tests pin their own rule base (tests/fixtures/rulebase), not the shipped one.

The shipped rules/ and guidelines/ grow with every new topic; a test that
pinned what they decide today would break on every addition."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURE_GUIDELINES, FIXTURE_RULES, ROOT
from imr_rules.loader import load_rulebase


def test_the_default_rule_base_in_tests_is_the_fixture(rb, cli):
    loaded = load_rulebase()
    assert Path(loaded.rules_dir) == FIXTURE_RULES and Path(loaded.guidelines_dir) == FIXTURE_GUIDELINES
    assert Path(rb.rules_dir) == FIXTURE_RULES
    result = cli("validate")
    assert result.exit_code == 0 and rb.fingerprint in result.stdout


@pytest.mark.shipped
def test_shipped_tests_read_the_shipped_rule_base(shipped_rb):
    assert Path(load_rulebase().rules_dir).resolve() == (ROOT / "rules").resolve()
    assert Path(shipped_rb.rules_dir) == ROOT / "rules"

