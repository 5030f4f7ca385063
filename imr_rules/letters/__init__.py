"""Import IMR Final Determination Letters as case files.

>>> patterns = load_fact_patterns("rules/fact_patterns.yaml")
>>> case = import_letter_file("letter.txt", patterns=patterns)

Modules, in the order the data flows: ``normalize`` (undo the PDF layout),
``sections`` (summary and item blocks), ``summary`` (patient, diagnoses),
``citations`` (guideline basis), ``patterns`` (the fact pattern file),
``findings`` (facts from a rationale), ``importer`` (the case dict).
"""

from .errors import LetterError
from .importer import import_letter, import_letter_bytes, import_letter_file, letter_text
from .normalize import normalize
from .patterns import FactPatterns, load_fact_patterns

__all__ = ["FactPatterns", "LetterError", "import_letter", "import_letter_bytes", "import_letter_file", "letter_text",
           "load_fact_patterns", "normalize"]
