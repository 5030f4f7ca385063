"""What the letter tests share: the historical letters, the shipped fact
patterns, and the chapters of the shipped guidelines."""

from __future__ import annotations

from conftest import HISTORICAL, ROOT
from imr_rules.letters import load_fact_patterns

PATTERNS = load_fact_patterns(ROOT / "rules" / "fact_patterns.yaml")
CHAPTERS = [("mtus", "Chronic Pain Medical Treatment Guidelines"), ("non_mtus", "Low Back Problems"),
            ("non_mtus", "Neck and Upper Back"), ("non_mtus", "Shoulder (Acute and Chronic)")]
LETTERS = sorted(HISTORICAL.glob("*.txt"))
