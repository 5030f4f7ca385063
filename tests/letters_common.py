"""What the letter tests share: the historical letters and the shipped fact patterns."""

from __future__ import annotations

from conftest import HISTORICAL, ROOT
from imr_rules.letters import load_fact_patterns

PATTERNS = load_fact_patterns(ROOT / "rules" / "fact_patterns.yaml")
LETTERS = sorted(HISTORICAL.glob("*.txt"))
