"""Finding historical cases: files and folders -> one case each.

The one walker of history folders (backtest, diff, test --coverage and lint's
letter check all use it): folders are searched recursively for case files
(.yaml, .yml, .json) and letters (.pdf, .txt), suffixes in any case; hidden
folders and files (.git, editors' and write_atomic's temporary files) are
never history, nor are files named "_..." (material kept beside history, such
as tests/historical/real/_gold.yaml); a file named explicitly is used
whatever its suffix; the same file named twice counts once.

A folder of history often holds a letter ``X.txt`` next to ``X.yaml``, the
case file imported from it and reviewed by a person. Both describe the same
case; counting both would count every item twice, so the reviewed case file
is used and the letter is kept only as a fallback (the backtest uses it for
a case file that has no ``history``).

Memory does not grow with the history (:class:`Corpus`): folders are read
one entry at a time (``os.scandir``), and the cases come out in order a share
at a time. A file's group (its folder and stem: X.txt and X.yaml) is named by
its display path without the suffix, ``folder/X``; each pass over the
arguments keeps the PASS_GROUPS smallest group names after the last one given,
with all their files (a group's files are all seen in the same pass), so a
history of n groups is read about n / PASS_GROUPS times (twice that for a
backtest, which counts the cases first; about 0.16 s a pass at 100,000 files,
see docs/performance.md). The history must not change during a run.
"""

from __future__ import annotations

import heapq
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .errors import InputError
from .inputs import CASE_SUFFIXES, LETTER_SUFFIXES
from .paths import display_path
from .yamlio import is_utf8

SUFFIXES = CASE_SUFFIXES + LETTER_SUFFIXES

#: Groups of files (a letter and its case file are one) a pass of the walk
#: holds, about 1 MB; a history with more is walked again for each further share.
PASS_GROUPS = 8192


@dataclass(frozen=True)
class Note:
    source: str
    text: str
    kind: str = "skipped"      # skipped | letter_not_used (its case file is used) | letter_used


@dataclass(frozen=True)
class Job:
    """One historical case to load: ``path``, and the letter to use if it has no history.

    ``notes``: the further letters of the same case that are not used (X.TXT
    beside X.txt and X.yaml), reported with the job's outcome.
    """

    path: str
    fallback: str | None = None
    notes: tuple[Note, ...] = ()


def _walk(top: str, shown: str) -> Iterator[tuple[str, str, int]]:
    """The history files under the folder ``top``: (display path, path, length of the group name).

    ``shown`` is the display path of ``top`` as a prefix ("" for the working
    folder). os.walk's rules, without holding a folder's listing: folders that
    cannot be read are passed over, links to folders are not followed.
    """
    stack: list[tuple[Iterator[os.DirEntry], str]] = []

    def enter(path: str, prefix: str) -> None:
        try:
            stack.append((os.scandir(path), prefix))
        except OSError:
            pass

    enter(top, shown)
    try:
        while stack:
            entries, prefix = stack[-1]
            try:
                entry = next(entries, None)
            except OSError:
                entry = None
            if entry is None:
                entries.close()
                stack.pop()
                continue
            # Hidden folders and files (.git, editors' and write_atomic's temporary
            # files) are never history, nor are files named "_..." (material kept
            # beside history, such as a reference of what letters say: _gold.yaml).
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                try:
                    link = entry.is_symlink()
                except OSError:
                    link = False
                if not link:
                    enter(entry.path, prefix + name + "/")
                continue
            dot = name.rfind(".")        # the suffix as Path.suffix has it; the name does not start with "."
            if name.startswith("_") or dot < 0 or name[dot:].lower() not in SUFFIXES:
                continue
            yield prefix + name, entry.path, len(prefix) + dot
    finally:
        for entries, _ in stack:
            entries.close()


def _candidates(paths: Iterable[str], errors: dict[str, InputError] | None) -> Iterator[tuple[str, str, int]]:
    """Every history file under ``paths`` as (display path, path, length of the group name), in
    walk order, once per argument it is found under; ``errors`` (when given) gets paths that do not
    exist and files whose names are not UTF-8 (reports could not name them), by display path."""
    for arg in paths:
        p = Path(arg)
        if p.is_dir():
            shown = display_path(p)
            found: Iterable[tuple[str, str, int]] = _walk(os.fspath(p), "" if shown == "." else shown.rstrip("/") + "/")
        elif p.is_file():
            shown = display_path(p)
            found = [(shown, os.fspath(p), len(shown) - len(p.suffix))]   # named explicitly: used whatever its suffix
        else:
            if errors is not None:
                errors[display_path(p)] = InputError("not found", display_path(p), hint="check the path")
            continue
        for shown, path, cut in found:
            if shown.isascii() or is_utf8(shown):
                yield shown, path, cut
            elif errors is not None:
                errors[shown] = InputError("the file name is not valid UTF-8", shown, hint="rename the file")


def find(paths: list[str]) -> tuple[dict[str, Path], list[InputError]]:
    """Every history file under ``paths`` by display path (sorted), and the errors:
    paths that do not exist, files whose names are not UTF-8 (reports could not name them)."""
    files: dict[str, Path] = {}
    errors: dict[str, InputError] = {}
    for shown, path, _ in _candidates(paths, errors):
        if shown not in files:                 # the same file named twice counts once
            files[shown] = Path(path)
    return dict(sorted(files.items())), [errors[k] for k in sorted(errors)]


