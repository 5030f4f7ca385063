"""Where the bundled rule, guideline and example folders are.

In a wheel they are copied to ``imr_rules/_bundled/`` (see pyproject.toml);
in a source checkout (or an editable install) they are the top-level folders
beside the package. The bundled copy wins, so an installed package never reads
a stray ``rules/`` folder that happens to sit beside site-packages.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """Path of the bundled folder ``name`` (``rules``, ``guidelines`` or ``examples``)."""
    installed = _PACKAGE / "_bundled" / name
    if installed.is_dir():
        return installed
    source = _PACKAGE.parent / name
    if source.is_dir() and (_PACKAGE.parent / "pyproject.toml").is_file():
        return source
    raise FileNotFoundError(f"bundled folder {name!r} is missing from the installation")


def bundled_or_none(name: str) -> Path | None:
    """:func:`bundled`, or None when the installation lacks the folder."""
    try:
        return bundled(name)
    except FileNotFoundError:
        return None
