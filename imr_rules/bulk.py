"""``evaluate --jsonl``: one result (or error record) per input line, in this process or in workers.

With ``jobs`` above 1, lines go to worker processes in chunks of CHUNK and
the results come back in input order (``imap``), so the output is the same
bytes for any ``jobs``. Each worker loads the rule base the user named and
keeps one Evaluator. Workers are started with "spawn", as the backtest's
are (a forked child would inherit the parent's engine state). An input that
ends within its first chunk is evaluated here: starting workers would cost
more than it saves.

Memory stays flat: at most a few chunks per worker are in flight.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
from typing import Iterable, Iterator

from .errors import InputError
from .evaluate import Evaluator, bulk
from .inputs import jsonl_case, jsonl_records
from .model import RuleBase
from .render import to_json

#: Lines per chunk sent to a worker: large enough that the round trip is a
#: small share of the work, small enough to keep every worker busy.
CHUNK = 256

#: A line's result: (the output line without its newline, the message for stderr or None).
Result = tuple[str, "str | None"]


def error_record(error: InputError, source: str, line: int) -> Result:
    """The output line and the stderr message of a line that is not a valid case."""
    return to_json({"error": error.message, "source": source, "line": line}, None), str(error)


def _results(records: Iterable[tuple[str, int, bytes | InputError]], rb: RuleBase,
             evaluator: Evaluator) -> Iterator[Result]:
    for source, n, raw in records:
        case = raw if isinstance(raw, InputError) else jsonl_case(raw, source, n, rb)
        if isinstance(case, InputError):
            yield error_record(case, source, n)
        else:
            yield evaluator.evaluate_json(case), None


def evaluate_lines(paths: list[str], rb: RuleBase, evaluator: Evaluator, jobs: int = 1,
                   rules_dir: str | None = None, guidelines_dir: str | None = None) -> Iterator[Result]:
    """The result of every non-blank input line, in input order.

    ``rules_dir``/``guidelines_dir`` are what the user gave (None: bundled), so
    that every worker loads exactly the rule base ``rb`` was loaded from.
    """
    records = jsonl_records(paths)
    with bulk():
        first = list(itertools.islice(records, CHUNK))
        if jobs <= 1 or len(first) < CHUNK:
            yield from _results(itertools.chain(first, records), rb, evaluator)
            return
        # Read errors (a file that cannot be opened, an over-long line) are
        # InputErrors, formatted here: only bytes and strings cross to a worker.
        chunks = (_portable(chunk) for chunk in _chunked(itertools.chain(first, records)))
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(jobs, initializer=_init_worker, initargs=(rules_dir, guidelines_dir)) as pool:
            for results in pool.imap(_run, chunks):
                yield from results


def _chunked(records: Iterator) -> Iterator[list]:
    while chunk := list(itertools.islice(records, CHUNK)):
        yield chunk


def _portable(chunk: list) -> list:
    return [(s, n, error_record(raw, s, n) if isinstance(raw, InputError) else raw) for s, n, raw in chunk]


_worker: dict = {}


def _init_worker(rules_dir: str | None, guidelines_dir: str | None) -> None:
    # An initializer that raises makes the pool restart workers forever, so a
    # failure is kept and reported for every line instead.
    try:
        from .loader import load_rulebase
        rb = load_rulebase(rules_dir, guidelines_dir)
        _worker["rb"], _worker["evaluator"] = rb, Evaluator(rb)
        # The worker lives for the run: what bulk() does for the parent's loop.
        gc.collect()
        gc.freeze()
        gc.disable()
    except Exception as exc:   # noqa: BLE001
        _worker["error"] = f"worker could not load the rule base: {exc}"


def _run(chunk: list) -> list[Result]:
    out: list[Result] = []
    for source, n, raw in chunk:
        if isinstance(raw, tuple):          # a read error, formatted by the parent
            out.append(raw)
        elif "error" in _worker:
            out.append(error_record(InputError(_worker["error"], source, n), source, n))
        else:
            out.extend(_results([(source, n, raw)], _worker["rb"], _worker["evaluator"]))
    return out
