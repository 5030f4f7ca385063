"""Writing files for people: atomically, and never over an existing file without --force."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

from .errors import InputError


def check_writable(path: str | os.PathLike, force: bool = False) -> Path:
    """Refuse a target that exists (without ``force``) or whose folder does not:
    commands call this before long work, so they do not fail after it."""
    target = Path(path)
    if target.exists() and not force:
        raise InputError("file exists; not overwriting it", str(target), hint="pass --force to overwrite")
    if not target.parent.is_dir():
        raise InputError("folder does not exist", str(target.parent), hint="create it first")
    return target


def write_atomic(path: str | os.PathLike, text: str | Iterable[str], force: bool = False) -> None:
    """Write ``text`` (or its pieces, as they come) to ``path`` via a temporary file and rename
    (no half-written files)."""
    target = check_writable(path, force)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            if isinstance(text, str):
                f.write(text)
            else:
                f.writelines(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
