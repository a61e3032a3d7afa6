"""The API's reference page (/api/v1/): the OpenAPI document made readable, in the reader's
language, served by the app itself (no script from elsewhere: the page works on a closed
network and under the app's Content-Security-Policy)."""

from __future__ import annotations

from typing import Any

from flask import render_template

from base import i18n
from base.i18n import _
from dashboards.problem_json import API_PREFIX, STATUS, TITLES


def _type(schema: dict[str, Any], schemas: dict[str, Any]) -> str:
    """A field's type in a few words: integer, string (date-time), list of SeriesOut, …"""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        kinds = [_type(option, schemas) for option in schema["anyOf"]]
        return " | ".join(kinds)
    if schema.get("type") == "array":
        return f"[{_type(schema.get('items', {}), schemas)}]"
    if "enum" in schema:
        return " | ".join(str(value) for value in schema["enum"])
    if "const" in schema:
        return str(schema["const"])
    kind = str(schema.get("type", "object"))
    if schema.get("format"):
        kind += f" ({schema['format']})"
    if schema.get("pattern"):
        kind += f" {schema['pattern']}"
    return kind


def _fields(schema: dict[str, Any], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": _type(field, schemas),
            "required": name in required,
            "description": _(field["description"]) if field.get("description") else "",
        }
        for name, field in schema.get("properties", {}).items()
    ]


def page(document: dict[str, Any]) -> str:
    schemas = document["components"]["schemas"]
    operations = []
    for path, methods in document["paths"].items():
        operation = methods["get"]
        ((media_type, content),) = operation["responses"]["200"]["content"].items()
        answer = content["schema"]["$ref"].rsplit("/", 1)[-1] if "$ref" in content["schema"] else media_type
        operations.append(
            {
                "id": operation["operationId"],
                "path": API_PREFIX.rstrip("/") + path,
                "tag": operation["tags"][0],
                "summary": _(operation["summary"]),
                "parameters": [
                    {
                        "name": p["name"],
                        "where": p["in"],
                        "required": p["required"],
                        "type": _type(p["schema"], schemas)
                        + (f" = {p['schema']['default']}" if "default" in p["schema"] else ""),
                        "description": _(p["description"]) if p.get("description") else "",
                    }
                    for p in operation["parameters"]
                ],
                "answer": answer,
            }
        )
    models = {name: _fields(schema, schemas) for name, schema in sorted(schemas.items())}
    problems = [{"code": code, "status": STATUS[code], "title": _(title)} for code, title in TITLES.items()]
    return render_template(
        "api_reference.html",
        lang=i18n.current(),
        title=_("IOC read API"),
        version=document["info"]["version"],
        operations=operations,
        models=models,
        problems=problems,
        text={
            "intro": _(
                "The figures of the IOC for other operations centres: read-only JSON. Ask the IOC's "
                "administrator for a token; send it with every call as Authorization: Bearer <token>. "
                "A token reads the units, provinces and metrics it was given, so many calls a minute."
            ),
            "conventions": _(
                "Times are UTC in ISO 8601; figures are JSON numbers (null when there is none); each "
                "figure carries its as_of and stale. Long lists come a page at a time: follow next (also "
                "in the Link header) until it is null. Every answer has an ETag: send it back in "
                "If-None-Match and an unchanged answer is 304 with no body. Errors are RFC 9457 problem "
                "documents."
            ),
            "document": _("The OpenAPI 3.1 document"),
            "parameters": _("Parameters"),
            "answer": _("Answer"),
            "models": _("What the answers hold"),
            "problems": _("Problems"),
            "name": _("Name"),
            "where": _("In"),
            "type": _("Type"),
            "required": _("Required"),
            "description": _("Description"),
            "yes": _("yes"),
        },
    )
