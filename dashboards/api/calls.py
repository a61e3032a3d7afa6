"""One call of the read API: its parameters checked against the endpoint's model, the caller's
scope applied to its filters, its page cursor read, and its answer written (JSON, ETag,
Cache-Control, the next page's link).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Response, request
from pydantic import BaseModel, ValidationError

from base.i18n import N_, _
from base.provinces import provinces
from dashboards import access
from dashboards.api.models import Query
from dashboards.problem_json import problem
from dashboards.reader import Reader
from metrics.api_consumers import Consumer, Scope

WHOLE = Scope()
DIMENSIONS = {"metrics": N_("metric"), "units": N_("unit"), "provinces": N_("province"), "databases": N_("database")}


class ApiError(Exception):
    """A call that cannot be answered as asked: the problem document says why."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


@dataclass
class Call:
    reader: Reader
    query: Any  # the endpoint's Query model, validated
    path: dict[str, Any]  # the path's parameters (Flask's view_args)

    @property
    def scope(self) -> Scope:
        """What the caller may read: a consumer's scope; a person reads everything."""
        asking = access.who()
        return asking.scope if isinstance(asking, Consumer) else WHOLE

    # -- filters ------------------------------------------------------------------------------

    def known(self, dimension: str, code: str) -> None:
        catalogue = self.reader.config.catalogue
        known: Collection[str] = {
            "metrics": catalogue.metrics.keys(),
            "units": catalogue.units.keys(),
            "provinces": provinces().keys(),
            "databases": catalogue.databases.keys(),
        }[dimension]
        if code not in known:
            raise ApiError(
                "invalid-parameter",
                _("There is no {dimension} '{code}'.").format(dimension=_(DIMENSIONS[dimension]), code=code),
            )

    def filter(self, dimension: str, asked: str | None) -> set[str] | None:
        """The codes of a dimension a read may return: the one asked (known, and in the
        caller's scope), else the caller's scope, else None (any)."""
        codes: frozenset[str] = getattr(self.scope, dimension, frozenset())
        if asked is not None:
            self.known(dimension, asked)
            if codes and asked not in codes:
                raise ApiError(
                    "out-of-scope",
                    _("This token does not reach the {dimension} '{code}'.").format(
                        dimension=_(DIMENSIONS[dimension]), code=asked
                    ),
                )
            return {asked}
        return set(codes) or None

    def series_filters(self) -> dict[str, set[str] | None]:
        query = self.query
        return {
            "metrics": self.filter("metrics", query.metric),
            "units": self.filter("units", query.unit),
            "provinces": self.filter("provinces", query.province),
            "databases": self.filter("databases", query.database),
        }

    # -- pages ------------------------------------------------------------------------------------

    def limit(self) -> int:
        settings = self.reader.config.settings.api
        asked = self.query.limit
        if asked is None:
            return settings.page_size
        if asked > settings.max_page_size:
            raise ApiError(
                "invalid-parameter",
                _("A page holds at most {limit} items.").format(limit=settings.max_page_size),
            )
        return asked

    def after(self, keys: int = 1) -> tuple[int, ...] | None:
        """Where the previous page ended (its cursor: the last item's keys), or None for the
        first page."""
        cursor = self.query.cursor
        if cursor is None:
            return None
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
            kind, _colon, values = text.partition(":")
            parts = values.split(".")
            if kind != "a" or len(parts) != keys or not all(p.lstrip("-").isdigit() and len(p) <= 20 for p in parts):
                raise ValueError(text)
            values_ = tuple(int(p) for p in parts)
            if any(abs(v) >= 2**62 for v in values_):  # beyond any id or time: the store's integer would overflow
                raise ValueError(text)
            return values_
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise ApiError("invalid-parameter", _("The cursor is not one this API gave.")) from None

    def next_url(self, *last: int) -> str:
        """The address of the page after the item whose keys are last (same parameters)."""
        cursor = base64.urlsafe_b64encode(f"a:{'.'.join(str(k) for k in last)}".encode()).decode().rstrip("=")
        params = {k: v for k, v in request.args.items() if k != "cursor"}
        return f"{request.path}?{urlencode({**params, 'cursor': cursor})}"


def parsed(model: type[Query]) -> Query:
    """The query string as the endpoint's model: a parameter given twice, unknown or of the
    wrong form is refused, never guessed."""
    for name in request.args:
        if len(request.args.getlist(name)) > 1:
            raise ApiError(
                "invalid-parameter", _("The parameter '{name}' is given more than once.").format(name=name[:40])
            )
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(part) for part in first["loc"]) or "?"
        raise ApiError(
            "invalid-parameter",
            _("The parameter '{name}' is not valid: {reason}.").format(name=name[:40], reason=first["msg"]),
        ) from None


def utc(seconds: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(seconds, dt.UTC) if seconds is not None else None


def number(value: Any) -> float | None:
    """A figure as a JSON number, or null (never NaN, which JSON has not)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def answered(
    body: BaseModel | bytes, cache: str = "private, no-cache", media_type: str = "application/json"
) -> Response:
    """The answer with its ETag (a digest of the body: If-None-Match gets 304 when nothing
    changed) and Cache-Control; private: what a consumer gets depends on its scope."""
    data = body if isinstance(body, bytes) else body.model_dump_json().encode()
    response = Response(data, mimetype=media_type)
    response.set_etag(hashlib.blake2b(data, digest_size=16).hexdigest())
    response.headers["Cache-Control"] = cache
    next_page = getattr(body, "next", None)
    if next_page:
        response.headers["Link"] = f'<{next_page}>; rel="next"'
    response.make_conditional(request)  # 304, and no body, when If-None-Match holds the ETag
    return response


def refused(error: ApiError) -> Response:
    return problem(error.code, error.detail)
