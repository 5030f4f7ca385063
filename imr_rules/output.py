"""Writing files for people: atomically, and never over an existing file without --force.

A file is written to a temporary file beside the target and then put in
place in one step: with ``--force`` by a rename over the target; without it
by a hard link, which fails if anything (a file, a dangling symbolic link,
another process's file written a moment ago) has appeared at the target
since it was checked. Checking and then renaming would silently replace a
file another process wrote in between. The temporary file is created with
mode 0666, so the written file gets the user's umask, and it is removed
when the write fails or the process is interrupted (Ctrl-C, SIGTERM, SIGHUP).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import threading
from pathlib import Path
from typing import Iterable, Iterator

from .errors import InputError


def check_writable(path: str | os.PathLike, force: bool = False) -> Path:
    """Refuse a target that exists, even as a dangling symbolic link (without
    ``force``), or whose folder does not: commands call this before long work,
    so they do not fail after it."""
    target = Path(path)
    if os.path.lexists(target) and not force:
        what = "a symbolic link is in the way" if target.is_symlink() and not target.exists() else "file exists"
        raise InputError(f"{what}; not overwriting it", str(target), hint="pass --force to overwrite")
    if not target.parent.is_dir():
        raise InputError("folder does not exist", str(target.parent), hint="create it first")
    return target


def write_atomic(path: str | os.PathLike, text: str | Iterable[str], force: bool = False) -> None:
    """Write ``text`` (UTF-8; or its pieces, as they come, so that a long report need not be
    held in memory) to ``path`` all at once, never over an existing file without ``force``."""
    target = check_writable(path, force)
    try:
        data = text.encode("utf-8") if isinstance(text, str) else _encoded(text, target)
    except UnicodeEncodeError:
        raise InputError(_UNENCODABLE, str(target)) from None
    try:
        with _interrupts_raise():
            tmp = _temporary_name(target)
            try:
                _write_new(tmp, data)
                if force:
                    os.replace(tmp, target)
                else:
                    _link_exclusively(tmp, target)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
    except FileExistsError:
        raise InputError("file exists (written by someone else just now); not overwriting it", str(target),
                         hint="pass --force to overwrite") from None
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", str(target),
                         hint="check the folder, the free space and the file name's length") from None


_UNENCODABLE = "the text holds characters UTF-8 cannot carry (lone surrogates)"


def _encoded(pieces: Iterable[str], target: Path) -> Iterator[bytes]:
    for piece in pieces:
        try:
            yield piece.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(_UNENCODABLE, str(target)) from None


def _temporary_name(target: Path) -> str:
    # Hidden (history walkers skip dot files), random (48 bits), and short, so
    # that a long target name does not make it too long for the file system.
    return str(target.parent / f".{target.name[:32]}.{secrets.token_hex(6)}.tmp")


def _write_new(path: str | Path, data: bytes | Iterable[bytes]) -> None:
    """Create ``path`` (it must not exist) with mode 0666 less the umask, and write ``data``
    (bytes, or pieces of bytes as they come)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "wb") as f:
        if isinstance(data, bytes):
            f.write(data)
        else:
            f.writelines(data)


def _link_exclusively(tmp: str, target: Path) -> None:
    """Put ``tmp`` at ``target`` only if nothing is there (FileExistsError otherwise)."""
    try:
        os.link(tmp, target, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
            raise
        # A file system without hard links: create the target exclusively and
        # copy the written file into it (exclusive, though not all at once).
        try:
            with open(tmp, "rb") as written:
                _write_new(target, iter(lambda: written.read(1 << 20), b""))
        except FileExistsError:
            raise
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
            raise


class _Interrupted(BaseException):
    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _interrupts_raise():
    """While writing, SIGTERM and SIGHUP raise (as Ctrl-C does), so the
    temporary file is removed; the process then exits as the signal asked."""
    if threading.current_thread() is not threading.main_thread():
        yield                          # signal handlers belong to the main thread
        return
    signals = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None]

    def interrupted(signum, frame):
        raise _Interrupted(signum)
    previous = {s: signal.signal(s, interrupted) for s in signals}
    try:
        yield
    except _Interrupted as exc:
        raise SystemExit(128 + exc.signum) from None
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
