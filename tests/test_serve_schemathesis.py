"""Property-based API tests generated from the OpenAPI document (schemathesis).

Bodies, parameters and content types generated from imr_rules/serve/openapi.json,
valid and invalid: no request may make a server error, and every answer must
match the document (status code, content type, headers, response schema).
A bounded number of examples per operation keeps the suite short.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="the test-serve extra is installed by make test")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis import checks  # noqa: E402

from imr_rules.loader import load_rulebase  # noqa: E402
from imr_rules.serve import create_app  # noqa: E402

APP = create_app(load_rulebase())
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)

CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_headers_conformance, checks.response_schema_conformance, checks.negative_data_rejection]


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_api_conforms_to_its_openapi_document(case):
    case.call_and_validate(checks=CHECKS)
