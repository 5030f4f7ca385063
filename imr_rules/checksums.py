"""Checksums of guideline excerpt texts: an edit to guideline text is always reported.

Every excerpt carries ``checksum: sha256:<16 hex digits>`` of its text (with
whitespace collapsed, so re-wrapping lines changes nothing). The loader
refuses an excerpt whose text no longer matches, or that has none, and says
which value to write when the edit is deliberate.

For a new excerpt, paste the line ``validate`` prints, or let this module
write every missing or outdated checksum of some guideline files::

    python -m imr_rules.checksums --write guidelines/odg-knee.yaml

(without ``--write`` it only lists them, and exits 1 when any is missing or
wrong). It edits the files' text in place, line by line, keeping comments.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from .errors import InputError
from .output import write_atomic

PREFIX = "sha256:"
DIGITS = 16


def excerpt_checksum(text: str) -> str:
    """``sha256:`` and the first 16 hex digits of the text's SHA-256, whitespace collapsed."""
    return PREFIX + hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:DIGITS]


def problems(path: Path) -> list[tuple[int, str, str | None, str, int]]:
    """(index, excerpt id, checksum written or None, checksum of its text, line of its id) for
    every excerpt of a guideline file whose checksum is missing or wrong."""
    from .yamlio import load_document
    doc = load_document(path, "guideline file")
    excerpts = doc.data.get("excerpts") if isinstance(doc.data, dict) else None
    out = []
    for i, e in enumerate(excerpts if isinstance(excerpts, list) else ()):
        if isinstance(e, dict) and isinstance(e.get("text"), str):
            want = excerpt_checksum(e["text"])
            if e.get("checksum") != want:
                out.append((i, str(e.get("id")), e.get("checksum"), want, doc.line_of(("excerpts", i, "id"))))
    return out


def write(path: Path) -> int:
    """Write the right checksum of every excerpt of ``path``; returns how many changed."""
    from .yamlio import load_document
    found = problems(path)
    if not found:
        return 0
    doc = load_document(path, "guideline file")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # From the bottom up, so earlier line numbers stay right.
    for i, _, written, want, id_line in sorted(found, key=lambda p: -p[4]):
        if written is not None:
            n = doc.line_of(("excerpts", i, "checksum")) - 1
            head = lines[n][: lines[n].index("checksum:")]
            lines[n] = f"{head}checksum: {want}\n"
        else:
            id_text = lines[id_line - 1]
            indent = id_text.index("id:")
            lines.insert(id_line, " " * indent + f"checksum: {want}\n")
    write_atomic(path, "".join(lines), force=True)
    return len(found)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m imr_rules.checksums",
                                 description="List (or --write) missing and outdated excerpt checksums.")
    ap.add_argument("files", nargs="+", type=Path, help="guideline files (YAML)")
    ap.add_argument("--write", action="store_true", help="write the checksums into the files")
    args = ap.parse_args(argv)
    bad = 0
    try:
        for path in args.files:
            if args.write:
                changed = write(path)
                if changed:
                    print(f"{path}: wrote {changed} checksum(s)")
                continue
            for _, excerpt_id, written, want, line in problems(path):
                bad += 1
                what = "no checksum" if written is None else f"checksum {written} does not match its text"
                print(f"{path}:{line}: excerpt {excerpt_id!r}: {what}; its text's is {want}")
    except InputError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
