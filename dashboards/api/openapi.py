"""The OpenAPI 3.1 document of the read API, generated from the endpoints' declarations and
the pydantic models that build their answers: a field added to a model is in the document.

Written here rather than by a framework (spectree, flask-openapi3): those validate through
their own Flask app class or decorators, and serve their reference pages from a CDN that an
operations centre's network may not reach; the document itself is pydantic's JSON Schema
(2020-12, which OpenAPI 3.1 uses as it is) put in place.
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

from dashboards.api import models as m
from dashboards.api.endpoints import Endpoint
from dashboards.problem_json import API_PREFIX, MEDIA_TYPE, STATUS, TITLES
from metrics.settings import ApiSection

VERSION = "1.0.0"
REF = "#/components/schemas/{model}"


def _parameter_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter's schema: a parameter left out is absent, never null."""
    schema = {k: v for k, v in schema.items() if k not in ("default", "title")} | (
        {"default": schema["default"]} if schema.get("default") is not None else {}
    )
    options = schema.pop("anyOf", None)
    if options:
        kept = [o for o in options if o.get("type") != "null"]
        schema = {**kept[0], **schema} if len(kept) == 1 else {"anyOf": kept, **schema}
    return schema


def _parameters(endpoint: Endpoint, api: ApiSection) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 0, "maximum": 2147483647},
        }
        for name in endpoint.path_parameters
    ]
    schema = endpoint.query.model_json_schema(by_alias=True)
    required = set(schema.get("required", []))
    for name, field in schema.get("properties", {}).items():
        field = _parameter_schema(field)
        description = field.pop("description", "")
        if name == "limit":
            field |= {"maximum": api.max_page_size}
            field["default"] = api.page_size
        parameters.append(
            {"name": name, "in": "query", "required": name in required, "schema": field}
            | ({"description": description} if description else {})
        )
    return parameters


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {MEDIA_TYPE: {"schema": {"$ref": REF.format(model="ProblemOut")}}}}


def _responses(endpoint: Endpoint) -> dict[str, Any]:
    headers = {
        "ETag": {"description": "a digest of the body: send it back in If-None-Match", "schema": {"type": "string"}},
        "Cache-Control": {"schema": {"type": "string"}},
    }
    if endpoint.paged:
        headers["Link"] = {"description": 'the next page: <…>; rel="next"', "schema": {"type": "string"}}
    schema = {"$ref": REF.format(model=endpoint.response.__name__)} if endpoint.response else {"type": "string"}
    responses: dict[str, Any] = {
        "200": {
            "description": "the answer",
            "headers": headers,
            "content": {endpoint.media_type: {"schema": schema}},
        },
        "304": {"description": "not modified since the ETag sent in If-None-Match"},
    }
    for code, status in STATUS.items():
        if code == "method-not-allowed":
            continue  # the document describes GET only
        key = str(status)
        description = TITLES[code]
        if key in responses:
            responses[key]["description"] += f"; {description}"
        else:
            responses[key] = _problem(description)
    return responses


def document(endpoints: list[Endpoint], api: ApiSection) -> dict[str, Any]:
    """The OpenAPI 3.1 document of these endpoints (served at /api/v1/openapi.json)."""
    answers = {e.response for e in endpoints if e.response is not None}
    models = sorted(answers | {m.ProblemOut}, key=lambda model: model.__name__)
    _keys, schemas = models_json_schema([(model, "serialization") for model in models], ref_template=REF)
    paths: dict[str, Any] = {}
    for endpoint in endpoints:
        paths[endpoint.openapi_path] = {
            "get": {
                "operationId": endpoint.name,
                "tags": [endpoint.tag],
                "summary": endpoint.summary,
                "parameters": _parameters(endpoint, api),
                "responses": _responses(endpoint),
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "IOC Bộ Y tế: read API",
            "version": VERSION,
            "description": (
                "The figures of the Ministry of Health's Intelligent Operations Centre, for other "
                "operations centres. Times are UTC (ISO 8601), figures JSON numbers, errors RFC 9457 "
                "problem documents; pages follow `next` (also the Link header); every answer has an ETag."
            ),
        },
        "servers": [{"url": API_PREFIX.rstrip("/")}],
        "security": [{"bearer": []}],
        "tags": [{"name": name} for name in ("catalogue", "series", "figures", "exports")],
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "a consumer's token, given by the admin"}
            },
        },
    }
