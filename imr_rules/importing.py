"""Letters as cases: import a determination letter with the rule base's fact patterns."""

from __future__ import annotations

from pathlib import Path

from .cases import Case, case_from_document
from .errors import InputError
from .model import RuleBase
from .yamlio import Document


def letter_case_dict(path: str | Path, rb: RuleBase) -> dict:
    """The case-file dict of a determination letter (see ``imr-rules import-letter``)."""
    from .letters import import_letter_file
    if not rb.fact_patterns_file:
        raise InputError("the rules folder has no fact_patterns.yaml", rb.rules_dir,
                         hint="letters need fact patterns to find the record's facts")
    patterns = _patterns(rb.fact_patterns_file)
    return import_letter_file(path, patterns=patterns, chapters=rb.chapters())


_cache: dict[str, object] = {}


def _patterns(path: str):
    # Fact patterns are compiled once per file per process (a backtest imports
    # thousands of letters with the same patterns).
    if path not in _cache:
        from .letters import load_fact_patterns
        _cache[path] = load_fact_patterns(path)
    return _cache[path]


def case_from_letter(path: str | Path, rb: RuleBase) -> Case:
    """A determination letter as a validated :class:`Case`, in memory."""
    return case_from_document(Document(letter_case_dict(path, rb), str(path), {}), rb)
