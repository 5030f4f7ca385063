"""Install durable-rules 2.0.28 patched for Python 3.13+ into this interpreter.

durable-rules 2.0.28 (its last release) calls PyEval_CallObject, which
CPython 3.13 removed: the release compiles there but ``import durable`` fails
("undefined symbol: PyEval_CallObject"). patches/durable-rules-2.0.28-py313.patch
replaces its five call sites with PyObject_CallObject (same arguments). This
script, run by ``make`` on Python 3.13+ before the project is installed:

1. takes the sdist from the configured package index (``pip download``), or
   the file given with ``--sdist``;
2. checks its sha256 against the release the patch was made for;
3. unpacks it and applies the patch exactly: every removed and context line
   must be where the patch says (no fuzz, no offset), or nothing is built;
4. installs the patched tree with this interpreter's pip (version 2.0.28, so
   the project's pin ``durable-rules==2.0.28`` is then satisfied as is).

The patch is applied here rather than with ``patch(1)``, which a clean
machine may not have. Nothing is done when durable already imports (``--force``
rebuilds). Usage: python tools/build_durable_rules.py [--sdist FILE] [--force]
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "2.0.28"
SDIST_NAME = f"durable_rules-{VERSION}.tar.gz"
SDIST_SHA256 = "053b26f5e48d312d4fa27995243f954671be6eece477f150c059c364eb4d7d61"
PATCH = Path(__file__).resolve().parent.parent / "patches" / f"durable-rules-{VERSION}-py313.patch"

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


class BuildError(Exception):
    """What went wrong and what to do about it (printed without a traceback)."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_sdist(sdist: Path) -> None:
    """Refuse any file but the 2.0.28 release the patch was written against."""
    actual = sha256(sdist)
    if actual != SDIST_SHA256:
        raise BuildError(f"{sdist}: sha256 {actual} is not that of the durable-rules {VERSION} sdist "
                         f"({SDIST_SHA256})",
                         hint=f"the patch in {PATCH.name} was made for that exact release; "
                              "check which file the package index serves")


def parse_patch(text: str) -> dict[str, list[tuple[int, list[str], list[str]]]]:
    """A unified diff as {path: [(old start line, old lines, new lines), ...]}, paths without ``a/``."""
    files: dict[str, list] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            path = lines[i + 1][4:].split("\t")[0].strip()
            hunks = files.setdefault(path[2:] if path.startswith("b/") else path, [])
            i += 2
            while i < len(lines) and (m := _HUNK.match(lines[i])):
                n_old = int(m.group(2) or 1)
                n_new = int(m.group(4) or 1)
                old, new = [], []
                i += 1
                while (len(old) < n_old or len(new) < n_new) and i < len(lines):
                    tag, body = lines[i][:1], lines[i][1:]
                    if tag in (" ", ""):
                        old.append(body)
                        new.append(body)
                    elif tag == "-":
                        old.append(body)
                    elif tag == "+":
                        new.append(body)
                    else:
                        break
                    i += 1
                if (len(old), len(new)) != (n_old, n_new):
                    raise BuildError(f"{PATCH}: a hunk of {path} does not have the lines its header counts",
                                     hint="regenerate the patch with `diff -u` or `git diff`")
                hunks.append((int(m.group(1)), old, new))
        else:
            i += 1
    if not files:
        raise BuildError(f"{PATCH}: no file diff found", hint="the patch must be a unified diff")
    return files


def apply_hunks(text: str, hunks: list[tuple[int, list[str], list[str]]], name: str) -> str:
    """``text`` with every hunk applied at exactly its line, or BuildError naming the first mismatch."""
    lines = text.split("\n")
    out: list[str] = []
    pos = 0                                    # next line of ``lines`` not yet copied (0-based)
    for start, old, new in hunks:
        at = start - 1 if old else start      # a pure insertion's start is the line it follows
        if at < pos:
            raise BuildError(f"{PATCH}: hunks of {name} overlap or are out of order",
                             hint="regenerate the patch with `diff -u` or `git diff`")
        for k, expected in enumerate(old):
            got = lines[at + k] if at + k < len(lines) else None
            if got != expected:
                raise BuildError(f"{name}:{at + k + 1}: expected {expected!r}, found {got!r}",
                                 hint=f"this file is not the durable-rules {VERSION} source the patch "
                                      f"({PATCH.name}) was made for; nothing was built")
        out += lines[pos:at] + new
        pos = at + len(old)
    return "\n".join(out + lines[pos:])


def prepare(sdist: Path, workdir: Path) -> Path:
    """Unpack the checked sdist into ``workdir`` and patch it; the source tree to install."""
    check_sdist(sdist)
    with tarfile.open(sdist) as tar:
        # The "data" filter (3.10.12+, 3.11.4+) refuses links and paths outside workdir.
        if hasattr(tarfile, "data_filter"):
            tar.extractall(workdir, filter="data")
        else:                                    # the checksum above already pins the content
            tar.extractall(workdir)
    tree = workdir / f"durable_rules-{VERSION}"
    for name, hunks in parse_patch(PATCH.read_text(encoding="utf-8")).items():
        target = tree / name
        target.write_text(apply_hunks(target.read_text(encoding="utf-8"), hunks, name), encoding="utf-8")
    return tree


def download(dest: Path) -> Path:
    """The sdist from the configured package index."""
    done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", "durable-rules",
                           "--dest", str(dest), f"durable-rules=={VERSION}"], capture_output=True, text=True)
    sdist = dest / SDIST_NAME
    if done.returncode != 0 or not sdist.is_file():
        raise BuildError(f"pip could not download the durable-rules {VERSION} sdist:\n{done.stderr.strip()}",
                         hint="it comes from the configured package index (`pip config list`)")
    return sdist


def engine_imports() -> bool:
    """Whether durable 2.0.28 is installed and its C engine loads in this interpreter.

    Asked of a fresh process, so that the answer after an install is not the
    one this process cached before it."""
    code = ("import importlib.metadata as m, durable.engine; "
            f"raise SystemExit(m.version('durable-rules') != {VERSION!r})")
    return subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sdist", type=Path, help="use this sdist instead of downloading it")
    parser.add_argument("--force", action="store_true", help="rebuild even when durable already imports")
    args = parser.parse_args(argv)
    if not args.force and engine_imports():
        print(f"durable-rules {VERSION} already imports in {sys.executable}: nothing to build")
        return 0
    try:
        with tempfile.TemporaryDirectory(prefix="durable-rules-build-") as tmp:
            sdist = args.sdist or download(Path(tmp))
            tree = prepare(sdist, Path(tmp) / "src")
            print(f"durable-rules {VERSION}: sdist checked, {PATCH.name} applied; building and installing")
            # pip's output is shown only when the build fails: otherwise it is
            # setuptools warning three times about the release's license
            # classifiers, which is upstream metadata and changes nothing here.
            done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--force-reinstall",
                                   str(tree)], capture_output=True, text=True)
            if done.returncode != 0:
                raise BuildError(f"pip could not build and install the patched durable-rules:\n"
                                 f"{done.stdout}{done.stderr}".rstrip(),
                                 hint="it compiles C: a C compiler and the Python headers are needed")
    except BuildError as exc:
        print(f"error: {exc}\n  hint: {exc.hint}", file=sys.stderr)
        return 1
    if not engine_imports():
        print(f"error: durable-rules {VERSION} was installed but does not import in {sys.executable}\n"
              f"  hint: `{sys.executable} -c 'import durable.engine'` shows why", file=sys.stderr)
        return 1
    print(f"durable-rules {VERSION} installed and imports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
