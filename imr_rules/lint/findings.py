"""Lint findings and the validator base class (in the manner of pySigma's validators)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ..model import Rule, RuleBase

#: Severities, least severe first (``--fail-on`` compares by this order).
SEVERITIES = ("low", "medium", "high")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


class Pairs(tuple):
    """Ordered (name, value) pairs that JSON writes as an object (e.g. a witness's facts)."""


@dataclass(frozen=True)
class Finding:
    """One problem a validator found, with where it is (file:line).

    ``data``: what the finding is about, for machines: (key, value) pairs
    whose values are text, numbers, booleans, None, tuples of them, or
    :class:`Pairs`. JSON and SARIF write it (``data``, ``properties``)."""

    validator: str
    severity: str
    message: str
    file: str | None = None
    line: int | None = None
    data: tuple = ()

    def sort_key(self) -> tuple:
        return (self.file or "", self.line or 0, -severity_rank(self.severity), self.validator, self.message)

    def properties(self) -> dict:
        return {key: _plain(value) for key, value in self.data}


def _plain(value: Any) -> Any:
    if isinstance(value, Pairs):
        return {k: _plain(v) for k, v in value}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


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

    def finding(self, message: str, where=None, severity: str | None = None, **data) -> Finding:
        """A finding of this validator at ``where`` (a :class:`~imr_rules.model.Where` or None),
        with ``data`` as its structured data (see :class:`Finding`)."""
        return Finding(self.id, severity or self.severity, message,
                       where.file if where is not None else None, where.line if where is not None else None,
                       tuple(data.items()))
