"""The one error type of the letter importer."""

from __future__ import annotations

from ..errors import InputError


class LetterError(InputError):
    """The text is not a usable IMR Final Determination Letter.

    Raised for empty text, for text that is not a determination letter (no
    "IMR ISSUES, DECISIONS AND RATIONALES" section, or no item with an
    Upheld/Overturned decision) and for oversized input. It is an
    :class:`InputError`, so the CLI prints it and exits 2.
    """
