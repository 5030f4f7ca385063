"""What the letter tests share: the historical letters and the fixture rule base's
fact patterns (importer behaviour must not change when the shipped patterns
grow)."""

from __future__ import annotations

from conftest import FIXTURE_RULES, HISTORICAL, ROOT  # noqa: F401
from imr_rules.letters import load_fact_patterns

PATTERNS = load_fact_patterns(FIXTURE_RULES / "fact_patterns.yaml")
LETTERS = sorted(HISTORICAL.glob("*.txt"))
