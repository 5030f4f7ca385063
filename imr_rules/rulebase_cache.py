"""A cache of loaded rule bases, so a command does not parse and check unchanged files again.

Loading validates every file (YAML, schema, references, regular expressions,
engine limits): 0.3 s at 1,000 rules and 1.7 s at 5,000 on the benchmark
machine, for every command. A rule base that loaded without a problem is
kept here, pickled, under a key made of everything its loading depended on:

- the bytes of every rule and guideline file (the audit fingerprint) and the
  folders they were read from (file paths are in every message);
- this package's own code and schemas (names, sizes, modification times),
  its version and the Python version;

so any edit to a rule, a guideline or the code makes a new key, and the old
entry is never read again. Problems are never cached: a rule base with one is
checked anew each time.

Where: ``$IMR_RULES_CACHE`` (``off`` turns the cache off), else
``$XDG_CACHE_HOME/imr-rules``, else ``~/.cache/imr-rules``. The folder is
created private (0700) and is only read when it belongs to the user and no
one else can write to it: a pickle runs code when loaded. The newest
:data:`KEEP` entries are kept. Any failure to read or write the cache is
ignored; the rule base is then loaded from its files.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from . import __version__

ENV = "IMR_RULES_CACHE"
KEEP = 16
_SUFFIX = ".rulebase"


def folder() -> Path | None:
    """The cache folder in use, or None when the cache is off."""
    setting = os.environ.get(ENV)
    if setting is not None and setting.strip().lower() in ("", "0", "off", "no", "false"):
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "imr-rules"


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """The package's code and schemas: a changed loader or schema makes a new key. Their
    names, sizes and modification times stand for their bytes (reading them all cost
    a quarter of a warm start)."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256(f"{__version__}\0{sys.version}\0".encode())
    for folder, dirs, files in sorted(os.walk(root)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".json")):
                st = os.stat(os.path.join(folder, name))
                h.update(f"{os.path.relpath(folder, root)}/{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


def key(fingerprint: str, rules_dir: Path, guidelines_dir: Path) -> str:
    h = hashlib.sha256()
    for part in (fingerprint, str(rules_dir.resolve()), str(guidelines_dir.resolve()), _code_digest()):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()


def _private(path: Path) -> bool:
    try:
        st = path.stat()
    except OSError:
        return False
    owner_ok = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return owner_ok and stat.S_ISDIR(st.st_mode) and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def get(entry_key: str):
    """The cached rule base for ``entry_key``, or None."""
    where = folder()
    if where is None or not _private(where):
        return None
    try:
        with open(where / (entry_key + _SUFFIX), "rb") as f:
            return pickle.load(f)
    except Exception:       # noqa: BLE001 - missing, truncated or from another version: load the files
        return None


def put(entry_key: str, rulebase) -> None:
    """Keep ``rulebase`` under ``entry_key``; drop the oldest entries past KEEP."""
    where = folder()
    if where is None:
        return
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(where):
            return
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(rulebase, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, where / (entry_key + _SUFFIX))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        entries = sorted(where.glob("*" + _SUFFIX), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except Exception:       # noqa: BLE001 - a read-only home, a full disk: the cache is only a shortcut
        return
