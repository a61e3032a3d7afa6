"""Errors of the read API as RFC 9457 problem documents (application/problem+json).

`type` points at the problem's entry on the API's reference page; `title` is the problem's
kind in the reader's language, `detail` what was wrong with this call. Used by the access
check (no token, a revoked one) and by the API's own answers, so every refusal has one shape.
"""

from __future__ import annotations

import json

from flask import Response, request

from base.i18n import N_, _

API_PREFIX = "/api/v1/"
MEDIA_TYPE = "application/problem+json"

TITLES: dict[str, str] = {
    "unauthorized": N_("A token is needed"),
    "invalid-token": N_("Unknown token"),
    "revoked-token": N_("Revoked token"),
    "forbidden": N_("Not allowed"),
    "out-of-scope": N_("Outside the token's scope"),
    "rate-limited": N_("Too many calls"),
    "invalid-parameter": N_("Invalid parameter"),
    "not-found": N_("Not found"),
    "method-not-allowed": N_("Method not allowed"),
}
STATUS: dict[str, int] = {
    "unauthorized": 401,
    "invalid-token": 401,
    "revoked-token": 401,
    "forbidden": 403,
    "out-of-scope": 403,
    "rate-limited": 429,
    "invalid-parameter": 400,
    "not-found": 404,
    "method-not-allowed": 405,
}


def wants_problem() -> bool:
    """Whether this request is one of the API's (its refusals are problem documents)."""
    return request.path.startswith(API_PREFIX)


def problem(code: str, detail: str, headers: dict[str, str] | None = None) -> Response:
    """The problem document of code (a key of TITLES), with what was wrong with this call."""
    status = STATUS[code]
    body = {
        "type": f"{API_PREFIX}#problem-{code}",
        "title": _(TITLES[code]),
        "status": status,
        "detail": detail,
        "instance": request.full_path.rstrip("?")[:500],
    }
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=MEDIA_TYPE)
    response.headers["Cache-Control"] = "no-store"
    if status == 401:  # RFC 6750: how to authenticate
        error = "" if code == "unauthorized" else ', error="invalid_token"'
        response.headers["WWW-Authenticate"] = f'Bearer realm="ioc"{error}'
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
