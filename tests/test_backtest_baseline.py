"""The reviewed baseline of the historical backtest: every accepted disagreement says why."""

from __future__ import annotations

import pytest
import yaml

from conftest import HISTORICAL

BASELINE = HISTORICAL / "_baseline.yaml"


def test_every_accepted_disagreement_has_a_one_line_reason():
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    assert data["version"] == 1
    for entry in data["disagreements"]:
        reason = entry.get("reason")
        assert isinstance(reason, str) and reason.strip() and "\n" not in reason.strip(), entry
        assert (HISTORICAL.parent.parent / entry["source"]).is_file(), entry["source"]


@pytest.mark.shipped
def test_the_baseline_lists_exactly_todays_disagreements(cli):
    """`make test` accepts only these; an entry the rule base now agrees on is removed, a new one reviewed."""
    import json
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        result = cli("backtest", HISTORICAL, "--baseline", BASELINE, "--json", report, "--jobs", "1",
                     "--rules", HISTORICAL.parent.parent / "rules",
                     "--guidelines", HISTORICAL.parent.parent / "guidelines")
        assert result.exit_code in (0, 1), result.output
        baseline = json.loads(report.read_text())["summary"]["baseline"]
    assert baseline["new"] == [] and baseline["fixed"] == [] and baseline["stale"] == [], baseline
