"""Errors as RFC 9457 problem details (``application/problem+json``).

An invalid case gets the messages and hints the CLI prints for the same
input (both come from :class:`~imr_rules.errors.InputError`); ``errors``
lists every problem, each with its line when the body had lines.
"""

from __future__ import annotations

from http import HTTPStatus

from starlette.responses import JSONResponse

from ..errors import InputError, InputErrors

MEDIA_TYPE = "application/problem+json"
#: Problem types: a URN each, since the service publishes no problem pages.
INVALID_INPUT = "urn:imr-rules:problem:invalid-input"
BUSY = "urn:imr-rules:problem:busy"


class Problem(Exception):
    """An HTTP error to answer with a problem document."""

    def __init__(self, status: int, detail: str, type_: str = "about:blank", hint: str | None = None,
                 headers: dict | None = None):
        super().__init__(detail)
        self.status, self.detail, self.type, self.hint, self.headers = status, detail, type_, hint, headers


def problem_response(status: int, detail: str, type_: str = "about:blank", *, hint: str | None = None,
                     errors: list | None = None, headers: dict | None = None, request_id: str | None = None):
    body = {"type": type_, "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    if hint:
        body["hint"] = hint
    if errors:
        body["errors"] = errors
    if request_id:
        body["request_id"] = request_id
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def input_error_response(exc: InputError, request_id: str | None = None):
    errors = exc.errors if isinstance(exc, InputErrors) else [exc]
    return problem_response(
        422, exc.message, INVALID_INPUT, hint=exc.hint, request_id=request_id,
        errors=[{"message": e.message, "where": e.where or None, "line": e.line, "hint": e.hint,
                 "text": str(e)} for e in errors])


def from_problem(exc: Problem, request_id: str | None = None):
    return problem_response(exc.status, exc.detail, exc.type, hint=exc.hint, headers=exc.headers,
                            request_id=request_id)
