"""The one walker of history folders (imr_rules/historical.py): which files are history, and the
paths reports name them by, however the folder was spelled on the command line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imr_rules import historical
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
    assert [(j.path, j.fallback) for j in corpus_] == [
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


# --- bounded memory: the walk in shares (historical.PASS_GROUPS) gives what one listing gave ----------

def _listing_walk(folder: Path) -> list[Path]:
    # The walker as it was (whole listings, os.walk), as the reference.
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root, f) for f in files
                  if not f.startswith((".", "_")) and Path(f).suffix.lower() in historical.SUFFIXES]
    return found


def _listing_discover(paths: list[str]):
    """The jobs (path, fallback), notes (source, text) and errors (file, message) as the
    list-based walker gave them: every file in a dict, grouped by (folder, stem)."""
    files, errors = {}, {}
    for arg in paths:
        p = Path(arg)
        if p.is_dir():
            candidates = _listing_walk(p)
        elif p.is_file():
            candidates = [p]
        else:
            errors[display_path(p)] = "not found"
            continue
        for c in candidates:
            shown = display_path(c)
            try:
                shown.encode("utf-8")
            except UnicodeEncodeError:
                errors[shown] = "the file name is not valid UTF-8"
            else:
                files.setdefault(shown, c)
    groups: dict = {}
    for source, p in sorted(files.items()):
        groups.setdefault((display_path(p.parent), p.stem), []).append(source)
    jobs, notes = [], []
    for key in sorted(groups):
        sources = sorted(groups[key])
        letters = [s for s in sources if Path(s).suffix.lower() in (".txt", ".pdf")]
        cases = [s for s in sources if s not in letters]
        if cases and letters:
            jobs.append((cases[0], letters[0]))
            jobs += [(c, None) for c in cases[1:]]
            notes += [(letter, f"letter not used: {cases[0]} is the case of the same name") for letter in letters[1:]]
        else:
            jobs += [(s, None) for s in sources]
    return sorted(jobs), sorted(notes), sorted(errors.items())


def _streamed(paths: list[str]):
    corpus = discover(paths)
    jobs = list(corpus)
    assert corpus.count() == len(jobs)
    return ([(j.path, j.fallback) for j in jobs],
            sorted((n.source, n.text) for j in jobs for n in j.notes),
            [(e.file, e.message) for e in corpus.errors])


TRICKY = [
    # Stems with dots: the group h/X (X.txt, X.yaml, X.json) and, between its files in sorted
    # order, the groups X.tzz, X.pdf, X.ya and X.txt and the folder X.d/.
    "X.txt", "X.tzz.yaml", "X.yaml", "X.json", "X.pdf.yaml", "X.ya.txt", "X.txt.yaml",
    "X.d/X.txt", "X.d/X.yaml", "X.d/a.txt", "X.d/deep/X.PDF",
    # Case variants: the letter not used is noted.
    "Y.txt", "Y.TXT", "Y.yaml", "Y.YML",
    # Letters only, case files only: each file a job.
    "L.txt", "L.PDF", "L.pdf", "C.yaml", "C.json",
    # Nested folders, skipped files and folders.
    "n/m/X.txt", "n/m/X.yaml", "n/m/X.tzz.txt", "n/a.TxT", "n/_notes.txt", "n/.hidden.txt", ".git/X.txt",
    "_folder/ok.txt", "readme.md", "W.txt", "W", "trailing.", "a-1.txt", "a.txt", "a.yaml",
]


@pytest.fixture
def tricky(tmp_path, monkeypatch):
    root = tmp_path / "h"
    for rel in TRICKY:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    (root / "n" / "linked").symlink_to(root / "X.d")                  # a link to a folder: not followed
    (root / "n" / "link.txt").symlink_to(root / "a.txt")               # a link to a file: a file
    (root / "n" / "broken.yaml").symlink_to(root / "nowhere")         # listed, as os.walk lists it
    with open(os.path.join(os.fsencode(root), b"bad-\xff.txt"), "wb") as f:
        f.write(b"x")
    os.makedirs(os.path.join(os.fsencode(root), b"n", b"dir-\xfe"))
    with open(os.path.join(os.fsencode(root), b"n", b"dir-\xfe", b"in.yaml"), "wb") as f:
        f.write(b"x")
    monkeypatch.chdir(tmp_path)
    return root


ARGUMENT_SETS = [
    ["h"],
    # A folder and files inside it, spelled differently; a folder inside a folder; files named
    # explicitly whatever their suffix (W joins W.txt's group); missing paths, one twice.
    ["h", "h/X.txt", "./h/Y.TXT", "h/n", "h/readme.md", "h/missing", "h/W", "h/missing", "h/.git/X.txt"],
    ["h/n/m", "h/X.d", "h/X.d/X.yaml", "h/trailing.", "h/_folder", "h"],
]


@pytest.mark.parametrize("share", [1, 2, 3, 8192])
@pytest.mark.parametrize("args", range(len(ARGUMENT_SETS)))
def test_the_walk_in_shares_gives_what_one_listing_gave(tricky, monkeypatch, share, args):
    paths = ARGUMENT_SETS[args] + ([str(tricky / "a.yaml")] if args == 1 else [])    # an absolute spelling
    expected = _listing_discover(paths)
    monkeypatch.setattr(historical, "PASS_GROUPS", share)
    jobs, notes, errors = _streamed(paths)
    assert jobs == expected[0] and notes == expected[1] and errors == expected[2]
    assert len(jobs) > 10 and (args != 1 or (notes and len(errors) == 3))


def test_the_jobs_of_tricky_names(tricky, monkeypatch):
    # Spelled out once (the comparison above checks every tree against the old walker).
    monkeypatch.setattr(historical, "PASS_GROUPS", 2)
    jobs, notes, errors = _streamed(["h/X.d", "h/Y.TXT", "h/Y.txt", "h/Y.yaml", "h/Y.YML", "h/X.txt", "h/X.ya.txt",
                                     "h/X.yaml", "h/X.tzz.yaml", "h/W", "h/W.txt", "h/L.txt", "h/L.PDF"])
    assert jobs == [
        ("h/L.PDF", None), ("h/L.txt", None),
        ("h/W", "h/W.txt"),                                        # named explicitly: a case file
        ("h/X.d/X.yaml", "h/X.d/X.txt"), ("h/X.d/a.txt", None), ("h/X.d/deep/X.PDF", None),
        ("h/X.tzz.yaml", None), ("h/X.ya.txt", None), ("h/X.yaml", "h/X.txt"),
        ("h/Y.YML", "h/Y.TXT"), ("h/Y.yaml", None)]
    assert notes == [("h/Y.txt", "letter not used: h/Y.YML is the case of the same name")]
    assert errors == []


# Names made of the pieces that order badly: stems that are other stems plus a dot, suffixes
# in several cases, folders named like files.
_piece = st.sampled_from(["X", "X.d", "X.t", "X.tx", "X.txt", "x", "X-", "Y", "."])
_suffix = st.sampled_from([".txt", ".TXT", ".yaml", ".yml", ".json", ".pdf", ".PDF", ".md", ""])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.tuples(st.lists(_piece, min_size=0, max_size=2), _piece, _suffix), min_size=1, max_size=25),
       named=st.lists(st.integers(0, 24), max_size=3), share=st.integers(1, 4))
def test_any_tree_walked_in_shares_gives_what_one_listing_gave(tmp_path_factory, monkeypatch, files, named, share):
    root = tmp_path_factory.mktemp("tree")
    made = []
    for folders, stem, suffix in files:
        path = root.joinpath("h", *[f for f in folders if f != "."], stem + suffix)
        if stem == "." or any(p.is_file() for p in path.parents) or path.is_dir():
            continue        # a folder where a file is, or the reverse: not a tree
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
        made.append(path.relative_to(root).as_posix())
    monkeypatch.chdir(root)
    paths = ["h"] + [made[i] for i in named if i < len(made)]
    expected = _listing_discover(paths)
    monkeypatch.setattr(historical, "PASS_GROUPS", share)
    assert _streamed(paths) == expected


def test_the_walk_holds_a_share_not_the_history(tmp_path, monkeypatch):
    """The memory the walk and its jobs take does not grow with the number of files."""
    import tracemalloc

    def peak(n: int) -> int:
        folder = tmp_path / f"h{n}"
        folder.mkdir()
        for i in range(n):
            (folder / f"letter-{i:05}.txt").write_text("x")
            if i % 3 == 0:
                (folder / f"letter-{i:05}.yaml").write_text("x")
        tracemalloc.start()
        try:
            corpus = discover([str(folder)])
            assert corpus.count() == n
            assert sum(1 for _ in corpus) == n
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    monkeypatch.setattr(historical, "PASS_GROUPS", 50)
    small, large = peak(300), peak(3000)
    # Listing 3,000 files took about 1 MB more than 300 (a dict of Paths, a list of jobs).
    assert large < small + 64 * 1024, (small, large)
