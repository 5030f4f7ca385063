"""Lint findings and the validator base class (in the manner of pySigma's validators)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ..model import Rule, RuleBase

#: Severities, least severe first (``--fail-on`` compares by this order).
SEVERITIES = ("low", "medium", "high")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Finding:
    """One problem a validator found, with where it is (file:line)."""

    validator: str
    severity: str
    message: str
    file: str | None = None
    line: int | None = None

    def sort_key(self) -> tuple:
        return (self.file or "", self.line or 0, -severity_rank(self.severity), self.validator, self.message)


@dataclass(frozen=True)
class LintOptions:
    """What some validators need beyond the rule base."""

    historical: tuple[Path, ...] = field(default=())     # folders/files of historical letters
    fact_patterns: Any = None                             # imr_rules.letters.FactPatterns, or None


class Validator:
    """A lint check. Subclasses set ``id``, ``severity`` and ``description``.

    ``validate(rule)`` is called once per rule (every status), ``finalize(rb)``
    once with the whole rule base, for checks across rules.
    """

    id: ClassVar[str] = ""
    severity: ClassVar[str] = "medium"
    description: ClassVar[str] = ""

    def __init__(self, options: LintOptions | None = None):
        self.options = options or LintOptions()

    def validate(self, rule: Rule) -> list[Finding]:
        return []

    def finalize(self, rb: RuleBase) -> list[Finding]:
        return []

    def finding(self, message: str, where=None, severity: str | None = None) -> Finding:
        """A finding of this validator at ``where`` (a :class:`~imr_rules.model.Where` or None)."""
        return Finding(self.id, severity or self.severity, message,
                       where.file if where is not None else None, where.line if where is not None else None)
