"""The JSON API under ``/v1``, FHIR, and CDS Hooks (documented in openapi.json beside this file).

Handlers parse, hand the work to the engine thread, and shape the answer;
invalid input raises :class:`~imr_rules.errors.InputError`, which becomes a
422 problem with the CLI's message and hint (see app.py).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import __version__
from ..conditions import facts_used
from ..errors import InputError, InputErrors
from ..render import to_json
from . import cds, fhir
from .problems import Problem
from .questions import questionnaire_json
from .reviews import ReviewStore, with_answers, with_ids
from .workbench import Workbench

REQUEST_BODY = "request body"
LETTER_SUFFIXES = (".txt", ".pdf")


def openapi_text() -> str:
    return resources.files(__package__).joinpath("openapi.json").read_text("utf-8")


@lru_cache(maxsize=None)
def _validator(name: str):
    import jsonschema
    components = json.loads(openapi_text())["components"]
    schema = {"$ref": f"#/components/schemas/{name}", "components": components}
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def check_body(data, name: str) -> None:
    """Refuse a body that does not match its schema in openapi.json (every problem, with its path)."""
    found = sorted(_validator(name).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if found:
        raise InputErrors([InputError(f"{'/'.join(str(p) for p in e.absolute_path) or 'body'}: {e.message}",
                                      REQUEST_BODY, hint=f"see components/schemas/{name} in /openapi.json")
                           for e in found[:20]])


def json_response(data) -> Response:
    return Response(to_json(data, None), media_type="application/json")


async def json_body(request: Request) -> bytes:
    """The body of a JSON request (415 for any other type)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json" and not (kind.startswith("application/") and kind.endswith("+json")):
        raise Problem(415, f"send JSON (Content-Type: application/json), not {kind or 'no type'!r}",
                      hint="set the Content-Type header to application/json")
    return await request.body()


def parse_json(body: bytes, where: str = REQUEST_BODY):
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError("the body is not valid UTF-8", where, hint="send UTF-8 JSON") from None
    except ValueError as exc:
        raise InputError(f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", where,
                         exc.lineno, hint="send one JSON object") from None


async def upload(request: Request, field: str = "file") -> tuple[bytes, str]:
    """The bytes and name of one uploaded file (multipart/form-data)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "multipart/form-data":
        raise Problem(415, "upload the file as multipart/form-data", hint=f"send the file in a form field {field!r}")
    async with request.form(max_files=1, max_fields=8) as form:
        sent = form.get(field)
        if sent is None or isinstance(sent, str):
            raise InputError(f"no file in the form field {field!r}", REQUEST_BODY,
                             hint=f"send the file in a form field named {field!r}")
        data = await sent.read()
        # Only the name's last part is kept, as a label: no request ever names a server file.
        name = (sent.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1] or "upload"
        return data, name


class Api:
    """The API's handlers, over one workbench and the review store (for CDS Hooks links)."""

    def __init__(self, wb: Workbench, store: ReviewStore):
        self.wb, self.store = wb, store
        rb = wb.rb
        self._catalog = {
            "facts": [{k: v for k, v in {"id": f.id, "type": f.type, "description": f.description,
                                         "question": f.question, "values": list(f.values) if f.values else None,
                                         "unit": f.unit}.items() if v is not None} for f in rb.facts.values()],
            "rules": [{"id": r.id, "title": r.title, "tier": r.tier, "priority": r.priority, "status": r.status,
                       "determination": r.determination, "finding": r.finding,
                       "applies_to": {"categories": sorted(r.applies_to.categories),
                                      "body_regions": sorted(r.applies_to.body_regions)
                                      if r.applies_to.body_regions is not None else None,
                                      "except_body_regions": sorted(r.applies_to.except_body_regions)},
                       "facts": list(facts_used(r.when)), "cites": [e.id for e in r.cites],
                       "effective_from": r.effective_from.isoformat() if r.effective_from else None,
                       "effective_until": r.effective_until.isoformat() if r.effective_until else None}
                      for r in rb.rules],
            "excerpts": [{"id": e.id, "guideline_id": e.guideline.id, "guideline": e.guideline.title,
                          "edition": e.guideline.edition, "tier": e.tier, "chapter": e.guideline.chapter,
                          "section": e.section, "pages": e.pages, "citation": e.citation(), "text": e.text}
                         for e in rb.excerpts.values()],
        }

    async def health(self, request: Request):
        return JSONResponse({"status": "ok"})

    async def version(self, request: Request):
        rb = self.wb.rb
        return JSONResponse({"tool_version": __version__, "ruleset": {"fingerprint": rb.fingerprint},
                             "counts": {"rules": len(rb.rules), "facts": len(rb.facts), "excerpts": len(rb.excerpts)}})

    async def facts(self, request: Request):
        return json_response({"facts": self._catalog["facts"]})

    async def rules(self, request: Request):
        return json_response({"rules": self._catalog["rules"]})

    async def excerpts(self, request: Request):
        return json_response({"excerpts": self._catalog["excerpts"]})

    async def openapi(self, request: Request):
        return Response(openapi_text(), media_type="application/json")

    async def evaluate(self, request: Request):
        body = await json_body(request)
        return json_response(await self.wb.run(self.wb.evaluate_bytes, body, REQUEST_BODY))

    async def questionnaire(self, request: Request):
        body = await json_body(request)
        result = await self.wb.run(self.wb.evaluate_bytes, body, REQUEST_BODY)
        return json_response(questionnaire_json(self.wb.rb, result))

    async def letters(self, request: Request):
        data, name = await upload(request)
        if not name.lower().endswith(LETTER_SUFFIXES):
            raise Problem(415, "upload a determination letter (.txt or .pdf)", hint="name the file LETTER.txt")
        case, _text = await self.wb.run(self.wb.letter, data, name)
        return json_response(case)

    async def fhir_questionnaire(self, request: Request):
        body = await json_body(request)
        result = await self.wb.run(self.wb.evaluate_bytes, body, REQUEST_BODY)
        return json_response(fhir.questionnaire(self.wb.rb, result, request.query_params.get("item")))

    async def fhir_response(self, request: Request):
        data = parse_json(await json_body(request))
        check_body(data, "QuestionnaireResponseRequest")
        case = with_ids(data["case"])
        answers = fhir.answers_from_response(self.wb.rb, data["response"], case)
        answered = with_answers(case, answers)
        result = await self.wb.run(self._evaluate_dict, answered)
        return json_response({"case": answered, "result": result})

    async def cds_discovery(self, request: Request):
        return JSONResponse(cds.discovery())

    async def cds_order_sign(self, request: Request):
        if request.path_params["service_id"] != cds.SERVICE_ID:
            raise Problem(404, "no such CDS service", hint=f"the service is {cds.SERVICE_ID!r} (GET /cds-services)")
        body = parse_json(await json_body(request))
        check_body(body, "CdsRequest")
        case = cds.case_from_request(body)
        result = await self.wb.run(self._evaluate_dict, case)
        review = self.store.add(case)
        return JSONResponse(cds.cards(result, str(request.url_for("review", review_id=review.id))))

    def _evaluate_dict(self, case: dict) -> dict:
        # Re-read through case_document so the catalog errors say where, as for any body.
        return self.wb.evaluate_bytes(json.dumps(case).encode(), REQUEST_BODY)

