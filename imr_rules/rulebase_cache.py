"""A cache of loaded rule bases, so a command does not parse and check unchanged files again.

Loading validates every file (YAML, schema, references, regular expressions,
engine limits): 0.14 s at 1,000 rules and 0.6 s at 5,000 on the benchmark
machine, for every command. The cache has two levels, each pickled:

- **whole rule bases** (``*.rulebase``): a rule base that loaded without a
  problem, under a key made of the bytes of every rule and guideline file (the
  audit fingerprint), the folders they were read from (file paths are in every
  message), and this package's own code and schemas (names, sizes,
  modification times), its version and the Python version. A hit skips
  loading altogether.
- **single files** (``*.document``): when the rule base misses (one file was
  edited), each file that parsed and met its schema is kept as its parsed
  :class:`~imr_rules.yamlio.Document`, under a key made of its bytes, its path
  (as written in messages), the schema it was checked against and the same
  code digest. After an edit to one file of ten, only that file is parsed and
  schema-checked again; the checks across files (references, conditions,
  checksums, engine limits) always run on the whole rule base.

- **compiled fact patterns** (``*.patterns``): the letter importer's
  ``fact_patterns.yaml``, compiled (0.95 s for the bundled file: a regular
  expression safety check and a compilation per pattern; 0.17 s to read back,
  which compiles the expressions again), under a key of the file's path and the
  code, and kept with a digest of every file the compilation read (the
  pattern file, the guideline files and folders it names): an entry whose
  digest is not that of the files now is not used.

- **compiled item categories** (``*.compiled``): the engine rules the
  evaluator compiles for one item category of a cached rule base (6 ms per
  category of 100 rules; 1.7 ms to read back), under that rule base's key and
  the category, written when a category is first compiled.

Any edit to a file or to the code makes a new key, and the old entry is never
read again. Problems are never cached: a rule base or a file with one is
checked anew each time.

Where: ``$IMR_RULES_CACHE`` (``off`` turns both levels off), else
``$XDG_CACHE_HOME/imr-rules``, else ``~/.cache/imr-rules``. The folder is
created private (0700) and is only read when it belongs to the user and no
one else can write to it: a pickle runs code when loaded. The newest
:data:`KEEP` rule bases and the newest :data:`KEEP_DOCUMENTS` files are kept,
each level pruned apart from the other. Any failure to read or write the cache
is ignored; the files are then read and checked.
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
#: Single files kept: a few rule bases of hundreds of files each, and their recent edits.
KEEP_DOCUMENTS = 512
_SUFFIX = ".rulebase"
_DOCUMENT_SUFFIX = ".document"
_PATTERNS_SUFFIX = ".patterns"
_COMPILED_SUFFIX = ".compiled"


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


def document_key(raw: bytes, path: str, schema: str) -> str:
    """The key of one file's parsed and schema-checked document: its bytes, its path as
    messages write it (``Document.file``), its schema, and the package's code."""
    h = hashlib.sha256()
    for part in (raw, path.encode("utf-8", "surrogateescape"), schema.encode(), _code_digest().encode()):
        h.update(len(part).to_bytes(8, "little") + part)
    return h.hexdigest()


def get(entry_key: str):
    """The cached rule base for ``entry_key``, or None."""
    return _read(entry_key + _SUFFIX)


def put(entry_key: str, rulebase) -> None:
    """Keep ``rulebase`` under ``entry_key``; drop the oldest rule bases past KEEP."""
    if _write(entry_key + _SUFFIX, rulebase):
        _prune(_SUFFIX, KEEP)


def get_document(entry_key: str):
    """The cached document for ``entry_key`` (see :func:`document_key`), or None."""
    return _read(entry_key + _DOCUMENT_SUFFIX)


def put_document(entry_key: str, document) -> bool:
    """Keep ``document`` under ``entry_key``, without pruning (a load writes many: it
    calls :func:`prune_documents` once at the end). Whether it was written."""
    return _write(entry_key + _DOCUMENT_SUFFIX, document)


def prune_documents() -> None:
    """Drop the oldest documents past KEEP_DOCUMENTS."""
    _prune(_DOCUMENT_SUFFIX, KEEP_DOCUMENTS)


def _patterns_key(path: str) -> str:
    h = hashlib.sha256()
    for part in (path.encode("utf-8", "surrogateescape"), _code_digest().encode()):
        h.update(len(part).to_bytes(8, "little") + part)
    return h.hexdigest()


def get_patterns(path: str):
    """``(digest, compiled fact patterns)`` last kept for the pattern file ``path``, or None.
    The caller compares the digest with its files' (letters.patterns.inputs_digest)."""
    entry = _read(_patterns_key(path) + _PATTERNS_SUFFIX)
    return entry if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], str) else None


def put_patterns(path: str, digest: str, patterns) -> None:
    """Keep the compiled fact patterns of ``path``, made from files whose digest is ``digest``."""
    if _write(_patterns_key(path) + _PATTERNS_SUFFIX, (digest, patterns)):
        _prune(_PATTERNS_SUFFIX, KEEP)


def _compiled_name(entry_key: str, category: str) -> str:
    return hashlib.sha256(f"{entry_key}\0{category}".encode("utf-8", "surrogateescape")).hexdigest() + _COMPILED_SUFFIX


def get_compiled(entry_key: str, category: str):
    """The engine rules of one item category compiled for the rule base cached under
    ``entry_key`` (see Evaluator), or None."""
    return _read(_compiled_name(entry_key, category))


def put_compiled(entry_key: str, category: str, compiled) -> None:
    if _write(_compiled_name(entry_key, category), compiled):
        _prune(_COMPILED_SUFFIX, KEEP_DOCUMENTS)


def _read(name: str):
    where = folder()
    if where is None or not _private(where):
        return None
    try:
        with open(where / name, "rb") as f:
            return pickle.load(f)
    except Exception:       # noqa: BLE001 - missing, truncated or from another version: load the files
        return None


def _write(name: str, value) -> bool:
    where = folder()
    if where is None:
        return False
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(where):
            return False
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, where / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except Exception:       # noqa: BLE001 - a read-only home, a full disk: the cache is only a shortcut
        return False
    return True


def _prune(suffix: str, keep: int) -> None:
    """Keep the newest ``keep`` entries ending in ``suffix`` (the other level's are not counted)."""
    where = folder()
    if where is None:
        return
    try:
        entries = sorted(where.glob("*" + suffix), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[keep:]:
            old.unlink(missing_ok=True)
    except Exception:       # noqa: BLE001 - an entry removed by another process meanwhile: prune next time
        return
