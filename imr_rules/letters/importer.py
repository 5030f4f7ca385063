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
from .citations import parse_citations
from .header import letter_header, reviewer
from .errors import LetterError
from .findings import Finding, item_findings
from .normalize import normalize
from .patterns import FactPatterns
from .pdf import MAX_PDF_BYTES, is_pdf, pdf_text
from .sections import split_letter

#: Without a statement to the contrary, an IMR letter reviews a UR denial.
DEFAULT_UR_DECISION = "non_certified"
#: Limits of the case format (schemas/case.schema.json) that a letter could exceed.
MAX_CASE_ID, MAX_ITEMS, MAX_NAME = 200, 200, 500
#: Header fields kept under ``letter:`` (the date of injury goes to the patient).
_LETTER_FIELDS = ("case_number", "date_assigned", "decision_date", "ur_denial_date", "priority",
                  "application_received")


def import_letter(text: str, *, source_file: str, sha256: str, patterns: FactPatterns) -> dict:
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
    if len(letter.items) > MAX_ITEMS:
        raise LetterError(f"the letter lists {len(letter.items)} disputed items, more than the {MAX_ITEMS} "
                          "a case can hold", source_file, hint="split the letter, or check that it is one letter")
    header = letter_header(text)

    case: dict = {"case_id": _case_id(header.get("case_number"), source_file)}
    summary = norm[letter.summary[0]:letter.summary[1]] if letter.summary else ""
    patient = _summary.patient(summary)
    if header.get("date_of_injury"):
        # The header is the record's own field; the summary's wording can differ.
        patient["date_of_injury"] = header["date_of_injury"]
    if patient:
        case["patient"] = patient
    diagnoses = _summary.diagnoses(summary)
    if diagnoses:
        case["diagnoses"] = diagnoses
    about = {k: header[k] for k in _LETTER_FIELDS if k in header}
    credentials = reviewer(norm[letter.credentials[0]:letter.credentials[1]]) if letter.credentials else {}
    if credentials:
        about["reviewer"] = credentials
    if about:
        case["letter"] = about
    if header.get("ur_denial_date"):
        # The request was made before UR denied it: the denial date is the
        # latest date the request can have, so rules in force then apply.
        case["request_date"] = header["ur_denial_date"]
    case["ur_decision"] = DEFAULT_UR_DECISION

    items, history, per_item = [], {}, []
    for n, block in enumerate(letter.items, start=1):
        item_id = f"item-{n}"
        if len(block.name) > MAX_NAME:
            raise LetterError(f"item {n}'s name is {len(block.name)} characters, over the {MAX_NAME} a case "
                              "allows", source_file, hint="check the letter's heading for that item: the importer "
                              "could not find where the name begins")
        item: dict = {"id": item_id, "name": block.name}
        if block.quantity is not None:
            item["quantity"] = block.quantity
        if block.original_request:
            item["original_request"] = block.original_request
            item["authorized"] = block.authorized
        items.append(item)
        per_item.append(item_findings(norm, block.rationale, patterns))
        record: dict = {"decision": block.decision}
        if block.claims_administrator:
            record["claims_administrator_guideline"] = block.claims_administrator
            record["claims_administrator_citations"] = parse_citations(block.claims_administrator)[0]
        if block.imr_guideline:
            cited, none = parse_citations(block.imr_guideline)
            if cited:
                # The first citation, as earlier versions gave it.
                record["imr_guideline"] = {**cited[0], "raw": block.imr_guideline}
            record["imr_citations"] = cited
            if none:
                record["no_citation"] = True
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


def _case_id(case_number: str | None, source_file: str) -> str:
    """The letter's case number, else the file's stem, within the case format's limit."""
    case_id = case_number or Path(source_file).stem or source_file or "letter"
    return case_id[:MAX_CASE_ID]


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


def import_letter_file(path: str | os.PathLike, *, patterns: FactPatterns) -> dict:
    """Read a letter file (PDF, or UTF-8 text) and import it."""
    data = read_letter_bytes(path)
    return import_letter_bytes(data, source_file=str(path), patterns=patterns)


def import_letter_bytes(data: bytes, *, source_file: str, patterns: FactPatterns) -> dict:
    """Import a letter given as the bytes of a PDF or of UTF-8 text; errors name ``source_file``."""
    text = letter_text(data, source_file)
    try:
        return import_letter(text, source_file=Path(source_file).name,
                             sha256=hashlib.sha256(data).hexdigest(), patterns=patterns)
    except LetterError as exc:
        exc.file = source_file      # name the file as the user gave it
        raise


def letter_text(data: bytes, source_file: str) -> str:
    """The text of a letter from its file's bytes: the text layer of a PDF, or UTF-8 text."""
    if is_pdf(data):
        return pdf_text(data, source_file)
    return decode_text(data, source_file, "letter")


def read_letter_bytes(path: str | os.PathLike) -> bytes:
    """The bytes of a letter file: a PDF up to :data:`MAX_PDF_BYTES`, text up to the
    1 MiB of every text input (at most the limit plus one byte is ever read)."""
    data = read_bytes(path, "letter", MAX_PDF_BYTES)
    if not is_pdf(data) and len(data) > MAX_FILE_BYTES:
        raise LetterError(f"letter is over the {MAX_FILE_BYTES}-byte limit", str(path),
                          hint="check that this is a single determination letter")
    return data
