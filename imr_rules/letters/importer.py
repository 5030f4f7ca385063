"""Assemble a case file dict from a letter: the data flow of the importer.

text -> normalize -> split_letter (summary, item blocks) -> patient, diagnoses,
guideline basis, findings per item -> facts shared by every item hoisted to
the case -> case dict (the project's case format).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..yamlio import MAX_FILE_BYTES, decode_text, read_bytes
from . import summary as _summary
from .citations import parse_basis
from .errors import LetterError
from .findings import Finding, item_findings
from .normalize import normalize
from .patterns import FactPatterns
from .sections import split_letter

#: Without a statement to the contrary, an IMR letter reviews a UR denial.
DEFAULT_UR_DECISION = "non_certified"


def import_letter(text: str, *, source_file: str, sha256: str, patterns: FactPatterns,
                  chapters) -> dict:
    """The case dict of one determination letter; :class:`LetterError` if it is not one."""
    if not isinstance(text, str):
        raise LetterError("letter text must be a string", source_file)
    if len(text) > MAX_FILE_BYTES:
        raise LetterError(f"letter is over the {MAX_FILE_BYTES}-byte limit", source_file,
                          hint="check that this is a single determination letter")
    norm = normalize(text)
    if not norm.strip():
        raise LetterError("letter is empty", source_file,
                          hint="give the text of an IMR Final Determination Letter")
    letter = split_letter(norm, source_file)

    case: dict = {"case_id": Path(source_file).stem or source_file}
    summary = norm[letter.summary[0]:letter.summary[1]] if letter.summary else ""
    patient = _summary.patient(summary)
    if patient:
        case["patient"] = patient
    diagnoses = _summary.diagnoses(summary)
    if diagnoses:
        case["diagnoses"] = diagnoses
    case["ur_decision"] = DEFAULT_UR_DECISION

    items, history, per_item = [], {}, []
    for n, block in enumerate(letter.items, start=1):
        item_id = f"item-{n}"
        item: dict = {"id": item_id, "name": block.name}
        if block.quantity is not None:
            item["quantity"] = block.quantity
        items.append(item)
        per_item.append(item_findings(norm, block.rationale, patterns))
        record: dict = {"decision": block.decision}
        if block.claims_administrator:
            record["claims_administrator_guideline"] = block.claims_administrator
        if block.imr_guideline:
            record["imr_guideline"] = parse_basis(block.imr_guideline, chapters)
        if block.rationale:
            record["rationale"] = norm[block.rationale[0]:block.rationale[1]].replace("\n", " ")
        history[item_id] = record

    case_facts, case_evidence = _hoist(per_item, patterns.fact_ids)
    for item, found in zip(items, per_item):
        own = {k: f for k, f in found.items() if k not in case_facts}
        if own:
            item["facts"] = {k: f.value for k, f in own.items()}
            item["evidence"] = {k: _evidence(norm, f) for k, f in own.items()}
    case["items"] = items
    case["facts"] = case_facts
    case["evidence"] = {k: _evidence(norm, f) for k, f in case_evidence.items()}
    case["history"] = {"source": {"file": source_file, "sha256": sha256}, "items": history}
    return case


def _hoist(per_item: list[dict[str, Finding]], order) -> tuple[dict, dict[str, Finding]]:
    """Facts every item states, with one value: they are facts of the case.

    A case-level fact applies to every item, so it is hoisted only when every
    item's rationale states it (an item whose rationale is silent, such as
    aquatic therapy next to a gym membership, keeps the others' facts per item).
    The evidence quoted is the first item's.
    """
    facts, evidence = {}, {}
    for fact in order:
        found = [f.get(fact) for f in per_item]
        if found and all(f is not None for f in found) and len({f.value for f in found}) == 1:
            facts[fact] = found[0].value
            evidence[fact] = found[0]
    return facts, evidence


def _evidence(norm: str, f: Finding) -> dict:
    return {"value": f.value, "quote": norm[f.start:f.end], "start": f.start, "end": f.end}


def import_letter_file(path: str | os.PathLike, *, patterns: FactPatterns, chapters) -> dict:
    """Read a letter file (UTF-8 text) and import it; the case id is the file's stem."""
    raw = read_bytes(path, what="letter")       # read once: a FIFO cannot be read twice
    text = decode_text(raw, str(path), "letter")
    try:
        return import_letter(text, source_file=Path(path).name,
                             sha256=hashlib.sha256(raw).hexdigest(),
                             patterns=patterns, chapters=chapters)
    except LetterError as exc:
        exc.file = str(path)      # name the file as the user gave it
        raise
