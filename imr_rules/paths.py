"""How paths are shown to people and in reports."""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: str | os.PathLike | None) -> str | None:
    """The path as messages and reports show it: relative to the working folder
    when inside it, else absolute; always with ``/``.

    Baselines match disagreements by this path, so it must not depend on how
    the folder was spelled on the command line (``./tests`` vs ``tests``).
    """
    if path is None or path == "":
        return None
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()
