"""A review in progress: the case as started, the reviewer's answers, and where each fact came from.

A review starts from a case dict (typed items, an uploaded letter or case
file). The reviewer's answers are kept apart from it, per item, so that the
exported case says which facts the reviewer gave and which a document
stated. Reviews live in memory only, in a bounded store that forgets the
oldest: the server writes no case to disk.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from .questions import json_value

REVIEWER = "reviewer"


@dataclass
class Review:
    id: str
    base: dict                                  # the case as started; every item has an id
    document: str | None = None                 # a letter's normalized text (evidence offsets point into it)
    document_name: str | None = None
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)   # item id -> fact -> value (None: unknown)

    def answer(self, item_id: str, fact: str, value: Any) -> None:
        self.answers.setdefault(item_id, {})[fact] = value

    def case(self) -> dict:
        """The case with the answers as item facts, each with ``source: reviewer`` evidence."""
        return with_answers(self.base, self.answers)


def with_ids(case: dict) -> dict:
    """``case`` with every item given its default id (item-1, item-2...) where it has none."""
    case = copy.deepcopy(case)
    for i, item in enumerate(case.get("items") or [], 1):
        if isinstance(item, dict) and not item.get("id"):
            item["id"] = f"item-{i}"
    return case


def with_answers(base: dict, answers: dict[str, dict[str, Any]]) -> dict:
    """``base`` with the reviewer's answers as the answering item's own facts.

    An answer about a fact the case states for every item stays the answering
    item's: the case-level fact moves down to the other items first, with its
    evidence, so "unknown" for one item does not erase it for the others.
    """
    case = copy.deepcopy(base)
    facts = case.get("facts") or {}
    evidence = case.get("evidence") or {}
    answered = {f for per_item in answers.values() for f in per_item}
    for fact in sorted(answered & set(facts)):
        value, found = facts.pop(fact), evidence.pop(fact, None)
        for item in case["items"]:
            own = item.setdefault("facts", {})
            if fact not in own:
                own[fact] = value
                if found is not None:
                    item.setdefault("evidence", {})[fact] = dict(found)
    for item in case["items"]:
        for fact, value in answers.get(item["id"], {}).items():
            own, found = item.setdefault("facts", {}), item.setdefault("evidence", {})
            if value is None:
                own.pop(fact, None)
                found.pop(fact, None)
            else:
                own[fact] = json_value(value)
                found[fact] = {"value": json_value(value), "source": REVIEWER}
        for key in ("facts", "evidence"):
            if key in item and not item[key]:
                del item[key]
    for key, value in (("facts", facts), ("evidence", evidence)):
        if value:
            case[key] = value
        else:
            case.pop(key, None)
    return case


@dataclass(frozen=True)
class Provenance:
    """Where an item's fact came from, for the page and the exports."""

    kind: str                    # reviewer | letter | case
    quote: str | None = None
    start: int | None = None
    end: int | None = None

    def words(self) -> str:
        if self.kind == REVIEWER:
            return "answered by reviewer"
        if self.kind == "letter" and self.start is not None:
            return f"from letter, characters {self.start}-{self.end}"
        if self.quote:
            return "from the case file's evidence"
        return "stated in the case"


def item_facts(case: dict, item: dict) -> dict[str, tuple[Any, Provenance]]:
    """Fact -> (value, provenance) for one item of an effective case (item facts over case facts)."""
    out = {}
    for facts, evidence in ((case.get("facts") or {}, case.get("evidence") or {}),
                            (item.get("facts") or {}, item.get("evidence") or {})):
        for fact, value in facts.items():
            if value is None:
                continue
            found = evidence.get(fact) or {}
            if found.get("source") == REVIEWER:
                where = Provenance(REVIEWER)
            elif found.get("quote") is not None:
                where = Provenance("letter" if "start" in found else "case", found["quote"],
                                   found.get("start"), found.get("end"))
            else:
                where = Provenance("case")
            out[fact] = (value, where)
    return out


def highlights(case: dict, document: str) -> list[tuple[int, str, list[str] | None]]:
    """The document cut into (offset, text, facts) segments; facts is None outside evidence.

    Only spans whose quote is exactly ``document[start:end]`` are marked, so a
    case whose offsets do not belong to this text never marks the wrong words.
    Overlapping spans are merged.
    """
    spans: dict[tuple[int, int], list[str]] = {}
    sources = [case.get("evidence") or {}] + [i.get("evidence") or {} for i in case.get("items") or []]
    for evidence in sources:
        for fact, found in evidence.items():
            start, end = found.get("start"), found.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(document) \
                    and document[start:end] == found.get("quote"):
                facts = spans.setdefault((start, end), [])
                if fact not in facts:
                    facts.append(fact)
    merged: list[list] = []
    for (start, end), facts in sorted(spans.items()):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            last[2] += [f for f in facts if f not in last[2]]
        else:
            merged.append([start, end, list(facts)])
    out, pos = [], 0
    for start, end, facts in merged:
        if start > pos:
            out.append((pos, document[pos:start], None))
        out.append((start, document[start:end], facts))
        pos = end
    if pos < len(document):
        out.append((pos, document[pos:], None))
    return out


class ReviewStore:
    """Reviews by id, in memory, at most ``limit`` of them and none older than ``ttl`` seconds."""

    def __init__(self, limit: int = 500, ttl: float = 12 * 3600):
        self.limit, self.ttl = limit, ttl
        self._reviews: OrderedDict[str, tuple[float, Review]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, base: dict, document: str | None = None, document_name: str | None = None) -> Review:
        # 128 random bits: a review's address is its only key.
        review = Review(secrets.token_urlsafe(16), with_ids(base), document, document_name)
        with self._lock:
            self._expire()
            self._reviews[review.id] = (time.monotonic(), review)
            while len(self._reviews) > self.limit:
                self._reviews.popitem(last=False)
        return review

    def get(self, review_id: str) -> Review | None:
        with self._lock:
            self._expire()
            found = self._reviews.get(review_id)
            if found is None:
                return None
            self._reviews[review_id] = (time.monotonic(), found[1])
            self._reviews.move_to_end(review_id)
            return found[1]

    def _expire(self) -> None:
        cutoff = time.monotonic() - self.ttl
        while self._reviews:
            oldest = next(iter(self._reviews))
            if self._reviews[oldest][0] >= cutoff:
                break
            del self._reviews[oldest]
