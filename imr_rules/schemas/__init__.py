"""JSON Schemas shipped with the package, and validation with file:line errors.

Each schema is ``<name>.schema.json`` in this folder; ``imr-rules schema NAME``
prints one. Validation errors are turned into :class:`InputError` naming the
line of the offending value.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from ..errors import InputError
from ..yamlio import Document
from . import precheck


def names() -> list[str]:
    """Names of the shipped schemas (``rules``, ``facts``, ``case``, ...)."""
    folder = resources.files(__name__)
    return sorted(p.name[: -len(".schema.json")] for p in folder.iterdir()
                  if p.name.endswith(".schema.json"))


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """The schema called ``name`` as a dict."""
    if name not in names():
        raise InputError(f"no schema named {name!r}", hint=f"choose one of: {', '.join(names())}")
    text = resources.files(__name__).joinpath(f"{name}.schema.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=None)
def _validator(name: str):
    # Imported here, not at the top: see precheck.py for why valid documents
    # never need it.
    import jsonschema

    schema = load(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def errors(doc: Document, name: str) -> list[InputError]:
    """Every schema violation of ``doc`` against schema ``name``, in file order."""
    if precheck.is_valid(doc.data, load(name)):
        return []
    import jsonschema.exceptions

    found = []
    for err in _validator(name).iter_errors(doc.data):
        # For a oneOf/anyOf failure the most specific sub-error says more.
        best = jsonschema.exceptions.best_match([err]) if err.context else err
        path = tuple(best.absolute_path)
        error = doc.error(_describe(best), path, hint=_hint(best, name))
        error.path = tuple(err.absolute_path)       # where in the document (the loader skips that entry)
        found.append(error)
    found.sort(key=lambda e: (e.line or 0, e.message))
    return found


def validate(doc: Document, name: str) -> None:
    """Raise the first schema violation of ``doc`` as an :class:`InputError`."""
    found = errors(doc, name)
    if found:
        raise found[0]


def _describe(err) -> str:
    where = "/".join(str(p) for p in err.absolute_path)
    prefix = f"{where}: " if where else ""
    if err.validator == "additionalProperties":
        return prefix + err.message.replace("Additional properties are not allowed", "unknown key(s) not allowed")
    return prefix + err.message


def _hint(err, name: str) -> str:
    return f"see `imr-rules schema {name}` for the expected layout"
