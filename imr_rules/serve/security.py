"""The guard every request passes, as one ASGI middleware.

In order: a request id; the Host header (DNS rebinding: a loopback server
answers only to loopback names); the bearer token (or the cookie the login
page sets from it); the origin of a state-changing request (no cross-site
form posts); the body size. Every response gets the security headers (a
Content-Security-Policy without inline script, no caching of health
information). One log line per request says the request id, method, route
template, status and time, and nothing of the request's content: not its
path parameters, query, headers or body. An unexpected exception is logged
by its type only and answered with a 500 problem.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
import uuid

from .problems import problem_response

log = logging.getLogger("imr_rules.serve")

MAX_BODY = 5 * 1024 * 1024
TOKEN_COOKIE = "imr_rules_session"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
#: Paths that need no token: the login page and the page's own CSS and script.
OPEN_PATHS = ("/login", "/static/")
API_PREFIXES = ("/v1", "/cds-services", "/openapi.json")
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


class BodyTooLarge(Exception):
    """The request body passed MAX_BODY while it was being read."""


def cookie_value(token: str) -> str:
    """What the login cookie holds: derived from the token, so the cookie never carries it."""
    return hmac.new(token.encode(), b"imr-rules session cookie", hashlib.sha256).hexdigest()


def is_api(path: str) -> bool:
    return path.startswith(API_PREFIXES)


class Guard:
    """See the module docstring."""

    def __init__(self, app, *, token: str | None = None, allowed_hosts: tuple[str, ...] | None = None,
                 max_body: int = MAX_BODY):
        self.app = app
        self.token = token
        self.cookie = cookie_value(token) if token else None
        self.allowed_hosts = allowed_hosts
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = {"code": 0}
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path = scope["path"]

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                extra = list(SECURITY_HEADERS) + [(b"x-request-id", request_id.encode())]
                if not path.startswith("/static/"):
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        try:
            refusal = self._refusal(scope, headers, path)
            if refusal is not None:
                await refusal(scope, receive, send_with_headers)
                return
            await self.app(scope, self._limited(receive), send_with_headers)
        except Exception as exc:        # anything unexpected: its type only, never its message
            log.error("request %s failed: %s", request_id, type(exc).__name__)
            if status["code"] == 0:
                await problem_response(500, "internal error; the request id names it in the server log",
                                       request_id=request_id)(scope, receive, send_with_headers)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or ("/static/..." if path.startswith("/static/") else "-")
            log.info("%s %s %s %d %.1fms", request_id, scope["method"], template, status["code"],
                     (time.perf_counter() - started) * 1000)

    def _refusal(self, scope, headers: dict, path: str):
        """A response that refuses the request before the app sees it, or None."""
        if self.allowed_hosts is not None:
            host = headers.get("host", "")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name not in self.allowed_hosts:
                return problem_response(400, "this server answers only to its own host name",
                                        hint="open it as http://127.0.0.1:PORT/")
        if self.token and not path.startswith(OPEN_PATHS) and not self._authorized(headers):
            if not is_api(path) and scope["method"] == "GET":
                from starlette.responses import RedirectResponse
                return RedirectResponse("/login", status_code=303)
            return problem_response(401, "a bearer token is required", hint="send Authorization: Bearer TOKEN",
                                    headers={"WWW-Authenticate": 'Bearer realm="imr-rules"'})
        if scope["method"] not in ("GET", "HEAD", "OPTIONS") and _cross_site(headers):
            return problem_response(403, "cross-site requests are refused",
                                    hint="post from the workbench's own pages or from a server")
        length = headers.get("content-length")
        if length is not None and not length.isdigit():
            return problem_response(400, "the Content-Length header is not a number")
        if length is not None and int(length) > self.max_body:
            return problem_response(413, f"the request body is over the {self.max_body}-byte limit")
        return None

    def _authorized(self, headers: dict) -> bool:
        scheme, _, given = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self.token.encode()):
            return True
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == TOKEN_COOKIE and hmac.compare_digest(value.encode(), self.cookie.encode()):
                return True
        return False

    def _limited(self, receive):
        seen = {"bytes": 0}
        limit = self.max_body

        async def receive_limited():
            message = await receive()
            if message["type"] == "http.request":
                seen["bytes"] += len(message.get("body", b""))
                if seen["bytes"] > limit:
                    raise BodyTooLarge()
            return message
        return receive_limited


def _cross_site(headers: dict) -> bool:
    """True for a browser request sent by another site's page (Fetch Metadata, else Origin)."""
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return origin == "null"
    host = headers.get("host", "")
    return origin.split("://", 1)[-1] != host


def loopback_hosts(bound: str) -> tuple[str, ...]:
    """Host names a loopback-bound server answers to."""
    return tuple(dict.fromkeys(LOOPBACK_NAMES + (bound,)))
