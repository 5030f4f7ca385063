"""What the letter tests share: the historical letters, the fixture rule base's
fact patterns (importer behaviour must not change when the shipped patterns
grow), and the chapters of its guidelines."""

from __future__ import annotations

from conftest import FIXTURE_RULES, HISTORICAL, ROOT  # noqa: F401
from imr_rules.letters import load_fact_patterns

PATTERNS = load_fact_patterns(FIXTURE_RULES / "fact_patterns.yaml")
CHAPTERS = [("mtus", "Chronic Pain Medical Treatment Guidelines"), ("non_mtus", "Low Back Problems"),
            ("non_mtus", "Neck and Upper Back"), ("non_mtus", "Shoulder (Acute and Chronic)")]
LETTERS = sorted(HISTORICAL.glob("*.txt"))
