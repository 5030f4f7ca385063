"""Running the app under uvicorn: logging without content, bounded connections, graceful shutdown."""

from __future__ import annotations

import logging
import sys

from ..model import RuleBase
from .app import create_app
from .security import loopback_hosts

#: Seconds in-flight requests get to finish after SIGTERM/SIGINT before they are cut.
GRACE_SECONDS = 10


def run(rb: RuleBase, *, host: str, port: int, token: str | None, loopback: bool, max_connections: int) -> None:
    import uvicorn

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("imr_rules.serve", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False
    app = create_app(rb, token=token, allowed_hosts=loopback_hosts(host) if loopback else None,
                     max_pending=max_connections)
    logging.getLogger("imr_rules.serve").info(
        "serving rule set %s on http://%s:%d/ (%s)", rb.fingerprint, host if ":" not in host else f"[{host}]", port,
        "token required" if token else "no token")
    # access_log=False: uvicorn's access line carries the full path and query;
    # the app's own line (security.Guard) carries the route template only.
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False, server_header=False,
                limit_concurrency=max_connections, timeout_graceful_shutdown=GRACE_SECONDS,
                proxy_headers=False, lifespan="on")
