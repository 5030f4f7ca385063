"""Shared by the workbench tests: a rule base with every fact type, servers, browsers."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import yaml

from conftest import ROOT

FIXTURE = ROOT / "tests" / "serve_fixture"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("IMR_RULES_CHROMIUM", "/usr/bin/chromium")
AQUATIC = "Fixture aquatic program x 12 sessions"


def typed_rule_base(folder: Path) -> tuple[Path, Path]:
    """A copy of the bundled rules plus tests/serve_fixture: (rules_dir, guidelines_dir).

    The bundled rules are copied as they are, so the fixture keeps working as
    they grow; the additions only bring facts of every type and a test-only
    category decided on them.
    """
    rules = folder / "rules"
    shutil.copytree(ROOT / "rules", rules)
    facts = yaml.safe_load((rules / "facts.yaml").read_text())
    facts["facts"] += yaml.safe_load((FIXTURE / "facts.yaml").read_text())["facts"]
    (rules / "facts.yaml").write_text(yaml.safe_dump(facts, sort_keys=False))
    items = yaml.safe_load((rules / "items.yaml").read_text())
    items["categories"] = yaml.safe_load((FIXTURE / "categories.yaml").read_text())["categories"] + items["categories"]
    (rules / "items.yaml").write_text(yaml.safe_dump(items, sort_keys=False))
    shutil.copy(FIXTURE / "rules.yaml", rules / "zz-fixture-aquatic.yaml")
    guidelines = folder / "guidelines"        # fact_patterns.yaml names ../guidelines
    shutil.copytree(ROOT / "guidelines", guidelines)
    return rules, guidelines


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def live_server(app, port: int | None = None):
    """``app`` under uvicorn on a loopback port in a thread; yields its base URL."""
    import uvicorn
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False,
                                           lifespan="on", limit_concurrency=64))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
