"""``imr-rules serve``: the reviewer workbench (web page) and the HTTP API, on one engine.

Modules, in the order a request flows:

- ``security``: the ASGI middleware every request passes (token, host and
  origin checks, body limits, security headers, a log line without content);
- ``api`` (JSON under ``/v1``, FHIR, CDS Hooks) and ``pages`` (the
  reviewer's HTML pages) parse the request and call
- ``workbench``: the rule base and the one thread that uses the engine;
- ``reviews`` (a review's case, answers and provenance), ``questions`` (the
  adaptive questionnaire), ``fhir``, ``cds``, ``exports``: plain data in and out;
- ``problems``: RFC 9457 error documents carrying the CLI's messages and hints.

The web stack (Starlette, uvicorn, Jinja2) is imported only here, never by
the rest of the CLI (tests/test_serve_cli.py checks that).
"""

from .app import create_app

__all__ = ["create_app"]
