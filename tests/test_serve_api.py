"""The HTTP API under /v1: every route, its errors, limits, the token, the engine under concurrency."""

from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("starlette", reason="the serve extra is installed by make test")

from starlette.testclient import TestClient  # noqa: E402

from conftest import HISTORICAL, ROOT  # noqa: E402
from imr_rules.serve import create_app  # noqa: E402
from imr_rules.serve.api import openapi_text  # noqa: E402

BASE = "http://127.0.0.1"
SEED1 = HISTORICAL / "001_f0193407169a11a4.txt"
PDF = HISTORICAL / "real" / "CM16-0228949.pdf"       # a published letter whose findings give facts
LUMBAR = {"case_id": "api-1", "ur_decision": "non_certified",
          "items": [{"name": "1 LUMBAR REHABILITATION KIT"}], "facts": {"goals_documented": False}}


@pytest.fixture(scope="module")
def app(rb):
    return create_app(rb)


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, base_url=BASE) as c:
        yield c


def cli_json(cli, path) -> dict:
    result = cli("evaluate", path, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_evaluate_gives_the_cli_json_contract_for_every_bundled_example(client, cli):
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        import yaml
        case = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        response = client.post("/v1/evaluate", json=case)
        assert response.status_code == 200, (path, response.text)
        assert response.headers["content-type"] == "application/json"
        assert response.json() == cli_json(cli, path), path


@pytest.mark.shipped
def test_evaluate_gives_the_cli_json_contract_for_every_reviewed_case_file(shipped_rb, cli):
    # The reviewed case files are imported with the shipped fact patterns: they
    # may state facts that only the shipped catalog knows, not the tests' own.
    import yaml
    rules = ["--rules", ROOT / "rules", "--guidelines", ROOT / "guidelines"]
    with TestClient(create_app(shipped_rb), base_url=BASE) as shipped_client:
        for path in sorted(p for p in HISTORICAL.glob("*.yaml") if not p.name.startswith("_")):
            case = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
            response = shipped_client.post("/v1/evaluate", json=case)
            assert response.status_code == 200, (path, response.text)
            result = cli("evaluate", path, "--format", "json", *rules)
            assert result.exit_code == 0, result.output
            assert response.json() == json.loads(result.stdout), path


def test_evaluate_accepts_yaml_text_sent_as_json_type_only_if_it_is_json(client):
    # The body is parsed as JSON first and as YAML (with lines) for messages: a YAML case is read too.
    body = b"case_id: y\nitems:\n  - name: Gym membership x 12 months\n"
    response = client.post("/v1/evaluate", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert response.json()["items"][0]["category"] == "gym_membership"


def test_invalid_case_gets_a_problem_with_the_cli_message_and_hint(client, cli, tmp_path):
    text = "case_id: bad\nitems:\n  - name: Home exercise kit\n    facts:\n      goals_documented: perhaps\n      nonsense_fact: true\n"
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    printed = cli("evaluate", path)
    assert printed.exit_code == 2
    response = client.post("/v1/evaluate", content=text.encode(), headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:imr-rules:problem:invalid-input" and problem["status"] == 422
    # HTTP 422's reason phrase is "Unprocessable Content" from Python 3.13 on (RFC 9110), "Entity" before.
    assert problem["title"] in ("Unprocessable Entity", "Unprocessable Content")
    assert problem["request_id"] == response.headers["x-request-id"]
    # Every error, each worded as the CLI words it for the same text (only the file name differs).
    assert len(problem["errors"]) == 2
    for e in problem["errors"]:
        assert e["text"].replace("request body", str(path)) in printed.stderr, (e, printed.stderr)
        assert e["line"] in (5, 6)
    assert {e["message"] for e in problem["errors"]} == {"fact 'goals_documented' must be true or false, not 'perhaps'",
                                                         "unknown fact 'nonsense_fact'"}


def test_malformed_json_and_wrong_shapes_are_problems_not_tracebacks(client):
    for body in (b"{", b"[1, 2]", b"\xff\xfe", b"case_id: [unclosed", b'{"case_id": "x"}', b"null"):
        response = client.post("/v1/evaluate", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["hint"], body


def test_wrong_content_type_is_415(client):
    response = client.post("/v1/evaluate", content=json.dumps(LUMBAR), headers={"content-type": "text/plain"})
    assert response.status_code == 415 and response.json()["status"] == 415


def test_body_over_the_limit_is_refused_by_length_and_while_streaming(rb):
    app = create_app(rb, max_body=1000)
    with TestClient(app, base_url=BASE) as c:
        big = json.dumps({**LUMBAR, "diagnoses": ["x" * 2000]})
        assert c.post("/v1/evaluate", content=big, headers={"content-type": "application/json"}).status_code == 413

        def chunks():       # no Content-Length: counted as it arrives
            for _ in range(5):
                yield b" " * 400
        response = c.post("/v1/evaluate", content=chunks(), headers={"content-type": "application/json"})
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"


def test_unknown_route_and_method_are_problems(client):
    assert client.get("/v1/nothing").json()["status"] == 404
    response = client.get("/v1/evaluate")
    assert response.status_code == 405 and response.headers["content-type"] == "application/problem+json"


def test_catalog_routes_list_the_rule_base(client, rb):
    facts = client.get("/v1/facts").json()["facts"]
    assert [f["id"] for f in facts] == list(rb.facts)
    assert all(f["question"] for f in facts)
    rules = client.get("/v1/rules").json()["rules"]
    assert {r["id"] for r in rules} == {r.id for r in rb.rules}
    by_id = {r["id"]: r for r in rules}
    assert by_id["mtus-exercise-contraindicated"]["facts"] == ["exercise_contraindicated"]
    assert by_id["mtus-exercise-contraindicated"]["cites"] == ["mtus-cpmtg-exercise"]
    excerpts = client.get("/v1/excerpts").json()["excerpts"]
    assert {e["id"]: e["text"] for e in excerpts} == {e.id: e.text for e in rb.excerpts.values()}
    version = client.get("/v1/version").json()
    assert version["ruleset"]["fingerprint"] == rb.fingerprint
    assert version["counts"] == {"rules": len(rb.rules), "facts": len(rb.facts), "excerpts": len(rb.excerpts)}
    assert client.get("/v1/health").json() == {"status": "ok"}


def test_questionnaire_lists_exactly_the_documentation_gaps(client, evaluator):
    from conftest import make_case
    response = client.post("/v1/questionnaire", json={"case_id": "q", "items": [
        {"name": "Home exercise kit"}, {"name": "1 LUMBAR REHABILITATION KIT", "facts": {"equipment_need_documented": False}}]})
    assert response.status_code == 200
    items = response.json()["items"]
    expected = evaluator.evaluate(make_case("Home exercise kit", ("1 LUMBAR REHABILITATION KIT",
                                                                  {"equipment_need_documented": False})))
    for got, want in zip(items, expected["items"]):
        assert [q["fact"] for q in got["questions"]] == [g["fact"] for g in want["documentation_gaps"]]
        assert [q["question"] for q in got["questions"]] == [g["question"] for g in want["documentation_gaps"]]
        assert all(q["type"] == "boolean" for q in got["questions"])
    assert items[0]["questions"] and items[0]["determination"] == "insufficient_information"


def test_letter_upload_returns_the_case_import_letter_writes(client, cli):
    import yaml
    response = client.post("/v1/letters", files={"file": (SEED1.name, SEED1.read_bytes(), "text/plain")})
    assert response.status_code == 200, response.text
    printed = cli("import-letter", SEED1)
    assert response.json() == yaml.safe_load(printed.stdout)


def test_letter_upload_errors(client):
    assert client.post("/v1/letters", files={"file": ("notes.docx", b"x")}).status_code == 415
    response = client.post("/v1/letters", files={"file": ("letter.txt", b"just some words")})
    assert response.status_code == 422 and response.json()["errors"][0]["hint"]
    assert client.post("/v1/letters", files={"other": ("letter.txt", b"x")}).status_code == 422
    assert client.post("/v1/letters", content=b"x", headers={"content-type": "text/plain"}).status_code == 415
    binary = client.post("/v1/letters", files={"file": ("letter.txt", b"\x00\x01binary")})
    assert binary.status_code == 422 and "binary" in binary.json()["detail"]


def test_a_pdf_letter_upload_returns_the_case_import_letter_writes(client, cli):
    import yaml
    response = client.post("/v1/letters", files={"file": (PDF.name, PDF.read_bytes(), "application/pdf")})
    assert response.status_code == 200, response.text
    case = response.json()
    assert case == yaml.safe_load(cli("import-letter", PDF).stdout)
    assert case["evidence"], "this letter states facts, with their quotes"


def test_a_damaged_pdf_is_a_problem_with_a_hint(client):
    response = client.post("/v1/letters", files={"file": ("CM16-0000000.pdf", b"%PDF-1.4\nnot really\n")})
    assert response.status_code == 422
    assert "PDF" in response.json()["detail"] and response.json()["hint"]


def test_no_request_can_name_a_server_file(client):
    # An upload's name is only a label: a path in it is cut to its last part and nothing is read.
    response = client.post("/v1/letters", files={"file": ("../../../../etc/passwd.txt", SEED1.read_bytes())})
    assert response.status_code == 200
    assert response.json()["case_id"] == "passwd"
    assert response.json()["history"]["source"]["file"] == "passwd.txt"
    # Static files stay inside their folder.
    for path in ("/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/..%2f..%2f..%2fpyproject.toml"):
        assert client.get(path).status_code == 404, path
    # Case bodies cannot point the server at rules or files: unknown keys are refused.
    response = client.post("/v1/evaluate", json={**LUMBAR, "rules": "/etc"})
    assert response.status_code == 422 and "unknown key" in response.json()["detail"]


def test_openapi_document_is_served_as_kept_in_the_repository(client):
    served = client.get("/openapi.json")
    assert served.status_code == 200
    assert served.text == (ROOT / "imr_rules" / "serve" / "openapi.json").read_text()
    assert served.text == openapi_text()
    doc = served.json()
    assert doc["openapi"].startswith("3.1")


def test_openapi_file_is_what_tools_build_openapi_writes():
    import runpy
    tool = runpy.run_path(str(ROOT / "tools" / "build_openapi.py"))
    assert openapi_text() == tool["text"](), "run: python tools/build_openapi.py"


def test_openapi_case_schema_is_the_shipped_case_schema():
    from imr_rules import schemas
    doc = json.loads(openapi_text())
    # The same schema, its internal references ("#/$defs/...") pointing where it sits in the document.
    rebased = json.dumps(schemas.load("case")).replace('"#/', '"#/components/schemas/Case/')
    shipped = {k: v for k, v in json.loads(rebased).items() if k not in ("$schema", "$id")}
    assert doc["components"]["schemas"]["Case"] == shipped


def test_openapi_documents_every_route_of_the_app(app):
    doc = json.loads(openapi_text())
    api_routes = {r.path for r in app.routes if getattr(r, "path", "").startswith(("/v1", "/cds-services", "/openapi"))}
    documented = set(doc["paths"])
    assert api_routes == documented


def test_responses_carry_security_headers_and_no_caching(client):
    response = client.get("/v1/health")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "server" not in {k.lower() for k in response.headers} or "uvicorn" not in response.headers.get("server", "")


def test_token_is_required_on_every_route_when_set(rb):
    token = "t0ken-with-enough-length"
    app = create_app(rb, token=token)
    with TestClient(app, base_url=BASE) as c:
        for method, path in (("GET", "/v1/health"), ("GET", "/v1/facts"), ("POST", "/v1/evaluate"),
                             ("GET", "/openapi.json"), ("GET", "/cds-services")):
            response = c.request(method, path, json=LUMBAR if method == "POST" else None)
            assert response.status_code == 401, path
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert response.headers["content-type"] == "application/problem+json"
        wrong = c.get("/v1/health", headers={"Authorization": "Bearer not-the-token"})
        assert wrong.status_code == 401
        right = c.post("/v1/evaluate", json=LUMBAR, headers={"Authorization": f"Bearer {token}"})
        assert right.status_code == 200
        # The page redirects a browser to the login form, which sets a cookie derived from the token.
        assert c.get("/", follow_redirects=False).headers["location"] == "/login"
        assert c.get("/static/style.css").status_code == 200
        assert c.post("/login", data={"token": "wrong"}).status_code == 401
        login = c.post("/login", data={"token": token}, follow_redirects=False)
        assert login.status_code == 303
        cookie = login.cookies.get("imr_rules_session")
        assert cookie and token not in cookie
        c.cookies.set("imr_rules_session", cookie)
        assert c.get("/").status_code == 200


def test_loopback_server_answers_only_to_loopback_host_names(rb):
    from imr_rules.serve.security import loopback_hosts
    app = create_app(rb, allowed_hosts=loopback_hosts("127.0.0.1"))
    with TestClient(app, base_url=BASE) as c:
        assert c.get("/v1/health").status_code == 200
        assert c.get("/v1/health", headers={"host": "localhost:8000"}).status_code == 200
        rebound = c.get("/v1/health", headers={"host": "attacker.example:8000"})
        assert rebound.status_code == 400


def test_cross_site_posts_are_refused(client):
    for headers in ({"sec-fetch-site": "cross-site"}, {"origin": "http://evil.example"}, {"origin": "null"}):
        response = client.post("/v1/evaluate", json=LUMBAR, headers=headers)
        assert response.status_code == 403, headers
    assert client.post("/v1/evaluate", json=LUMBAR, headers={"origin": BASE}).status_code == 200
    assert client.post("/v1/evaluate", json=LUMBAR, headers={"sec-fetch-site": "same-origin"}).status_code == 200


def test_concurrent_requests_get_the_single_threaded_results(rb, evaluator):
    """The engine is used from one thread: 8 clients at once get byte-identical answers to one at a time."""
    from imr_rules.cases import case_from_document
    from imr_rules.yamlio import Document
    cases = [{"case_id": f"c{n}", "ur_decision": "non_certified",
              "items": [{"name": name}], "facts": facts}
             for n, (name, facts) in enumerate([
                 (name, facts) for name in ("Home exercise kit", "1 LUMBAR REHABILITATION KIT", "Gym membership",
                                            "SHOULDER REHABILITATION KIT", "tramadol 50mg")
                 for facts in ({}, {"equipment_need_documented": True, "goals_documented": True,
                                    "outcome_monitoring_documented": True},
                               {"goals_documented": False}, {"exercise_contraindicated": True})])]
    expected = {c["case_id"]: evaluator.evaluate(case_from_document(Document(c, "x", {}), rb)) for c in cases}
    app = create_app(rb)
    engine_side = app.state.workbench.evaluator
    evaluate, seen = engine_side.evaluate, {"threads": set(), "active": 0, "most": 0}
    lock = threading.Lock()

    def watched(case):      # records which threads evaluate, and how many at once
        with lock:
            seen["threads"].add(threading.get_ident())
            seen["active"] += 1
            seen["most"] = max(seen["most"], seen["active"])
        try:
            time.sleep(0.001)           # widen the window two evaluations at once would need
            return evaluate(case)
        finally:
            with lock:
                seen["active"] -= 1
    engine_side.evaluate = watched
    with TestClient(app, base_url=BASE) as c:
        def post(case):
            return case["case_id"], c.post("/v1/evaluate", json=case).json()
        with ThreadPoolExecutor(8) as pool:
            got = list(pool.map(post, cases * 6))
    assert len(got) == len(cases) * 6
    for case_id, result in got:
        assert result == expected[case_id], case_id
    assert seen["most"] == 1 and len(seen["threads"]) == 1, seen


def test_a_full_queue_answers_503_at_once(rb):
    import asyncio
    from imr_rules.serve.workbench import Busy, Workbench
    wb = Workbench(rb, max_pending=1)
    gate = threading.Event()

    async def scenario():
        first = asyncio.ensure_future(wb.run(gate.wait, 10))
        await asyncio.sleep(0.05)
        with pytest.raises(Busy):
            await wb.run(lambda: None)
        gate.set()
        assert await first is True
        assert await wb.run(lambda: 42) == 42     # the slot is free again
    asyncio.run(scenario())
    wb.close()


def test_log_lines_carry_no_case_content(rb, caplog):
    secret = "ZZSECRET-patient-Jane-Q-Public"
    app = create_app(rb)
    caplog.set_level(logging.DEBUG)
    with TestClient(app, base_url=BASE) as c:
        case = {"case_id": secret, "diagnoses": [secret], "items": [{"name": f"Home exercise kit {secret}",
                                                                      "facts": {"goals_documented": secret}}]}
        assert c.post("/v1/evaluate", json=case).status_code == 422
        case["items"][0]["facts"] = {}
        assert c.post("/v1/evaluate", json=case).status_code == 200
        assert c.post(f"/v1/fhir/questionnaire?item={secret}", json=case).status_code == 422
        assert c.post("/v1/letters", files={"file": (f"{secret}.txt", SEED1.read_bytes())}).status_code == 200
        review = c.post("/reviews", data={"items": secret, "case_id": secret}, follow_redirects=False)
        c.get(review.headers["location"])
    # The server's records (the test client's own request log is not the server's).
    lines = [r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert any("POST /v1/evaluate 422" in line for line in lines)
    assert any("GET /review/{review_id} 200" in line for line in lines)
    assert not [line for line in lines if secret in line or "review/" in line.replace("/review/{review_id}", "")]


def test_an_unexpected_error_is_a_500_problem_logged_by_type_only(rb, caplog, monkeypatch):
    app = create_app(rb)
    wb = app.state.workbench

    def boom(*_args):
        raise RuntimeError("SECRET detail that must not be logged")
    monkeypatch.setattr(wb, "evaluate_bytes", boom)
    caplog.set_level(logging.INFO)
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as c:
        response = c.post("/v1/evaluate", json=LUMBAR)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "SECRET" not in response.text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged and "SECRET" not in logged