Group = tuple[str, list[str]]       # the group's name (folder/stem), its files' display paths (sorted)


def _share(paths: list[str], after: str | None,
           errors: dict[str, InputError] | None = None) -> tuple[list[Group], bool]:
    """One pass: the PASS_GROUPS first groups named after ``after`` (all: None), in order; and
    whether there are more.

    A group whose name is among the PASS_GROUPS smallest is never dropped: it
    stays below every cut, so it holds all its files when the pass ends.
    """
    # A group's files: its one file's display path (most groups), or a list of them.
    kept: dict[str, str | list[str]] = {}
    limit: str | None = None              # groups named after it are dropped
    more = False
    for shown, _, cut in _candidates(paths, errors):
        name = shown[:cut]
        if after is not None and name <= after:
            continue
        files = kept.get(name)
        if files is None:
            if limit is not None and name > limit:
                more = True
                continue
            kept[name] = shown
            if len(kept) > 2 * PASS_GROUPS:
                first = sorted(kept)[:PASS_GROUPS]
                kept, limit, more = {k: kept[k] for k in first}, first[-1], True
        elif isinstance(files, str):
            if files != shown:            # the same file named twice counts once
                kept[name] = [files, shown]
        elif shown not in files:
            files.append(shown)
    names = sorted(kept)
    if len(names) > PASS_GROUPS:
        names, more = names[:PASS_GROUPS], True
    return [(name, [files] if isinstance(files, str) else sorted(files))
            for name, files in ((name, kept.pop(name)) for name in names)], more


def _jobs(group: Group) -> list[Job]:
    """The jobs of one group of files: a case file with its letter as fallback, or each file alone."""
    name, sources = group
    letters = [s for s in sources if s[len(name):].lower() in LETTER_SUFFIXES]
    cases = [s for s in sources if s not in letters]
    if cases and letters:
        # The worker says which of the pair it used (it alone knows whether
        # the case file has history). Any further letter (X.txt and X.TXT)
        # is noted, so no item is counted twice.
        notes = tuple(Note(letter, f"letter not used: {cases[0]} is the case of the same name", "letter_not_used")
                      for letter in letters[1:])
        return [Job(cases[0], letters[0], notes)] + [Job(c) for c in cases[1:]]
    return [Job(s) for s in sources]


def _in_order(groups: Iterable[Group]) -> Iterator[Job]:
    """The jobs of ``groups`` (in order of their names) in order of their paths.

    A job's path is its group's name and a suffix, so a job waits only while
    the next groups' names lie between the two (X.txt waits for X.tzz.yaml
    and the folder X.d/): the groups waiting are named by prefixes of one
    path, a handful of jobs.
    """
    waiting: list[tuple[str, Job]] = []
    for group in groups:
        while waiting and waiting[0][0] < group[0]:
            yield heapq.heappop(waiting)[1]
        for job in _jobs(group):
            heapq.heappush(waiting, (job.path, job))
    while waiting:
        yield heapq.heappop(waiting)[1]


class Corpus:
    """The historical cases under some paths (files, or folders searched recursively).

    Iterating gives the jobs sorted by path, walking the folders again each
    time unless they hold a single share; ``errors``: the arguments that do
    not exist and the files whose names cannot be reported, sorted.
    """

    def __init__(self, paths: list[str]):
        self.paths = list(paths)
        errors: dict[str, InputError] = {}
        first, more = _share(self.paths, None, errors)
        self.errors: list[InputError] = [errors[k] for k in sorted(errors)]
        # A history of one share is walked once, as a whole listing was; a larger one
        # again each time, from the start (a share kept through a run would add to its peak).
        self._whole: list[Group] | None = None if more else first
        self._count: int | None = None

    def _groups(self) -> Iterator[Group]:
        if self._whole is not None:
            yield from self._whole
            return
        after: str | None = None
        more = True
        while more:
            share, more = _share(self.paths, after)
            after = share[-1][0] if share else None
            yield from share
            del share                     # before the next pass builds its own

    def __iter__(self) -> Iterator[Job]:
        return _in_order(self._groups())

    def count(self) -> int:
        """The number of jobs (a walk of the history, when it is larger than one share)."""
        if self._count is None:
            self._count = sum(len(_jobs(g)) for g in self._groups())
        return self._count


def discover(paths: list[str]) -> Corpus:
    """Every historical case under ``paths`` (files, or folders searched recursively)."""
    return Corpus(paths)


def case_files(paths: list[str]) -> list[Path]:
    """One file per historical case under ``paths``: a case file rather than its letter.

    For commands that evaluate each case once (diff, test --coverage); a path
    that does not exist is an :class:`InputError`.
    """
    corpus = discover(paths)
    if corpus.errors:
        raise corpus.errors[0]
    return [Path(job.path) for job in corpus]


def letter_files(paths: list[str | os.PathLike]) -> list[Path]:
    """The letters (.txt) under ``paths``, sorted; paths that do not exist are skipped."""
    files, _ = find([str(p) for p in paths])
    return [p for p in files.values() if p.suffix.lower() in LETTER_SUFFIXES]
