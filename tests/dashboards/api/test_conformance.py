"""schemathesis against the OpenAPI document the app serves: calls generated for every
operation from the document (valid ones, and invalid ones), each answer checked against it
(no 5xx, the status documented, the body matching its schema, content type and headers as
declared).

Each operation's strategy is driven by Hypothesis here rather than by schemathesis' pytest
plugin, whose fixture support reads a private attribute pytest 9.2 removed."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
EXAMPLES = 40


def operations(api) -> list:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api.app.server)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_answer_matches_the_document(shared_read_api, mode):
    headers = {"Authorization": f"Bearer {shared_read_api.token('schemathesis')}"}
    checked = []
    for operation in operations(shared_read_api):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def answers_as_documented(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        answers_as_documented()
        checked.append(operation.label)
    assert len(checked) == 17, checked


def test_the_document_is_openapi_3_1_with_every_operation(shared_read_api):
    document = shared_read_api.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    operations_ = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert len(operations_) == 17 and {"listSeries", "listSamples", "listLatest", "getIndicatorFigures"} <= operations_
    # generated from the models that answer: a field of SeriesOut is in the document
    assert set(document["components"]["schemas"]["SeriesOut"]["properties"]) >= {"id", "as_of", "stale", "province"}
