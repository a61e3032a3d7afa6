"""schemathesis against the OpenAPI document the app serves: generated calls to every
operation, each answer checked against the document (no 5xx, the status documented, the body
matching its schema, the content type and headers as declared)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_schema(shared_read_api):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", shared_read_api.app.server)
    return schema


@pytest.fixture(scope="module")
def token(shared_read_api):
    return shared_read_api.token("schemathesis")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_matches_the_document(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


def test_the_document_is_openapi_3_1_with_every_operation(shared_read_api):
    document = shared_read_api.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    operations = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert len(operations) == 13 and {"listSeries", "listSamples", "listLatest", "getIndicatorFigures"} <= operations
    # generated from the models that answer: a field of SeriesOut is in the document
    assert set(document["components"]["schemas"]["SeriesOut"]["properties"]) >= {"id", "as_of", "stale", "province"}
