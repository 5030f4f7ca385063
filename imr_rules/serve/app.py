"""The ASGI application: routes, error handling, start-up and shutdown."""

from __future__ import annotations

import contextlib
from importlib import resources

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import InputError
from ..model import RuleBase
from .api import Api
from .pages import Pages
from .problems import BUSY, Problem, from_problem, input_error_response, problem_response
from .reviews import ReviewStore
from .security import BodyTooLarge, Guard, MAX_BODY, is_api
from .workbench import Busy, Workbench


def create_app(rb: RuleBase, *, token: str | None = None, allowed_hosts: tuple[str, ...] | None = None,
               max_pending: int = 64, max_body: int = MAX_BODY, review_limit: int = 500) -> Starlette:
    """The workbench app for one rule base.

    ``token``: bearer token required on every request but the login page;
    ``allowed_hosts``: Host header names to answer (None: any);
    ``max_pending``: evaluations that may wait for the engine thread before 503.
    """
    wb = Workbench(rb, max_pending)
    store = ReviewStore(review_limit)
    api, pages = Api(wb, store), Pages(wb, store, token)
    static = StaticFiles(directory=str(resources.files(__package__).joinpath("static")))

    routes = [
        Route("/", pages.start, methods=["GET"], name="start"),
        Route("/reviews", pages.start_typed, methods=["POST"]),
        Route("/reviews/upload", pages.start_upload, methods=["POST"]),
        Route("/review/{review_id}", pages.review, methods=["GET"], name="review"),
        Route("/review/{review_id}/answers", pages.answer, methods=["POST"]),
        Route("/review/{review_id}/{kind}", pages.export, methods=["GET"]),
        Route("/login", pages.login_form, methods=["GET"]),
        Route("/login", pages.login, methods=["POST"]),
        Mount("/static", static, name="static"),
        Route("/openapi.json", api.openapi, methods=["GET"]),
        Route("/v1/health", api.health, methods=["GET"]),
        Route("/v1/version", api.version, methods=["GET"]),
        Route("/v1/facts", api.facts, methods=["GET"]),
        Route("/v1/rules", api.rules, methods=["GET"]),
        Route("/v1/excerpts", api.excerpts, methods=["GET"]),
        Route("/v1/evaluate", api.evaluate, methods=["POST"]),
        Route("/v1/questionnaire", api.questionnaire, methods=["POST"]),
        Route("/v1/letters", api.letters, methods=["POST"]),
        Route("/v1/fhir/questionnaire", api.fhir_questionnaire, methods=["POST"]),
        Route("/v1/fhir/questionnaire-response", api.fhir_response, methods=["POST"]),
        Route("/cds-services", api.cds_discovery, methods=["GET"]),
        Route("/cds-services/{service_id}", api.cds_order_sign, methods=["POST"]),
    ]

    def request_id(request: Request) -> str | None:
        return request.scope.get("state", {}).get("request_id")

    async def on_input_error(request: Request, exc: InputError):
        if is_api(request.url.path):
            return input_error_response(exc, request_id(request))
        return pages.html("error.html", 422, code=422, message=exc.message, hint=exc.hint)

    async def on_problem(request: Request, exc: Problem):
        if is_api(request.url.path):
            return from_problem(exc, request_id(request))
        return pages.html("error.html", exc.status, code=exc.status, message=exc.detail, hint=exc.hint)

    async def on_http(request: Request, exc: HTTPException):
        return await on_problem(request, Problem(exc.status_code, str(exc.detail), headers=exc.headers))

    async def on_too_large(request: Request, exc: BodyTooLarge):
        return await on_problem(request, Problem(413, f"the request body is over the {max_body}-byte limit"))

    async def on_busy(request: Request, exc: Busy):
        return await on_problem(request, Problem(503, "the server is busy; try again in a moment", BUSY,
                                                 headers={"Retry-After": "1"}))

    @contextlib.asynccontextmanager
    async def lifespan(app):
        wb.start()
        try:
            yield
        finally:
            wb.close()          # queued evaluations finish; then the engine thread stops

    app = Starlette(
        routes=routes, lifespan=lifespan,
        middleware=[Middleware(Guard, token=token, allowed_hosts=allowed_hosts, max_body=max_body)],
        exception_handlers={InputError: on_input_error, Problem: on_problem, HTTPException: on_http,
                            BodyTooLarge: on_too_large, Busy: on_busy})
    app.state.workbench = wb
    app.state.reviews = store
    return app


__all__ = ["create_app", "problem_response"]
