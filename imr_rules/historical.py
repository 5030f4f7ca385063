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
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .inputs import CASE_SUFFIXES, LETTER_SUFFIXES
from .paths import display_path
from .yamlio import is_utf8

SUFFIXES = CASE_SUFFIXES + LETTER_SUFFIXES


@dataclass(frozen=True)
class Job:
    """One historical case to load: ``path``, and the letter to use if it has no history."""

    path: str
    fallback: str | None = None


@dataclass(frozen=True)
class Note:
    source: str
    text: str
    kind: str = "skipped"      # skipped | letter_not_used (its case file is used) | letter_used


@dataclass
class Corpus:
    jobs: list[Job]
    notes: list[Note]          # files deliberately not used, and why
    errors: list[InputError]   # PATH arguments that do not exist, file names that cannot be reported


def _walk(folder: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder):
        # Hidden folders and files (.git, editors' and write_atomic's temporary
        # files) are never history, nor are files named "_..." (material kept
        # beside history, such as a reference of what letters say: _gold.yaml).
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root, f) for f in files
                  if not f.startswith((".", "_")) and Path(f).suffix.lower() in SUFFIXES]
    return found


def find(paths: list[str]) -> tuple[dict[str, Path], list[InputError]]:
    """Every history file under ``paths`` by display path (sorted), and the errors:
    paths that do not exist, files whose names are not UTF-8 (reports could not name them)."""
    files: dict[str, Path] = {}
    errors: dict[str, InputError] = {}
    for arg in paths:
        p = Path(arg)
        if p.is_dir():
            candidates = _walk(p)
        elif p.is_file():
            candidates = [p]            # named explicitly: used whatever its suffix
        else:
            errors[display_path(p)] = InputError("not found", display_path(p), hint="check the path")
            continue
        for c in candidates:
            shown = display_path(c)
            if not is_utf8(shown):
                errors[shown] = InputError("the file name is not valid UTF-8", shown, hint="rename the file")
            else:
                files.setdefault(shown, c)     # the same file named twice counts once
    return dict(sorted(files.items())), [errors[k] for k in sorted(errors)]


def discover(paths: list[str]) -> Corpus:
    """Every historical case under ``paths`` (files, or folders searched recursively), sorted."""
    files, errors = find(paths)
    # Group by folder and stem: a letter and its case file describe one case.
    groups: dict[tuple[str, str], list[str]] = {}
    for source, p in files.items():
        groups.setdefault((display_path(p.parent), p.stem), []).append(source)
    jobs, notes = [], []
    for key in sorted(groups):
        sources = sorted(groups[key])
        letters = [s for s in sources if Path(s).suffix.lower() in LETTER_SUFFIXES]
        cases = [s for s in sources if s not in letters]
        if cases and letters:
            # The worker says which of the pair it used (it alone knows whether
            # the case file has history). Any further letter (X.txt and X.TXT)
            # is noted here, so no item is counted twice.
            jobs.append(Job(cases[0], letters[0]))
            jobs += [Job(c) for c in cases[1:]]
            notes += [Note(letter, f"letter not used: {cases[0]} is the case of the same name", "letter_not_used")
                      for letter in letters[1:]]
        else:
            jobs += [Job(s) for s in sources]
    jobs.sort(key=lambda j: j.path)
    return Corpus(jobs=jobs, notes=sorted(notes, key=lambda n: n.source), errors=errors)


def case_files(paths: list[str]) -> list[Path]:
    """One file per historical case under ``paths``: a case file rather than its letter.

    For commands that evaluate each case once (diff, test --coverage); a path
    that does not exist is an :class:`InputError`.
    """
    corpus = discover(paths)
    if corpus.errors:
        raise corpus.errors[0]
    return [Path(job.path) for job in corpus.jobs]


def letter_files(paths: list[str | os.PathLike]) -> list[Path]:
    """The letters (.txt) under ``paths``, sorted; paths that do not exist are skipped."""
    files, _ = find([str(p) for p in paths])
    return [p for p in files.values() if p.suffix.lower() in LETTER_SUFFIXES]
