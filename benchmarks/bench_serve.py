"""Load on `imr-rules serve`: concurrent clients posting evaluate requests on loopback.

Starts a real `imr-rules serve` process (uvicorn, the bundled rules) on a free
127.0.0.1 port, warms it up, then runs CLIENTS threads (default 8), each with
its own keep-alive connection, posting a one-item case to /v1/evaluate for
SECONDS (default 30). Measured in the same run:

- baseline: the same case through Evaluator.evaluate_json in this process
  (what one request costs without HTTP, parsing or the engine thread hop),
  and one client alone for 5 s (the cost of HTTP without queueing);
- requests/s, latency p50/p90/p99/max, and errors (anything but a 200 with
  the expected draft);
- the server's resident memory (VmRSS) after warm-up and after the run.

Goals (issue 10): 0 errors, p99 under 50 ms, memory flat. The clients share
the machine's cores with the server: on 2 cores they take a good part of the
CPU. Nothing is sent anywhere but 127.0.0.1, and the run stops by itself.

Usage: python benchmarks/bench_serve.py [--clients 8] [--seconds 30] [--json FILE]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASE = {"case_id": "bench-serve", "ur_decision": "non_certified",
        "items": [{"name": "1 LUMBAR REHABILITATION KIT"}],
        "facts": {"equipment_need_documented": True, "goals_documented": False}}
WARMUP = 200


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def start_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "imr_rules.cli", "serve", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/v1/health")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start")


def baseline(n: int = 3000) -> float:
    """Median seconds per in-process evaluation of CASE (same rules, same output)."""
    from imr_rules.cases import case_from_document
    from imr_rules.evaluate import Evaluator
    from imr_rules.loader import load_rulebase
    from imr_rules.yamlio import Document
    rb = load_rulebase()
    evaluator = Evaluator(rb)
    body = json.dumps(CASE)
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        evaluator.evaluate_json(case_from_document(Document(json.loads(body), "bench", {}), rb))
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def client(port: int, body: bytes, until: float, latencies: list, errors: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"}
    while time.perf_counter() < until:
        start = time.perf_counter()
        try:
            conn.request("POST", "/v1/evaluate", body, headers)
            response = conn.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - start
            if response.status != 200 or json.loads(data)["items"][0]["determination"] != "not_medically_necessary":
                errors.append(f"status {response.status}")
            else:
                latencies.append(elapsed)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            errors.append(type(exc).__name__)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.close()


def percentile(sorted_values: list, p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()

    base = baseline()
    port = free_port()
    proc = start_server(port)
    body = json.dumps(CASE).encode()
    try:
        warm_lat, warm_err = [], []
        client(port, body, time.perf_counter() + 2, warm_lat, warm_err)      # warm-up, one client
        one_lat, one_err = [], []
        client(port, body, time.perf_counter() + 5, one_lat, one_err)        # one client alone: no queueing
        rss_before = rss_kib(proc.pid)
        latencies: list[float] = []
        errors: list[str] = []
        until = time.perf_counter() + args.seconds
        threads = [threading.Thread(target=client, args=(port, body, until, latencies, errors))
                   for _ in range(args.clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        rss_after = rss_kib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(20)

    lat = sorted(latencies)
    figures = {
        "clients": args.clients, "seconds": round(wall, 1), "requests": len(lat), "errors": len(errors),
        "requests_per_s": round(len(lat) / wall, 1),
        "p50_ms": round(percentile(lat, 50) * 1000, 2), "p90_ms": round(percentile(lat, 90) * 1000, 2),
        "p99_ms": round(percentile(lat, 99) * 1000, 2), "max_ms": round(lat[-1] * 1000, 2),
        "baseline_in_process_ms": round(base * 1000, 3),
        "one_client_p50_ms": round(statistics.median(one_lat) * 1000, 2),
        "one_client_p50_x_baseline": round(statistics.median(one_lat) / base, 1),
        "one_client_errors": len(one_err),
        "rss_before_mib": round(rss_before / 1024, 1), "rss_after_mib": round(rss_after / 1024, 1),
        "cpus": os.cpu_count(),
    }
    print(f"imr-rules serve, {args.clients} clients x {figures['seconds']} s on 127.0.0.1, one-item case")
    print("| measurement | value |\n| --- | ---: |")
    print(f"| in-process evaluation (baseline, median) | {figures['baseline_in_process_ms']} ms |")
    print(f"| requests | {figures['requests']} ({figures['requests_per_s']}/s) |")
    print(f"| errors | {figures['errors']} |")
    print(f"| latency p50 / p90 / p99 / max | {figures['p50_ms']} / {figures['p90_ms']} / "
          f"{figures['p99_ms']} / {figures['max_ms']} ms |")
    print(f"| one client alone: p50 (x baseline), errors | {figures['one_client_p50_ms']} ms "
          f"({figures['one_client_p50_x_baseline']}x), {figures['one_client_errors']} |")
    print(f"| server memory (RSS) after warm-up -> after the run | {figures['rss_before_mib']} -> "
          f"{figures['rss_after_mib']} MiB |")
    if errors:
        print("errors seen:", sorted(set(errors)))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
