"""The schema pre-check answers as jsonschema does, or declines to answer.

It lets a valid rule base load without importing jsonschema (a third of a CLI
start); jsonschema still decides and words every invalid document.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imr_rules import schemas
from imr_rules.loader import FACT_PATTERNS_FILE, FACTS_FILE, ITEMS_FILE
from imr_rules.schemas.precheck import is_valid
from imr_rules.yamlio import load_document

ROOT = Path(__file__).resolve().parent.parent


def shipped() -> list[tuple[Path, str]]:
    """Every shipped YAML document with the schema it must satisfy."""
    special = {FACTS_FILE: "facts", ITEMS_FILE: "items", FACT_PATTERNS_FILE: "fact_patterns"}
    out = [(p, "guidelines") for p in sorted((ROOT / "guidelines").glob("*.yaml"))]
    out += [(p, special.get(p.name, "rules")) for p in sorted((ROOT / "rules").glob("*.yaml"))]
    out += [(p, "case") for p in sorted((ROOT / "examples").glob("*.yaml"))]
    out += [(p, "case") for p in sorted((ROOT / "tests" / "historical").glob("*.yaml")) if not p.name.startswith("_")]
    return out


SHIPPED = [(load_document(p).data, name) for p, name in shipped()]


def authority(name: str):
    schema = schemas.load(name)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


VALIDATORS = {name: authority(name) for name in schemas.names()}


@pytest.mark.parametrize("path,name", shipped(), ids=lambda x: getattr(x, "name", x))
def test_every_shipped_document_is_decided_valid(path, name):
    # If the pre-check declined these, every start would import jsonschema again.
    assert is_valid(load_document(path).data, schemas.load(name)) is True


# -- generated documents: mutations of the shipped ones ------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2, 70), st.floats(allow_nan=False, width=32),
                    st.sampled_from(["", "x", "sid", "id", "medically_necessary", "mtus", "non_mtus", "active",
                                     "2014-02-30", "2014-02-03", "==", "in", "9x", "with space", "boolean", "lumbar",
                                     "home_exercise_kit", "Goals", "a" * 70, "unspecified"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.sampled_from(["id", "x", "all", "any",
                                                                                        "not", "fact", "op",
                                                                                        "value", "text"]),
                                                                       inner, max_size=3)), max_leaves=6)


def _containers(doc, path=()):
    """Paths of every dict and list inside ``doc``."""
    if isinstance(doc, (dict, list)):
        yield path
        items = doc.items() if isinstance(doc, dict) else enumerate(doc)
        for k, v in items:
            yield from _containers(v, path + (k,))


def _at(doc, path):
    for k in path:
        doc = doc[k]
    return doc


@st.composite
def mutated(draw):
    data, name = draw(st.sampled_from(SHIPPED))
    doc = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_containers(doc))
        node = _at(doc, draw(st.sampled_from(paths)))
        if not node:
            continue
        if isinstance(node, dict):
            key = draw(st.sampled_from(sorted(node, key=str) + ["extra_key"]))
            action = draw(st.sampled_from(["replace", "delete", "replace"]))
            if action == "delete" and key in node:
                del node[key]
            else:
                node[key] = draw(values)
        else:
            i = draw(st.integers(0, len(node) - 1))
            action = draw(st.sampled_from(["replace", "delete", "duplicate"]))
            if action == "delete":
                del node[i]
            elif action == "duplicate":
                node.append(copy.deepcopy(node[i]))
            else:
                node[i] = draw(values)
    return doc, name


@settings(max_examples=1500, deadline=None)
@given(mutated())
def test_precheck_agrees_with_jsonschema_on_mutated_documents(case):
    doc, name = case
    answer = is_valid(doc, schemas.load(name))
    if answer is not None:
        assert answer == VALIDATORS[name].is_valid(doc), (name, doc)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(sorted(VALIDATORS)), values)
def test_precheck_agrees_with_jsonschema_on_arbitrary_values(name, doc):
    answer = is_valid(doc, schemas.load(name))
    if answer is not None:
        assert answer == VALIDATORS[name].is_valid(doc)


# -- the corners of JSON Schema it must get right, or decline -------------------

class _Text(str):
    """A str subclass: a type JSON has no name for (jsonschema takes it as a string)."""


@pytest.mark.parametrize("schema,instance,expected", [
    ({"enum": [1]}, True, False),                      # true is not 1 in JSON
    ({"enum": [1]}, 1.0, True),                        # but 1.0 is
    ({"const": [1, {"a": None}]}, [1, {"a": None}], True),
    ({"type": "integer"}, True, False),
    ({"type": "integer"}, 1.0, None),                  # an integer to JSON Schema: declined
    ({"type": "number"}, False, False),
    ({"type": "string", "pattern": "b"}, "abc", True),  # pattern is a search, not a full match
    ({"pattern": "^b"}, "abc", False),
    ({"pattern": "^b"}, 7, True),                       # string keywords ignore other types
    ({"minLength": 2}, "a", False),
    ({"maxLength": 2}, "abc", False),
    ({"minimum": 2}, 1, False),
    ({"maximum": 2}, 2.5, False),
    ({"minimum": 2}, True, True),                       # booleans are not numbers
    ({"minItems": 2}, [1], False),
    ({"maxItems": 1}, [1, 2], False),
    ({"minProperties": 1}, {}, False),
    ({"maxProperties": 1}, {"a": 1, "b": 2}, False),
    ({"required": ["a"]}, {"b": 1}, False),
    ({"propertyNames": {"pattern": "^[a-z]+$"}}, {"A": 1}, False),
    ({"items": {"type": "string"}}, ["a", 1], False),
    ({"allOf": [{"type": "string"}, {"minLength": 2}]}, "a", False),
    ({"anyOf": [{"type": "string"}, {"type": "null"}]}, 1, False),
    ({"anyOf": [{"type": "string"}, {"type": "null"}]}, None, True),
    ({"format": "date"}, "2014-02-30", False),
    ({"format": "date"}, "2014-02-28", True),
    ({"format": "date"}, 20140228, True),               # formats ignore other types
    ({"format": "email"}, "a@b", None),
    ({"not": {"required": ["x"]}}, {"x": 1}, False),
    ({"if": {"required": ["x"]}, "then": {"required": ["y"]}, "else": {"required": ["z"]}}, {"z": 1}, True),
    ({"if": {"required": ["x"]}, "then": {"required": ["y"]}}, {"x": 1}, False),
    ({"oneOf": [{"type": "string"}, {"maxLength": 3}]}, "ab", False),
    ({"properties": {"a": True}, "additionalProperties": False}, {"a": 1, "b": 2}, False),
    ({"patternProperties": {"^b": True}, "additionalProperties": False}, {"b": 2}, None),
    ({"prefixItems": [True], "items": False}, [1], None),
    ({"uniqueItems": True}, [1, True], True),
    ({"uniqueItems": True}, [{"a": 1}, {"a": 1.0}], False),
    ({"$ref": "#/$defs/s", "$defs": {"s": {"type": "string"}}}, 3, False),
    ({"$ref": "https://example.org/s"}, 3, None),
    ({"multipleOf": 2}, 3, None),                      # a keyword it does not know
    ({"type": "string"}, Path("x"), None),              # a value JSON has no type for
    ({"properties": {"a": {"type": "string", "maxLength": 2}}}, {"a": _Text("x")}, None),   # inlined leaf
    ({"items": {"type": "integer", "minimum": 0}}, [1, 2.0], None),
    ({"items": {"type": "integer", "minimum": 0}}, [1, -1], False),
    ({"pattern": "^a"}, _Text("b"), None),              # typed keywords without a type: exact types only
    ({"properties": {"a": {"enum": ["x", 1]}}}, {"a": 1.0}, True),
    ({"properties": {"a": {"enum": ["x", 1]}}}, {"a": "y"}, False),
    # Recursion through $ref, and two identical subschemas (one generated function).
    ({"$ref": "#/$defs/n", "$defs": {"n": {"type": "object", "additionalProperties": False, "properties": {
        "next": {"$ref": "#/$defs/n"}, "v": {"type": "string"}}}}}, {"next": {"next": {"v": 3}}}, False),
    ({"$ref": "#/$defs/n", "$defs": {"n": {"type": "object", "additionalProperties": False, "properties": {
        "next": {"$ref": "#/$defs/n"}, "v": {"type": "string"}}}}}, {"next": {"next": {"v": "x"}}}, True),
    ({"properties": {"a": {"not": {"type": "string"}}, "b": {"not": {"type": "string"}}}}, {"a": 1, "b": "x"}, False),
])
def test_corners(schema, instance, expected):
    assert is_valid(instance, schema) is expected
    if expected is not None:
        assert jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()) \
            .is_valid(instance) is expected


def test_loading_the_bundled_rule_base_and_a_jsonl_case_does_not_import_jsonschema():
    code = ("import sys\n"
            "from imr_rules.loader import load_rulebase\n"
            "from imr_rules.cases import parse_case_json_line\n"
            "rb = load_rulebase()\n"
            "parse_case_json_line('{\"case_id\": \"c\", \"items\": [{\"name\": \"Gym membership\"}]}', 'x', 1, rb)\n"
            "print('jsonschema' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_an_invalid_rule_file_is_still_worded_by_jsonschema(tmp_path):
    # The pre-check only says "invalid"; the message and line come from jsonschema.
    from imr_rules.yamlio import parse_document
    doc = parse_document("rules:\n  - id: r1\n    title: 5\n", "r.yaml")
    errors = schemas.errors(doc, "rules")
    assert errors and all(e.file == "r.yaml" for e in errors)
    assert any("title" in e.message or "required" in e.message for e in errors)
