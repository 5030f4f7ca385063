"""`imr-rules serve` as a command: lazy imports, refusing unsafe binds, a real server's token and shutdown."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from imr_rules.cli.serve import is_loopback

WEB_STACK = ("starlette", "uvicorn", "jinja2", "multipart", "python_multipart", "anyio", "pydantic", "h11",
             "imr_rules.serve")
SECRET = "ZZSECRET-Jane-Q-Public-1970"


def imported_by(args: list[str]) -> list[str]:
    """Modules of the web stack that running the CLI with ``args`` imported."""
    code = ("import sys, json\n"
            "from imr_rules import cli\n"
            f"sys.argv = ['imr-rules'] + {args!r}\n"
            "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
            f"web = {WEB_STACK!r}\n"
            "print(json.dumps(sorted(m for m in sys.modules if m in web or m.startswith(tuple(w + '.' for w in web)))))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [["--help"], ["validate"], ["evaluate", "examples/000_724941ea73516dbd.yaml"],
                                  ["serve", "--host", "192.0.2.1"]])
def test_other_commands_never_import_the_web_stack(args):
    assert imported_by(args) == []


def test_serve_imports_it_when_it_runs():
    # The check above can fail: a run that reaches the server imports the stack (a port in use ends it at once).
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        imported = imported_by(["serve", "--port", str(taken.getsockname()[1])])
    assert "imr_rules.serve" in imported and "uvicorn" in imported and "starlette" in imported


def test_a_non_loopback_bind_needs_a_token_or_an_explicit_insecure_flag(cli):
    result = cli("serve", "--host", "192.0.2.1")
    assert result.exit_code == 2
    assert "needs a token" in result.stderr and "--insecure-no-auth" in result.stderr
    short = cli("serve", "--host", "192.0.2.1", "--token", "short")
    assert short.exit_code == 2 and "shorter than 16" in short.stderr


def test_loopback_addresses():
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.10", "example.org", "10.0.0.1"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(port: int, raw: bytes, timeout: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(raw)
        return _read_all(s)


def _read_all(s) -> bytes:
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return out
        out += chunk


def request(method: str, path: str, body: bytes = b"", headers: dict | None = None) -> bytes:
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


@pytest.fixture
def server(tmp_path):
    """A real `imr-rules serve` process with a token; yields (port, token, process)."""
    port, token = free_port(), "a-long-enough-test-token-1234"
    env = {**os.environ, "IMR_RULES_TOKEN": token}
    proc = subprocess.Popen([sys.executable, "-m", "imr_rules.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            reply = http(port, request("GET", "/v1/health", headers={"Authorization": f"Bearer {token}"}), 2)
            if b" 200 " in reply.split(b"\r\n")[0]:
                break
        except OSError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError("serve did not start: " + proc.stderr.read())
        time.sleep(0.1)
    yield port, token, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)


def test_real_server_requires_the_token_finishes_requests_in_flight_on_sigterm_and_logs_no_content(server):
    port, token, proc = server
    assert b" 401 " in http(port, request("GET", "/v1/facts")).split(b"\r\n")[0]
    case = json.dumps({"case_id": SECRET, "items": [{"name": f"Home exercise kit {SECRET}"}],
                       "diagnoses": [SECRET]}).encode()
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    assert b" 200 " in http(port, request("POST", "/v1/evaluate", case, auth)).split(b"\r\n")[0]
    # A request whose body is still arriving when SIGTERM comes is finished, then the server exits.
    raw = request("POST", "/v1/evaluate", case, auth)
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(raw[:-20])
        time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        s.sendall(raw[-20:])
        reply = _read_all(s)
    assert b" 200 " in reply.split(b"\r\n")[0]
    assert SECRET.encode() in reply          # the answer is the client's; the log is not
    # uvicorn re-raises the signal once it has shut down, so the exit status says SIGTERM;
    # "Finished server process" is logged only at the end of a graceful shutdown.
    assert proc.wait(20) in (0, -signal.SIGTERM)
    log = proc.stderr.read()
    assert "Shutting down" in log and "Finished server process" in log
    assert log.count("POST /v1/evaluate 200") == 2
    assert SECRET not in log and SECRET not in proc.stdout.read()
