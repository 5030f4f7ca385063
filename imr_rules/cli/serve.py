"""``imr-rules serve``: the reviewer workbench and the HTTP API (see imr_rules/serve/).

Only this command imports the web stack, and only when it runs:
starting the CLI for any other command costs nothing more
(tests/test_serve_cli.py checks which modules a plain start imports).
"""

from pathlib import Path
from typing import Optional

import typer

from ..errors import InputError
from .common import EXIT_INVALID, Guidelines, Rules, load

TOKEN_ENV = "IMR_RULES_TOKEN"


def is_loopback(host: str) -> bool:
    import ipaddress
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``imr-rules`` app."""

    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback by default)."),
        port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on (0: any free port)."),
        rules: Rules = None,
        guidelines: Guidelines = None,
        token: Optional[str] = typer.Option(
            None, "--token", envvar=TOKEN_ENV, show_envvar=True,
            help="Bearer token required on every request (prefer the environment variable: "
                 "a command line is visible to other users)."),
        insecure_no_auth: bool = typer.Option(
            False, "--insecure-no-auth", help="Serve a non-loopback address without a token (not for health data)."),
        max_connections: int = typer.Option(64, "--max-connections", min=1,
                                            help="Connections served at once; more get 503."),
    ):
        """Serve the reviewer workbench (web page) and the HTTP API on one engine."""
        loopback = is_loopback(host)
        if not loopback and not token and not insecure_no_auth:
            raise InputError(f"binding {host} (not a loopback address) needs a token",
                             hint=f"pass --token (or set {TOKEN_ENV}), or --insecure-no-auth to serve without one")
        if token is not None and len(token) < 16:
            raise InputError("the token is shorter than 16 characters",
                             hint="use a long random token, e.g. `python -c 'import secrets; "
                                  "print(secrets.token_urlsafe(32))'`")
        rb = load(rules, guidelines)
        try:
            from ..serve.server import run
        except ImportError as exc:
            typer.echo(f"error: the web stack is not installed ({exc.name})\n"
                       "  hint: pip install 'imr-rules[serve]'", err=True)
            raise typer.Exit(EXIT_INVALID)
        run(rb, host=host, port=port, token=token, loopback=loopback, max_connections=max_connections)
