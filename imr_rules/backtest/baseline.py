"""Baselines: disagreements that are known and accepted, so that only new ones fail CI.

A baseline lists disagreements by ``source`` (the path as reports show it),
``item_id``, ``expected`` and ``got``, each with an optional one-line
``reason`` (why the rule base disagrees, written by the person who reviewed
it; refreshing a baseline with ``--baseline OLD --write-baseline NEW`` keeps
the reasons of the entries still there). Against a baseline every current
disagreement is *accepted* (listed) or *new*; every listed disagreement that
no longer occurs is *fixed* (the draft now agrees) or *stale* (the item is
not decided any more, or was not in this run). Both are reported so that the
baseline can be refreshed with ``--write-baseline``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..yamlio import load_document
from .metrics import OUTCOMES

Key = tuple[str, str, str, str]            # source, item_id, expected, got
FIELDS = ("source", "item_id", "expected", "got")
VERSION = 1
HEADER = ("# Known disagreements of `imr-rules backtest`, accepted by --baseline.\n"
          "# Written by --write-baseline; remove an entry once the rule base agrees again.\n")


def key(record) -> Key:
    return (record.source, record.item_id, record.expected, record.got)


def baseline_text(records, path: str, reasons: dict | None = None) -> str:
    """The current disagreements as a baseline file: YAML for .yaml/.yml, else JSON; sorted.

    ``reasons``: the reasons of a baseline being refreshed, kept for entries still there."""
    reasons = reasons or {}
    entries = [dict(zip(FIELDS, k)) | {"reason": reasons.get(k)}
               for k in sorted(key(r) for r in records if r.agree is False)]
    data = {"version": VERSION, "disagreements": entries}
    if Path(path).suffix.lower() in (".yaml", ".yml"):
        return HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def load_baseline(path: str) -> set[Key]:
    """The disagreements a baseline file accepts (YAML or JSON), with file:line errors."""
    return load_baseline_with_reasons(path)[0]


def load_baseline_with_reasons(path: str) -> tuple[set[Key], dict[Key, str]]:
    """The disagreements a baseline accepts, and the reason given for each (where one is)."""
    doc = load_document(path, "baseline file")
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("disagreements"), list):
        raise doc.error("a baseline must be a mapping with a 'disagreements' list",
                        hint="write one with `imr-rules backtest ... --write-baseline FILE`")
    if data.get("version", VERSION) != VERSION:
        raise doc.error(f"unsupported baseline version {data.get('version')!r}", ("version",),
                        hint=f"this imr-rules writes version {VERSION}; regenerate with --write-baseline")
    keys: set[Key] = set()
    reasons: dict[Key, str] = {}
    for i, entry in enumerate(data["disagreements"]):
        where = ("disagreements", i)
        if not isinstance(entry, dict) or not all(isinstance(entry.get(f), str) for f in FIELDS):
            raise doc.error(f"each disagreement needs {', '.join(FIELDS)} as strings", where)
        for f in ("expected", "got"):
            if entry[f] not in OUTCOMES:
                raise doc.error(f"{f} must be upheld or overturned, not {entry[f]!r}", where + (f,))
        reason = entry.get("reason")
        if reason is not None and (not isinstance(reason, str) or "\n" in reason.strip()):
            raise doc.error("a reason must be one line of text", where + ("reason",),
                            hint="say in one line why the rule base disagrees with the reviewer")
        k = tuple(entry[f] for f in FIELDS)
        keys.add(k)
        if reason:
            reasons[k] = reason.strip()
    return keys, reasons


@dataclass
class BaselineCheck:
    file: str
    accepted: list[Key] = field(default_factory=list)
    new: list[Key] = field(default_factory=list)
    fixed: list[Key] = field(default_factory=list)
    stale: list[tuple[Key, str]] = field(default_factory=list)    # with the reason


class Checker:
    """:func:`check`, one record at a time: it keeps only the records the baseline names."""

    def __init__(self, accepted_keys: set[Key], file: str):
        self.keys, self.result = accepted_keys, BaselineCheck(file)
        self.named = {k[:2] for k in accepted_keys}
        self.current: dict = {}

    def add(self, r) -> None:
        if r.agree is False:
            (self.result.accepted if key(r) in self.keys else self.result.new).append(key(r))
        if (r.source, r.item_id) in self.named:
            self.current[(r.source, r.item_id)] = r

    def done(self) -> BaselineCheck:
        return _settle(self.result, self.current, self.keys)


def check(records, accepted_keys: set[Key], file: str) -> BaselineCheck:
    """Sort the current disagreements and the baseline's entries into accepted/new/fixed/stale."""
    checker = Checker(accepted_keys, file)
    for r in records:
        checker.add(r)
    return checker.done()


def _settle(result: BaselineCheck, current: dict, accepted_keys: set[Key]) -> BaselineCheck:
    for k in sorted(accepted_keys):
        r = current.get(k[:2])
        if r is None:
            result.stale.append((k, "not in this run"))
        elif r.agree is True:
            result.fixed.append(k)
        elif not r.covered:
            result.stale.append((k, f"not decided any more ({r.determination})"))
        elif r.expected != k[2]:
            # The history itself changed (a corrected case file): not the same disagreement.
            result.stale.append((k, f"the historical decision is now {r.expected}"))
    result.accepted.sort()
    result.new.sort()
    return result


def as_dict(b: BaselineCheck) -> dict:
    entry = lambda k: dict(zip(FIELDS, k))   # noqa: E731
    return {"file": b.file, "accepted": len(b.accepted), "new": [entry(k) for k in b.new],
            "fixed": [entry(k) for k in b.fixed],
            "stale": [{**entry(k), "reason": why} for k, why in b.stale]}
