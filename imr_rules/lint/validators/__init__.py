"""The validator registry: every lint check, one class each."""

from __future__ import annotations

from .conclusions import ConclusionNotMasked, PatternReadsConclusion
from .logic import Conflict, Gap, NeverHolds, NotAddressedDecided, Shadowed
from .patterns import PatternMatchesNoLetter, UnsafeRegex
from .quotes import QuoteNotInExcerpt
from .references import (DuplicateDefinition, MissingExamples, UnresolvedReference, UnusedCategory,
                         UnusedExcerpt, UnusedFact)

#: Every validator, in the order their descriptions are listed (SARIF rules, JUnit test cases).
VALIDATORS = (
    UnresolvedReference, DuplicateDefinition, UnusedFact, UnusedExcerpt, UnusedCategory, MissingExamples,
    QuoteNotInExcerpt, Conflict, Gap, NotAddressedDecided, Shadowed, NeverHolds, UnsafeRegex, PatternMatchesNoLetter,
    PatternReadsConclusion, ConclusionNotMasked,
)
