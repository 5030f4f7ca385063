"""The rule base and the one thread that uses the engine.

durable_rules is not known to be thread-safe, and :class:`~imr_rules.engine.Engine`
reuses one session id and two result lists per instance: two evaluations at
once on one engine would mix their results. So every piece of work that
touches the engine (and, for simplicity, the parsing around it) runs on a
single worker thread, one job after another; the event loop only waits for
it. The queue in front of that thread is bounded: past ``max_pending`` jobs a
request is refused with 503 at once instead of piling up
(tests/test_serve_api.py proves concurrent requests get the single-threaded
results).
"""

from __future__ import annotations

import asyncio
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from ..cases import Case, case_from_document
from ..errors import InputError
from ..evaluate import Evaluator
from ..explain import explain_case
from ..fastcheck import plainly_valid_case
from ..model import RuleBase
from ..rationale import findings
from ..yamlio import Document, decode_text, parse_document


class Busy(Exception):
    """Too many jobs are waiting for the engine thread."""


class Workbench:
    """One loaded rule base, evaluated on one thread."""

    def __init__(self, rb: RuleBase, max_pending: int = 64):
        self.rb = rb
        self._slots = threading.BoundedSemaphore(max_pending)
        self._executor = None
        self.start()
        # Built on the engine thread, like everything that uses it afterwards.
        self.evaluator: Evaluator = self._executor.submit(Evaluator, rb).result()

    def start(self) -> None:
        """Start the engine thread (again, after :meth:`close`: an app may be started more than once)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="imr-engine")

    async def run(self, fn: Callable[..., Any], *args) -> Any:
        """``fn(*args)`` on the engine thread; :class:`Busy` when the queue is full."""
        if not self._slots.acquire(blocking=False):
            raise Busy()
        try:
            if self._executor is None:
                raise RuntimeError("stopped")
            future = self._executor.submit(fn, *args)
        except RuntimeError:            # shutting down
            self._slots.release()
            raise Busy() from None
        # The slot is freed when the job ends, even if the client has gone.
        future.add_done_callback(lambda _f: self._slots.release())
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        """Finish the jobs already queued, then stop the thread (graceful shutdown).

        A thread replaces it only after it has ended, so the engine is never used by two at once."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    # Everything below runs on the engine thread (through run()).

    def case(self, data: dict, source: str) -> Case:
        """A case dict checked like a case file (schema, fact catalog)."""
        return case_from_document(Document(data, source, {}), self.rb)

    def evaluate_bytes(self, body: bytes, source: str) -> dict:
        """The JSON contract's result for a request body holding a case."""
        return self.evaluator.evaluate(case_from_bytes(body, source, self.rb))

    def review(self, data: dict, source: str) -> dict:
        """What the review page shows: the result, the findings and the explain trace per item."""
        case = self.case(data, source)
        decisions = self.evaluator.decide(case)
        return {"result": self.evaluator.evaluate(case),
                "findings": {d.item.id: findings(self.rb, d) for d in decisions},
                "explain": {t["item_id"]: t for t in explain_case(self.rb, case, evaluator=self.evaluator)}}

    def letter(self, data: bytes, filename: str) -> tuple[dict, str]:
        """An uploaded letter: its case dict and its normalized text (evidence offsets point into it)."""
        from ..importing import letter_case_and_text
        from ..letters import normalize
        case, text = letter_case_and_text(data, filename, self.rb)
        return case, normalize(text)


def case_from_bytes(body: bytes, source: str, rb: RuleBase) -> Case:
    """A request body or uploaded file (JSON or YAML) as a checked :class:`Case`.

    JSON is read with ``json`` first (fast); when that fails or the case is
    invalid, the text is parsed as YAML (JSON is YAML), which knows the line
    of every value, so the error says where, exactly as the CLI says it.
    """
    doc = case_document(body, source)
    try:
        return case_from_document(doc, rb)
    except InputError:
        if doc.lines:
            raise
    # Plainly valid JSON that the fact catalog refuses: again with lines, for the message.
    return case_from_document(parse_document(decode_text(body, source, "request body"), source), rb)


def case_document(body: bytes, source: str) -> Document:
    """A request body as a case document: line numbers only when it needs them (see case_from_bytes)."""
    text = decode_text(body, source, "request body")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if data is not None and plainly_valid_case(data):
        return Document(data, source, {})
    doc = parse_document(text, source)
    if not isinstance(doc.data, dict):
        raise doc.error("a case must be a mapping with case_id and items",
                        hint="see `imr-rules schema case` or the README's case format")
    return doc
