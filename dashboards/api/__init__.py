"""The read API (/api/v1/): the IOC's figures for other operations centres (Resolution 214).

Read-only JSON over the same Reader as the pages; every endpoint is declared once
(endpoints.py) and both its route and the OpenAPI document (openapi.py) are made from that
declaration. Who may call: a consumer's token (metrics/api_consumers.py, scoped and
rate-limited) or a person signed in; every call, answered or refused, is in the audit log.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, request
from flask_limiter import Limiter, RequestLimit
from werkzeug.exceptions import HTTPException

from base.i18n import _
from dashboards import access
from dashboards.actions import Actions
from dashboards.api import reference
from dashboards.api.calls import ApiError, Call, answered, parsed, refused
from dashboards.api.endpoints import ENDPOINTS, Endpoint
from dashboards.api.openapi import document
from dashboards.problem_json import API_PREFIX, problem, wants_problem
from dashboards.reader import Reader
from metrics.api_consumers import Consumer

ROOT = API_PREFIX.rstrip("/")
OUTCOMES = {2: "done", 3: "done", 4: "refused", 5: "failed"}


def _view(endpoint: Endpoint, reader: Reader) -> Callable[..., Response]:
    def view(**path: Any) -> Response:
        try:
            return answered(endpoint.answer(Call(reader, parsed(endpoint.query), path)), media_type=endpoint.media_type)
        except ApiError as error:
            return refused(error)

    view.__name__ = view.__qualname__ = f"api_{endpoint.name}"
    return view


def register(server: Flask, reader: Reader, actions: Actions, limiter: Limiter) -> None:
    settings = reader.config.settings.api

    def caller_key() -> str:
        who = access.who()
        if isinstance(who, Consumer):
            return f"consumer:{who.id}"
        return f"person:{getattr(who, 'username', '')}"

    def rate() -> str:
        who = access.who()
        return f"{who.per_minute if isinstance(who, Consumer) else settings.requests_per_minute} per minute"

    def breached(limit: RequestLimit) -> Response:
        wait = max(1, math.ceil(limit.window[0] - time.time()))  # the window's reset, epoch seconds
        return problem(
            "rate-limited",
            _("This token may make {limit}; try again in {seconds} s.").format(limit=str(limit.limit), seconds=wait),
            headers={"Retry-After": str(wait)},
        )

    # One counter a caller over every endpoint: the rate is calls a minute to the API.
    shared = limiter.shared_limit(rate, scope="api-v1", key_func=caller_key, on_breach=breached)
    for endpoint in ENDPOINTS:
        server.add_url_rule(
            ROOT + endpoint.path, endpoint=f"api_{endpoint.name}", view_func=shared(_view(endpoint, reader))
        )

    spec = document(ENDPOINTS, settings)
    the_document = json.dumps(spec, ensure_ascii=False).encode()

    @server.route(API_PREFIX + "openapi.json")
    def openapi_document() -> Response:
        return answered(the_document, cache="public, max-age=300")

    @server.route(API_PREFIX)
    def reference_page() -> Response:
        page = answered(reference.page(spec).encode(), "public, max-age=300", "text/html")
        page.vary.update(("Accept-Language", "Cookie"))  # in the reader's language: a cache keeps one of each
        return page

    @server.route(API_PREFIX + "<path:rest>")
    def unknown(rest: str) -> Response:
        return problem("not-found", _("The API has no address {path}.").format(path=request.path[:200]))

    @server.errorhandler(404)
    @server.errorhandler(405)
    def not_here(error: HTTPException) -> Response | HTTPException:
        # An address a route's converter refused (/series/2147483648), or a method other than GET.
        if not wants_problem():
            return error
        if error.code == 405:
            return problem("method-not-allowed", _("The API only reads: use GET."), headers={"Allow": "GET, HEAD"})
        return problem("not-found", _("The API has no address {path}.").format(path=request.path[:200]))

    @server.after_request
    def audited(response: Response) -> Response:
        if wants_problem() or request.path == ROOT:
            actions.audit(
                "api",
                f"{request.method} {request.full_path.rstrip('?')}",
                outcome="limited" if response.status_code == 429 else OUTCOMES.get(response.status_code // 100, "done"),
                detail=str(response.status_code),
            )
        return response
