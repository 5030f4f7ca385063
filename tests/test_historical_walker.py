"""The one walker of history folders (imr_rules/historical.py): which files are history, and the
paths reports name them by, however the folder was spelled on the command line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from imr_rules.historical import discover, find, letter_files
from imr_rules.paths import display_path


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "history"
    for rel in ["a.txt", "a.yaml", "b.PDF", "n/c.txt", "n/deeper/d.json", "a-1.txt", "x.tar.txt",
                "_gold.yaml", ".hidden.txt", ".git/e.txt", "n/_notes.txt", "readme.md"]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    return root


EXPECTED = ["a-1.txt", "a.txt", "a.yaml", "b.PDF", "n/c.txt", "n/deeper/d.json", "x.tar.txt"]


@pytest.mark.parametrize("spelling", ["relative", "dot-relative", "trailing slash", "absolute", "cwd"])
def test_history_files_and_their_display_paths(corpus, monkeypatch, spelling):
    monkeypatch.chdir(corpus.parent)
    arg = {"relative": "history", "dot-relative": "./history", "trailing slash": "history/",
           "absolute": str(corpus), "cwd": "."}[spelling]
    if spelling == "cwd":
        monkeypatch.chdir(corpus)
    files, errors = find([arg])
    assert errors == []
    prefix = "" if spelling == "cwd" else "history/"
    assert list(files) == [prefix + e for e in EXPECTED]
    # Each name is the one display_path gives the file, and opens it.
    for shown, path in files.items():
        assert shown == display_path(Path(path)) and os.path.isfile(path)


def test_a_letter_beside_its_case_file_is_one_case(corpus, monkeypatch):
    monkeypatch.chdir(corpus.parent)
    corpus_ = discover(["history", "history/a.txt"])        # named twice: counted once
    assert [(j.path, j.fallback) for j in corpus_.jobs] == [
        ("history/a-1.txt", None), ("history/a.yaml", "history/a.txt"), ("history/b.PDF", None),
        ("history/n/c.txt", None), ("history/n/deeper/d.json", None), ("history/x.tar.txt", None)]
    assert corpus_.errors == []


def test_named_files_missing_paths_and_letters(corpus, monkeypatch):
    monkeypatch.chdir(corpus.parent)
    files, errors = find(["history/readme.md", "history/nope"])
    assert list(files) == ["history/readme.md"]               # named explicitly: used whatever its suffix
    assert [(e.file, e.message) for e in errors] == [("history/nope", "not found")]
    assert [p.as_posix() for p in letter_files(["history"])] == [
        "history/a-1.txt", "history/a.txt", "history/b.PDF", "history/n/c.txt", "history/x.tar.txt"]
