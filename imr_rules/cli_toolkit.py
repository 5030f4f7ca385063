"""Commands of the toolkit area (see register)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `imr-rules` app."""
