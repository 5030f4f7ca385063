"""Write imr_rules/serve/openapi.json, the OpenAPI 3.1 document `imr-rules serve` serves.

The document is kept in the repository (integrators read it there) and built
by this script; tests/test_serve_api.py fails when the file differs from what
this script writes, e.g. after a change to the case schema, which the
document embeds as components/schemas/Case. Run: python tools/build_openapi.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "imr_rules" / "serve" / "openapi.json"
CASE_BASE = "#/components/schemas/Case"


def case_schema() -> dict:
    """The shipped case schema, its internal references pointed at where it sits in the document."""
    text = (ROOT / "imr_rules" / "schemas" / "case.schema.json").read_text(encoding="utf-8")
    case = json.loads(text.replace('"$ref": "#/', f'"$ref": "{CASE_BASE}/'))
    return {k: v for k, v in case.items() if k not in ("$schema", "$id")}


case = case_schema()
J = "application/json"
P = "application/problem+json"


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def ok(schema, desc="OK", media=J):
    return {"description": desc, "content": {media: {"schema": schema}}}


def prob(desc):
    return {"description": desc, "content": {P: {"schema": ref("Problem")}}}


# Responses every operation may give, and those of operations with a body.
COMMON = {"400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"},
          "503": {"$ref": "#/components/responses/Busy"}}
BODY = {"403": {"$ref": "#/components/responses/CrossSite"}, "413": {"$ref": "#/components/responses/TooLarge"}, "415": {"$ref": "#/components/responses/UnsupportedType"},
        "422": {"$ref": "#/components/responses/InvalidInput"}}


def post_json(op, summary, desc, schema, resp, tag, params=None):
    o = {"operationId": op, "summary": summary, "description": desc, "tags": [tag],
         "requestBody": {"required": True, "content": {J: {"schema": schema}}},
         "responses": {"200": resp, **BODY, **COMMON}}
    if params:
        o["parameters"] = params
    return {"post": o}


def get(op, summary, desc, resp, tag):
    return {"get": {"operationId": op, "summary": summary, "description": desc, "tags": [tag],
                    "responses": {"200": resp, **COMMON}}}


nullable_str = {"type": ["string", "null"]}
item = {"type": "object", "required": ["item_id", "name", "category", "body_region", "determination", "imr_outcome",
        "conflict", "basis", "rationale", "citations", "documentation_gaps", "fired_rules", "deciding_rules", "status", "review_note"],
        "properties": {
            "item_id": {"type": "string"}, "name": {"type": "string"}, "category": nullable_str, "body_region": {"type": "string"},
            "determination": ref("Determination"),
            "imr_outcome": {"enum": ["upheld", "overturned", None]},
            "conflict": {"type": "boolean"},
            "basis": {"oneOf": [{"type": "null"}, {"type": "object", "required": ["tier", "guideline_id", "guideline", "chapter", "section", "pages"],
                      "properties": {"tier": {"enum": ["mtus", "non_mtus"]}, "guideline_id": {"type": "string"}, "guideline": {"type": "string"},
                                     "chapter": {"type": "string"}, "section": {"type": "string"}, "pages": nullable_str}}]},
            "rationale": {"type": "string"},
            "citations": {"type": "array", "items": {"type": "object", "required": ["excerpt_id", "citation", "quote"],
                          "properties": {"excerpt_id": {"type": "string"}, "citation": {"type": "string"}, "quote": {"type": "string"}}}},
            "documentation_gaps": {"type": "array", "items": {"type": "object", "required": ["fact", "question"],
                                   "properties": {"fact": {"type": "string"}, "question": {"type": "string"}}}},
            "fired_rules": {"type": "array", "items": {"type": "string"}},
            "deciding_rules": {"type": "array", "items": {"type": "string"}},
            "status": {"const": "draft"}, "review_note": {"type": "string"}}}
result = {"type": "object", "description": "The JSON contract of `imr-rules evaluate --format json` (more keys may be added, none removed).",
          "required": ["case_id", "tool_version", "ruleset", "items"],
          "properties": {"case_id": {"type": "string"}, "tool_version": {"type": "string"}, "ruleset": ref("Ruleset"),
                         "items": {"type": "array", "items": ref("ItemResult")}}}
question = {"type": "object", "required": ["fact", "question", "type", "description"],
            "properties": {"fact": {"type": "string"}, "question": {"type": "string"},
                           "type": {"enum": ["boolean", "number", "enum", "date", "string"]}, "description": {"type": "string"},
                           "values": {"type": "array", "items": {"type": "string"}}, "unit": {"type": "string"}}}
questionnaire = {"type": "object", "required": ["case_id", "ruleset", "items"], "properties": {
    "case_id": {"type": "string"}, "ruleset": ref("Ruleset"),
    "items": {"type": "array", "items": {"type": "object", "required": ["item_id", "name", "determination", "questions"],
              "properties": {"item_id": {"type": "string"}, "name": {"type": "string"}, "determination": ref("Determination"),
                             "questions": {"type": "array", "items": ref("Question")}}}}}}
fact = {"type": "object", "required": ["id", "type", "description", "question"], "properties": {
    "id": {"type": "string"}, "type": {"enum": ["boolean", "number", "enum", "date", "string"]}, "description": {"type": "string"},
    "question": {"type": "string"}, "values": {"type": "array", "items": {"type": "string"}}, "unit": {"type": "string"}}}
rule = {"type": "object", "required": ["id", "title", "tier", "priority", "status", "determination", "finding", "applies_to", "facts", "cites"],
        "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "tier": {"enum": ["mtus", "non_mtus"]},
                       "priority": {"type": "integer"}, "status": {"enum": ["active", "draft", "retired"]},
                       "determination": ref("Determination"), "finding": {"type": "string"},
                       "applies_to": {"type": "object", "required": ["categories", "body_regions", "except_body_regions"], "properties": {
                           "categories": {"type": "array", "items": {"type": "string"}},
                           "body_regions": {"type": ["array", "null"], "items": {"type": "string"}},
                           "except_body_regions": {"type": "array", "items": {"type": "string"}}}},
                       "facts": {"type": "array", "items": {"type": "string"}}, "cites": {"type": "array", "items": {"type": "string"}},
                       "effective_from": {"type": ["string", "null"], "format": "date"}, "effective_until": {"type": ["string", "null"], "format": "date"}}}
excerpt = {"type": "object", "required": ["id", "guideline_id", "guideline", "edition", "tier", "chapter", "section", "pages", "citation", "text"],
           "properties": {k: {"type": "string"} for k in ("id", "guideline_id", "guideline", "edition", "chapter", "section", "citation", "text")}}
excerpt["properties"]["tier"] = {"enum": ["mtus", "non_mtus"]}
excerpt["properties"]["pages"] = nullable_str
problem = {"type": "object", "description": "RFC 9457 problem details. For invalid input, `errors` lists every problem with the message and hint the CLI prints for the same input.",
           "required": ["type", "title", "status", "detail"], "properties": {
    "type": {"type": "string", "format": "uri-reference"}, "title": {"type": "string"}, "status": {"type": "integer"},
    "detail": {"type": "string"}, "hint": {"type": "string"}, "request_id": {"type": "string"},
    "errors": {"type": "array", "items": {"type": "object", "required": ["message", "where", "line", "hint", "text"], "properties": {
        "message": {"type": "string"}, "where": nullable_str, "line": {"type": ["integer", "null"]}, "hint": nullable_str, "text": {"type": "string"}}}}}}
fhir_q = {"type": "object", "description": "A FHIR R4 Questionnaire: a group per requested item, a question per open fact (linkId ITEM/FACT); version is the rule set fingerprint.",
          "required": ["resourceType", "status", "version", "item"], "properties": {
    "resourceType": {"const": "Questionnaire"}, "status": {"const": "draft"}, "version": {"type": "string"}, "url": {"type": "string"},
    "name": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
    "subjectType": {"type": "array", "items": {"type": "string"}}, "item": {"type": "array", "items": {"type": "object"}}}}
qr_req = {"type": "object", "required": ["case", "response"], "properties": {
    "case": ref("Case"),
    "response": {"type": "object", "description": "A FHIR R4 QuestionnaireResponse answering the questionnaire of this case.",
                 "required": ["resourceType", "status"], "properties": {"resourceType": {"const": "QuestionnaireResponse"},
                 "status": {"enum": ["in-progress", "completed", "amended", "entered-in-error", "stopped"]},
                 "questionnaire": {"type": "string"}, "item": {"type": "array", "items": {"type": "object"}}}}}}
qr_resp = {"type": "object", "required": ["case", "result"], "properties": {
    "case": {"type": "object", "description": "The case with the answers as item facts, each with `source: reviewer` evidence."},
    "result": ref("Result")}}
cds_disc = {"type": "object", "required": ["services"], "properties": {"services": {"type": "array", "items": {
    "type": "object", "required": ["hook", "id", "description"], "properties": {
        "hook": {"type": "string"}, "id": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
        "usageRequirements": {"type": "string"}}}}}}
cds_req = {"type": "object", "required": ["hook", "hookInstance", "context"], "properties": {
    "hook": {"const": "order-sign"}, "hookInstance": {"type": "string"}, "fhirServer": {"type": "string"},
    "context": {"type": "object", "required": ["userId", "patientId", "draftOrders"], "properties": {
        "userId": {"type": "string"}, "patientId": {"type": "string"}, "encounterId": {"type": "string"},
        "draftOrders": {"type": "object", "description": "A FHIR Bundle of the draft orders (ServiceRequest, DeviceRequest, MedicationRequest...).",
                        "required": ["resourceType", "entry"], "properties": {"resourceType": {"const": "Bundle"},
                        "entry": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["resource"],
                                  "properties": {"resource": {"type": "object", "required": ["resourceType"], "properties": {"resourceType": {"type": "string"}, "id": {"type": "string"}}}}}}}}}},
    "prefetch": {"type": "object"}}}
card = {"type": "object", "required": ["summary", "indicator", "detail", "source", "links"], "properties": {
    "summary": {"type": "string", "maxLength": 139}, "indicator": {"enum": ["info", "warning", "critical"]},
    "detail": {"type": "string", "description": "Markdown: the basis, the rationale, the documentation still missing, the review note."},
    "source": {"type": "object", "required": ["label"], "properties": {"label": {"type": "string"}}},
    "links": {"type": "array", "items": {"type": "object", "required": ["label", "url", "type"], "properties": {
        "label": {"type": "string"}, "url": {"type": "string", "format": "uri"}, "type": {"const": "absolute"}}}}}}
doc = {
 "openapi": "3.1.0",
 "info": {"title": "imr-rules workbench API", "version": "1",
          "summary": "Draft cited IMR-style medical-necessity decisions from MTUS/ODG guideline rules.",
          "description": "Every result is a draft: a denial needs a physician reviewer (Labor Code section 4610). Served by `imr-rules serve`; this document is kept in the repository at imr_rules/serve/openapi.json. Bodies are limited to 5 MB; errors are RFC 9457 problem documents. When the server was started with `--token`, every request needs `Authorization: Bearer TOKEN`.",
          "license": {"name": "Proprietary"}},
 "servers": [{"url": "http://127.0.0.1:8000", "description": "imr-rules serve (default bind)"}],
 "security": [{}, {"bearer": []}],
 "tags": [{"name": "drafts"}, {"name": "rule base"}, {"name": "service"}, {"name": "FHIR"}, {"name": "CDS Hooks"}],
 "paths": {
  "/v1/health": get("health", "Health check", "Answers while the server runs.", ok({"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}}), "service"),
  "/v1/version": get("version", "Tool version and rule set fingerprint", "The version of imr-rules and the sha256 fingerprint of the rule and guideline files every result is stamped with.", ok(ref("Version")), "service"),
  "/v1/facts": get("facts", "The fact catalog", "Every fact a rule may test or a case may state, with its type and the question asked when it is missing.", ok({"type": "object", "required": ["facts"], "properties": {"facts": {"type": "array", "items": ref("Fact")}}}), "rule base"),
  "/v1/rules": get("rules", "The rules", "Every rule of the rule base: what it applies to, the facts it reads, its determination, tier, priority and cited excerpts.", ok({"type": "object", "required": ["rules"], "properties": {"rules": {"type": "array", "items": ref("Rule")}}}), "rule base"),
  "/v1/excerpts": get("excerpts", "The guideline excerpts", "Verbatim guideline text with its citation.", ok({"type": "object", "required": ["excerpts"], "properties": {"excerpts": {"type": "array", "items": ref("Excerpt")}}}), "rule base"),
  "/v1/evaluate": post_json("evaluate", "Draft decisions for a case", "The same JSON contract as `imr-rules evaluate --format json`. The body is a case (JSON).", ref("Case"), ok(ref("Result")), "drafts"),
  "/v1/questionnaire": post_json("questionnaire", "The open questions of a case", "Per item, the facts that an applicable rule still needs (its documentation gaps), typed from the fact catalog.", ref("Case"), ok(ref("Questionnaire")), "drafts"),
  "/v1/letters": {"post": {"operationId": "importLetter", "summary": "Import a determination letter", "description": "Upload an IMR final determination letter; returns the case `imr-rules import-letter` writes (facts with their evidence quotes and offsets, history). The file name only names the case.", "tags": ["drafts"],
      "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary", "description": "The letter (.pdf or .txt)"}}}}}},
      "responses": {"200": ok({"type": "object", "required": ["case_id", "items"], "description": "A case file (see Case)."}), **BODY, **COMMON}}},
  "/v1/fhir/questionnaire": post_json("fhirQuestionnaire", "A FHIR R4 Questionnaire of a case's open facts", "One group per requested item (or only `item`), one question per open fact, typed; the rule set fingerprint is its version.", ref("Case"), ok(ref("FhirQuestionnaire"), media=J), "FHIR",
      params=[{"name": "item", "in": "query", "required": False, "schema": {"type": "string"}, "description": "Only this item's questions."}]),
  "/v1/fhir/questionnaire-response": post_json("fhirQuestionnaireResponse", "Answer with a FHIR QuestionnaireResponse", "The answers (linkId ITEM/FACT) become the items' facts with `source: reviewer` evidence; returns that case and its drafts.", ref("QuestionnaireResponseRequest"), ok(ref("QuestionnaireResponseResult")), "FHIR"),
  "/cds-services": get("cdsDiscovery", "CDS Hooks discovery", "The order-sign service.", ok(ref("CdsDiscovery")), "CDS Hooks"),
  "/cds-services/{service_id}": post_json("cdsOrderSign", "CDS Hooks order-sign", "One card per draft order: the draft determination, an indicator, the rationale (Markdown), the guideline, and a link to the review page.", ref("CdsRequest"), ok({"type": "object", "required": ["cards"], "properties": {"cards": {"type": "array", "items": ref("CdsCard")}}}), "CDS Hooks",
      params=[{"name": "service_id", "in": "path", "required": True, "schema": {"enum": ["imr-rules-order-sign"]}}]),
  "/openapi.json": get("openapi", "This document", "The OpenAPI 3.1 document of this API.", ok({"type": "object"}), "service"),
 },
 "components": {
  "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "The token `imr-rules serve --token` was started with (required for non-loopback binds)."}},
  "responses": {
    "BadRequest": prob("A malformed request (e.g. broken multipart data), or a Host header a loopback server does not answer to."),
    "Unauthorized": prob("The server requires its bearer token."),
    "CrossSite": prob("A browser request sent by another site's page."),
    "Busy": prob("Too many requests wait for the engine: try again (Retry-After)."),
    "TooLarge": prob("The body is over 5 MB."),
    "UnsupportedType": prob("The body or file is not of a type this operation reads."),
    "InvalidInput": prob("Invalid input: the CLI's messages and hints, with lines where the body has them."),
  },
  "schemas": {
    "Case": case, "Result": result, "ItemResult": item,
    "Determination": {"enum": ["medically_necessary", "not_medically_necessary", "insufficient_information", "not_addressed"]},
    "Ruleset": {"type": "object", "required": ["fingerprint"], "properties": {"fingerprint": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"}}},
    "Version": {"type": "object", "required": ["tool_version", "ruleset", "counts"], "properties": {"tool_version": {"type": "string"}, "ruleset": ref("Ruleset"),
                "counts": {"type": "object", "required": ["rules", "facts", "excerpts"], "properties": {k: {"type": "integer", "minimum": 0} for k in ("rules", "facts", "excerpts")}}}},
    "Question": question, "Questionnaire": questionnaire, "Fact": fact, "Rule": rule, "Excerpt": excerpt, "Problem": problem,
    "FhirQuestionnaire": fhir_q, "QuestionnaireResponseRequest": qr_req, "QuestionnaireResponseResult": qr_resp,
    "CdsDiscovery": cds_disc, "CdsRequest": cds_req, "CdsCard": card,
  }}}
doc["paths"]["/cds-services/{service_id}"]["post"]["responses"]["404"] = prob("No CDS service of that id.")


def text() -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    TARGET.write_text(text(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}", file=sys.stderr)
