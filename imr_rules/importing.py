"""Letters as cases: import a determination letter with the rule base's fact patterns."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .cases import Case, case_from_document
from .errors import InputError
from .model import RuleBase
from .yamlio import MAX_FILE_BYTES, Document


def letter_case_dict(path: str | Path, rb: RuleBase) -> dict:
    """The case-file dict of a determination letter (see ``imr-rules import-letter``)."""
    from .letters import import_letter_file
    return import_letter_file(path, patterns=_required_patterns(rb))


def letter_text_from_bytes(data: bytes, filename: str) -> str:
    """The text of an uploaded letter, PDF or UTF-8 text (evidence offsets point into
    ``letters.normalize`` of it)."""
    from .letters import letter_text
    from .letters.pdf import is_pdf
    name = Path(filename).name or "letter"
    if not is_pdf(data) and len(data) > MAX_FILE_BYTES:
        raise InputError(f"letter is {len(data)} bytes, over the {MAX_FILE_BYTES}-byte limit", name,
                         hint="check that this is a single determination letter")
    return letter_text(data, name)


def letter_case_from_bytes(data: bytes, filename: str, rb: RuleBase) -> dict:
    """The case dict ``import-letter`` writes, from an uploaded letter's bytes (PDF or text).

    ``filename`` only names the letter; nothing is read from disk.
    """
    return letter_case_and_text(data, filename, rb)[0]


def letter_case_and_text(data: bytes, filename: str, rb: RuleBase) -> tuple[dict, str]:
    """The case dict of an uploaded letter and the letter's text (read once: a PDF's text layer costs)."""
    from .letters import import_letter
    name = Path(filename).name or "letter"
    text = letter_text_from_bytes(data, name)
    case = import_letter(text, source_file=name, sha256=hashlib.sha256(data).hexdigest(),
                         patterns=_required_patterns(rb))
    return case, text


def _required_patterns(rb: RuleBase):
    patterns = fact_patterns(rb)
    if patterns is None:
        raise InputError("the rules folder has no fact_patterns.yaml", rb.rules_dir,
                         hint="letters need fact patterns to find the record's facts")
    return patterns


_cache: dict[tuple[str, str], object] = {}


def fact_patterns(rb: RuleBase):
    """The rule base's fact patterns (``imr_rules.letters.FactPatterns``), or None when it has none.

    Compiled once per rule base per process (a backtest imports thousands of
    letters with the same patterns); the rule base's fingerprint covers the
    pattern file, so an edited file is compiled again."""
    if not rb.fact_patterns_file:
        return None
    key = (rb.fact_patterns_file, rb.fingerprint)
    if key not in _cache:
        if len(_cache) >= 16:
            _cache.clear()
        _cache[key] = _load_patterns(rb.fact_patterns_file)
    return _cache[key]


def _load_patterns(path: str):
    """The compiled pattern file, from the cache when none of the files it was compiled
    from has changed (each process of a backtest --jobs N needs it: 0.95 s to compile,
    0.17 s to read back)."""
    from . import rulebase_cache
    from .letters.patterns import FactPatterns, inputs_digest, load_fact_patterns
    kept = rulebase_cache.get_patterns(path)
    if (kept is not None and isinstance(kept[1], FactPatterns) and kept[1].file == path
            and kept[0] == inputs_digest(path, kept[1].guideline_sources)):
        return kept[1]
    patterns = load_fact_patterns(path)
    digest = inputs_digest(path, patterns.guideline_sources)
    if digest is not None:
        rulebase_cache.put_patterns(path, digest, patterns)
    return patterns


def case_from_letter(path: str | Path, rb: RuleBase) -> Case:
    """A determination letter as a validated :class:`Case`, in memory."""
    return case_from_document(Document(letter_case_dict(path, rb), str(path), {}), rb, schema_checked=True)


def case_yaml(case: dict, source: str) -> str:
    """A case dict as a reviewed-by-a-person YAML case file (deterministic)."""
    import yaml
    from . import __version__
    header = (f"# Imported from the determination letter {Path(source).name} by imr-rules {__version__}.\n"
              "# Review the facts and their evidence against the letter before relying on it.\n")
    return header + yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100)


def import_letters(paths: list[str], rb: RuleBase, out_dir: str | None, force: bool):
    """Import every letter; yield (path, output text or None, error or None).

    With ``out_dir`` each case is written to ``out_dir/<stem>.yaml`` (atomically,
    never over an existing file without ``force``) and the text yielded is the
    path written; without it, the YAML itself is yielded for printing. Two
    letters of one batch with the same stem would write the same file: the
    second is refused, even with ``force``.
    """
    from .output import write_atomic
    written: dict[str, str] = {}        # case-folded name written -> the letter it came from
    for path in paths:
        try:
            target = Path(out_dir) / f"{Path(path).stem}.yaml" if out_dir is not None else None
            if target is not None and target.name.casefold() in written:
                raise InputError(f"{target.name} was written from another letter of this batch "
                                 f"({written[target.name.casefold()]})", path,
                                 hint="rename one of the two letters, or import them into different folders")
            text = case_yaml(letter_case_dict(path, rb), path)
            if target is None:
                yield path, text, None
            else:
                write_atomic(target, text, force)
                written[target.name.casefold()] = path
                yield path, str(target), None
        except InputError as exc:
            yield path, None, exc
