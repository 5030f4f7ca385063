"""``imr-rules lint``: checks of a rule base beyond what loading it checks.

Loading (:func:`imr_rules.loader.load_rulebase`) validates schemas, types and
references and refuses a broken rule base. Lint then runs every validator of
the registry (:data:`validators.VALIDATORS`) over the loaded rule base:
logic (conflicts, gaps, shadowed rules), quotations, usage, regular
expressions. Validators are small classes in the manner of pySigma's.
"""

from __future__ import annotations

from pathlib import Path

from ..model import RuleBase
from .findings import SEVERITIES, Finding, LintOptions, Validator, severity_rank
from .validators import VALIDATORS

__all__ = ["Finding", "SEVERITIES", "VALIDATORS", "Validator", "at_least", "lint", "reaches", "default_historical"]


def lint(rb: RuleBase, historical: list[Path] | None = None, validators=VALIDATORS) -> list[Finding]:
    """Every finding of every validator on ``rb``, sorted by file, line and severity.

    ``historical``: folders or files of historical letters for the fact-pattern check.
    Raises InputError when the rule base's fact pattern file does not load.
    """
    from ..importing import fact_patterns
    options = LintOptions(historical=tuple(historical or ()), fact_patterns=fact_patterns(rb))
    instances = [cls(options) for cls in validators]
    found: list[Finding] = []
    for rule in rb.rules:
        for v in instances:
            found.extend(v.validate(rule))
    for v in instances:
        found.extend(v.finalize(rb))
    return sorted(set(found), key=Finding.sort_key)


def at_least(findings: list[Finding], severity: str) -> list[Finding]:
    """The findings at least as severe as ``severity`` (what ``--min-severity`` shows)."""
    return [f for f in findings if severity_rank(f.severity) >= severity_rank(severity)]


def reaches(findings: list[Finding], fail_on: str) -> bool:
    """Whether any finding is at least as severe as ``fail_on``."""
    return any(severity_rank(f.severity) >= severity_rank(fail_on) for f in findings)


def default_historical(rb: RuleBase) -> list[Path]:
    """``tests/historical`` beside the rules folder, when there is one (a source checkout)."""
    folder = Path(rb.rules_dir).resolve().parent / "tests" / "historical"
    return [folder] if folder.is_dir() else []
