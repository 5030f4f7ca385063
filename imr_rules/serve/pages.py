"""The reviewer's pages: start a review, answer its questions, export the draft.

Server-rendered HTML from Jinja2 templates with autoescaping on, so every
value that came from a request is escaped wherever it is shown. The page
works without JavaScript (forms post, the server redirects back); the small
script in static/app.js only re-evaluates as soon as an answer changes.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from .. import __version__
from ..errors import InputError, InputErrors
from ..model import TIER_LABEL
from ..rationale import DETERMINATION_LABEL, REVIEW_NOTE
from ..render import basis_sentence
from . import exports
from .api import upload
from .problems import Problem
from .questions import form_value, open_questions, parse_form_value
from .reviews import ReviewStore, highlights, item_facts
from .security import TOKEN_COOKIE, cookie_value
from .workbench import Workbench, case_document

FIELD = "a::"                    # answer fields are named a::ITEM_ID::FACT_ID
CASE_SUFFIXES = (".yaml", ".yml", ".json")
LETTER_SUFFIXES = (".txt", ".pdf")
MAX_ITEMS = 200
UR_DECISIONS = ("non_certified", "modified", "certified")
SEXES = ("male", "female", "other", "unknown")


def templates():
    import jinja2
    env = jinja2.Environment(loader=jinja2.PackageLoader("imr_rules.serve", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    env.globals.update(version=__version__, label=DETERMINATION_LABEL, tier_label=TIER_LABEL,
                       basis_sentence=basis_sentence, review_notes=REVIEW_NOTE)
    return env


class Pages:
    def __init__(self, wb: Workbench, store: ReviewStore, token: str | None):
        self.wb, self.store, self.token = wb, store, token
        self.env = templates()

    def html(self, name: str, status: int = 200, **context) -> HTMLResponse:
        return HTMLResponse(self.env.get_template(name).render(**context), status_code=status)

    # Starting a review

    async def start(self, request: Request):
        return self.html("start.html", form={}, errors=[], sexes=SEXES, ur_decisions=UR_DECISIONS)

    async def start_typed(self, request: Request):
        async with request.form(max_files=0, max_fields=32) as form:
            values = {k: v for k, v in form.items() if isinstance(v, str)}
        try:
            case = case_from_form(values)
            await self.wb.run(self.wb.case, case, "the form")
        except InputError as exc:
            return self.html("start.html", 422, form=values, errors=_errors(exc), sexes=SEXES,
                             ur_decisions=UR_DECISIONS)
        review = self.store.add(case)
        return _to_review(review)

    async def start_upload(self, request: Request):
        try:
            data, name = await upload(request)
            lower = name.lower()
            if lower.endswith(LETTER_SUFFIXES):
                case, document = await self.wb.run(self.wb.letter, data, name)
            elif lower.endswith(CASE_SUFFIXES):
                case, document = await self.wb.run(_case_file, self.wb, data, name), None
            else:
                raise InputError("upload a letter (.txt, .pdf) or a case file (.yaml, .yml, .json)", name,
                                 hint="choose a file with one of those endings")
        except InputError as exc:
            return self.html("start.html", 422, form={}, errors=_errors(exc), sexes=SEXES,
                             ur_decisions=UR_DECISIONS)
        review = self.store.add(case, document, name if document is not None else None)
        return _to_review(review)

    # The review

    def _review(self, request: Request):
        review = self.store.get(request.path_params["review_id"])
        if review is None:
            raise Problem(404, "This review is not on the server (reviews are kept in memory for a limited "
                               "time and are gone after a restart). Start it again.")
        return review

    async def review(self, request: Request, errors: list | None = None, status: int = 200):
        review = self._review(request)
        case = review.case()
        computed = await self.wb.run(self.wb.review, case, "the review")
        return self.html("review.html", status, **self._view(review, case, computed), errors=errors or [])

    async def answer(self, request: Request):
        review = self._review(request)
        async with request.form(max_files=0, max_fields=2000) as form:
            sent = [(k, v) for k, v in form.multi_items() if k.startswith(FIELD) and isinstance(v, str)]
        case = review.case()
        items = {i["id"]: i for i in case["items"]}
        problems = []
        for key, raw in sent:
            item_id, _, fact_id = key[len(FIELD):].rpartition("::")
            fact = self.wb.rb.facts.get(fact_id)
            if item_id not in items or fact is None:
                problems.append(InputError("the form names an item or fact this review does not have", "the form",
                                           hint="reload the review page"))
                continue
            try:
                value = parse_form_value(fact, raw, f"{items[item_id]['name']}: {fact.question}")
            except InputError as exc:
                problems.append(exc)
                continue
            stated = item_facts(case, items[item_id]).get(fact_id)
            if form_value(fact, value) != form_value(fact, stated[0] if stated else None):
                review.answer(item_id, fact_id, value)
        if problems:
            return await self.review(request, [_errors(p)[0] for p in problems], 422)
        return _to_review(review)

    # Exports

    async def export(self, request: Request):
        review = self._review(request)
        case = review.case()
        computed = await self.wb.run(self.wb.review, case, "the review")
        result = computed["result"]
        kind = request.path_params["kind"]
        stem = _file_stem(result["case_id"])
        if kind == "letter.html":
            return self.html("letter.html", **self._view(review, case, computed))
        if kind == "letter.md":
            return _download(exports.letter_markdown(result, case), "text/markdown", f"{stem}-draft.md")
        if kind == "case.yaml":
            return _download(exports.case_yaml(case, result["ruleset"]["fingerprint"]), "application/yaml",
                             f"{stem}.yaml")
        if kind == "result.json":
            return _download(exports.result_json(result), "application/json", f"{stem}-draft.json")
        raise Problem(404, "no such export", hint="letter.html, letter.md, case.yaml or result.json")

    def _view(self, review, case: dict, computed: dict) -> dict:
        result = computed["result"]
        asked = open_questions(self.wb.rb, result)
        document = highlights(case, review.document) if review.document else None
        marks = [(start, start + len(text)) for start, text, facts in document or () if facts]
        items = []
        for n, (item, raw) in enumerate(zip(result["items"], case["items"]), 1):
            on_record = []
            for fact_id, (value, where) in item_facts(case, raw).items():
                fact = self.wb.rb.facts.get(fact_id)
                if fact is None:
                    continue
                mark = next((f"ev-{s}" for s, e in marks if where.start is not None and s <= where.start < e), None)
                on_record.append({"fact": fact, "value": form_value(fact, value), "where": where, "mark": mark})
            items.append({"n": n, "item": item, "findings": computed["findings"].get(item["item_id"], []),
                          "trace": computed["explain"].get(item["item_id"]),
                          "questions": [{"fact": q.fact, "value": form_value(q.fact, None)}
                                        for q in asked[item["item_id"]]],
                          "on_record": on_record, "field": f"{FIELD}{item['item_id']}::"})
        return {"review": review, "result": result, "items": items, "document": document,
                "open_count": sum(len(i["questions"]) for i in items)}

    # Login (only with --token)

    async def login_form(self, request: Request):
        return self.html("login.html", error=None)

    async def login(self, request: Request):
        async with request.form(max_files=0, max_fields=4) as form:
            given = form.get("token")
        import hmac
        if not self.token or not isinstance(given, str) or not hmac.compare_digest(given.encode(),
                                                                                     self.token.encode()):
            return self.html("login.html", 401, error="That token is not the server's token.")
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(TOKEN_COOKIE, cookie_value(self.token), httponly=True, samesite="strict")
        return response


def case_from_form(values: dict) -> dict:
    """The case dict of the start form: items one per line, as on a request for authorization."""
    names = [line.strip() for line in values.get("items", "").splitlines() if line.strip()]
    if not names:
        raise InputError("no requested items", "the form", hint="type the requested items, one per line")
    if len(names) > MAX_ITEMS:
        raise InputError(f"more than {MAX_ITEMS} items", "the form", hint="split the request")
    case: dict = {"case_id": values.get("case_id", "").strip() or "review",
                  "items": [{"id": f"item-{n}", "name": name} for n, name in enumerate(names, 1)]}
    patient: dict = {}
    age = values.get("age", "").strip()
    if age:
        if not age.isdigit():
            raise InputError(f"age must be a whole number of years, not {age!r}", "the form",
                             hint="give the patient's age in years, or leave it blank")
        patient["age"] = int(age)
    for key in ("sex", "date_of_injury"):
        if values.get(key, "").strip():
            patient[key] = values[key].strip()
    if patient:
        case["patient"] = patient
    diagnoses = [line.strip() for line in values.get("diagnoses", "").splitlines() if line.strip()]
    if diagnoses:
        case["diagnoses"] = diagnoses
    for key in ("request_date", "ur_decision"):
        if values.get(key, "").strip():
            case[key] = values[key].strip()
    return case


def _case_file(wb: Workbench, data: bytes, name: str) -> dict:
    """An uploaded case file, checked like ``imr-rules validate`` checks one (engine thread)."""
    from ..cases import case_from_document
    doc = case_document(data, name)
    case_from_document(doc, wb.rb)
    return doc.data


def _errors(exc: InputError) -> list[dict]:
    found = exc.errors if isinstance(exc, InputErrors) else [exc]
    return [{"message": e.message, "where": e.where, "hint": e.hint} for e in found]


def _file_stem(case_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in case_id)[:80].strip(".") or "case"


def _to_review(review) -> RedirectResponse:
    # A path, not an absolute URL: right behind a proxy that terminates TLS too.
    return RedirectResponse(f"/review/{review.id}", status_code=303)


def _download(text: str, media_type: str, filename: str) -> Response:
    return PlainTextResponse(text, media_type=media_type,
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})
