"""Loading and deciding historical cases, in this process or in a pool of workers.

Memory stays flat in the number of files: paths go out to the workers a chunk
at a time (``imap``), each worker keeps one rule base and one Evaluator, and
only the small comparison records come back. No case, draft or letter text
is ever held for more than the file being processed.

Workers are started with "spawn" on every platform: a forked child would
inherit the parent's durable_rules engine state, and spawn behaves the same
on Linux, macOS and Windows. ``imap`` returns results in job order, and the
reports sort everything anyway, so results are identical for any ``--jobs``.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass, replace
from typing import Iterable, Iterator

from ..errors import InputError
from ..evaluate import Evaluator
from ..inputs import load_any
from .compare import ItemRecord, compare_case, historical_items
from ..historical import Job, Note


@dataclass(frozen=True)
class FileOutcome:
    """What one job produced: item records, notes about files not used, or an error."""

    source: str
    records: tuple[ItemRecord, ...] = ()
    notes: tuple[Note, ...] = ()
    error: str | None = None           # for people: file:line, what, hint


def process(job: Job, evaluator: Evaluator) -> FileOutcome:
    """Load one historical case (or its letter) and compare its items; never raises."""
    outcome = _process(job, evaluator)
    # The walker's notes on the job's files (a further letter of the same case).
    return replace(outcome, notes=job.notes + outcome.notes) if job.notes else outcome


def _process(job: Job, evaluator: Evaluator) -> FileOutcome:
    try:
        case = load_any(job.path, evaluator.rb)
    except Exception as exc:   # noqa: BLE001 - one bad file must not stop the corpus
        return FileOutcome(job.path, error=describe(exc, job.path))
    source, notes = job.path, []
    if not historical_items(case) and job.fallback:
        try:
            letter_case = load_any(job.fallback, evaluator.rb)
        except Exception as exc:   # noqa: BLE001
            return FileOutcome(job.fallback, error=describe(exc, job.fallback))
        if historical_items(letter_case):
            case, source = letter_case, job.fallback
            notes.append(Note(job.path, f"no history: its letter {job.fallback} is used instead", "letter_used"))
    elif job.fallback:
        notes.append(Note(job.fallback, f"letter not used: the case file {job.path} holds its history",
                          "letter_not_used"))
    if not historical_items(case):
        also = f" (nor has its letter {job.fallback})" if job.fallback else ""
        return FileOutcome(job.path, notes=(Note(job.path, f"skipped: no history{also}"),))
    try:
        records = compare_case(evaluator, case, source)
    except Exception as exc:   # noqa: BLE001
        return FileOutcome(source, error=describe(exc, source))
    return FileOutcome(source, records=tuple(records), notes=tuple(notes))


def describe(exc: Exception, path: str) -> str:
    """An error message for people, also for failures that are not input errors."""
    if isinstance(exc, InputError):
        return str(exc)
    if isinstance(exc, ModuleNotFoundError) and (exc.name or "").startswith("imr_rules.letters"):
        return str(InputError("cannot read determination letters: the letter importer (imr_rules.letters) "
                              "is not installed", path, hint="use the case file imported from the letter"))
    # Not the file's fault as far as anyone knows: say so rather than blame it.
    return str(InputError(f"unexpected {type(exc).__name__} while processing: {exc}", path,
                          hint="this is a bug in imr-rules; please report it with this file"))


# --- the pool ---------------------------------------------------------------

_worker: dict = {}


def _init_worker(rules_dir: str | None, guidelines_dir: str | None) -> None:
    # An initializer that raises makes the pool restart workers forever, so a
    # failure is kept and reported for every job instead.
    try:
        from ..loader import load_rulebase
        _worker["evaluator"] = Evaluator(load_rulebase(rules_dir, guidelines_dir))
    except Exception as exc:   # noqa: BLE001
        _worker["error"] = f"worker could not load the rule base: {exc}"


def _run(job: Job) -> FileOutcome:
    if "error" in _worker:
        return FileOutcome(job.path, error=str(InputError(_worker["error"], job.path)))
    return process(job, _worker["evaluator"])


def outcomes(jobs: Iterable[Job], count: int, rb, rules_dir: str | None, guidelines_dir: str | None,
             n_jobs: int) -> Iterator[FileOutcome]:
    """The outcome of every job (``count`` of them), in job order; ``n_jobs`` 1 runs in this process.

    ``rules_dir``/``guidelines_dir`` are what the user gave (None: bundled),
    so that every worker loads exactly the rule base ``rb`` was loaded from.
    """
    workers = max(1, min(n_jobs, count))
    if workers == 1:
        evaluator = Evaluator(rb)
        for job in jobs:
            yield process(job, evaluator)
        return
    # A few chunks per worker balance the load without a round trip per file.
    chunksize = max(1, min(64, count // (workers * 4)))
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(rules_dir, guidelines_dir)) as pool:
        yield from pool.imap(_run, jobs, chunksize)
