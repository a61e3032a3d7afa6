"""HTTP/JSON APIs of unit systems (kind = "http_json").

GET (or POST with a body) with httpx (data_sources/http_fetch.py: retries on connection
errors and 5xx, none on 4xx, size limit); credentials from environment variables named in
the configuration, never written anywhere; the body is checked to be UTF-8 JSON of bounded
depth, then mapped to records with JMESPath. Pages follow a next link or a page number.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import httpx
import jmespath
from pydantic import Field, field_validator

from base import localtime
from base.catalogue import Catalogue
from data_sources.base import OptionError, Options, Record, Source, SourceError, Window, check_codes, series_of
from data_sources.guards import parse_json
from data_sources.http_fetch import client as http_client
from data_sources.http_fetch import fetch_body, secret_headers
from data_sources.parsing import parse_number, parse_time


class ValueMapping(Options):
    metric: str
    path: str  # JMESPath inside one record


class HttpJsonOptions(Options):
    url: str
    method: Literal["GET", "POST"] = "GET"
    params: dict[str, str] = Field(default_factory=dict)  # {since} {until} {since_date} ... are filled in
    body: dict[str, Any] | None = None  # POST body (JSON), same placeholders
    headers: dict[str, str] = Field(default_factory=dict)
    secret_headers: dict[str, str] = Field(default_factory=dict)  # header -> environment variable holding its value
    records: str = "@"  # JMESPath to the list of records in a page
    values: list[ValueMapping] = Field(default_factory=list)  # a column per metric, or
    metric_path: str = ""  # records that name their metric (long format): JMESPath to its code
    value_path: str = ""  # and to its value
    unit: str = ""  # fixed unit code, or
    unit_path: str = ""  # JMESPath to it in each record
    database: str = ""
    database_path: str = ""
    province_path: str = ""  # JMESPath to the province's code ("01") when records are per province
    time_path: str = ""  # JMESPath to the record's time; empty = the time of collection
    time_format: str = "iso"  # iso | epoch | epoch_ms | a strftime pattern such as %d/%m/%Y
    next_path: str = ""  # JMESPath to the next page's URL (same host only)
    page_param: str = ""  # or: a page-number query parameter
    first_page: int = 1
    max_pages: int = Field(default=50, ge=1, le=10_000)
    request_timeout: float = Field(default=10, gt=0, le=600)
    retries: int = Field(default=2, ge=0, le=10)
    max_bytes: int = Field(default=10_000_000, ge=1_000)
    max_depth: int = Field(default=64, ge=2, le=1000)

    @field_validator(
        "records", "metric_path", "value_path", "unit_path", "database_path", "province_path", "time_path", "next_path"
    )
    @classmethod
    def _jmespath(cls, value: str) -> str:
        if value:
            try:
                jmespath.compile(value)
            except jmespath.exceptions.JMESPathError as error:
                raise ValueError(f"not a JMESPath expression: {error}") from None
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("url must start with http:// or https://")
        return value


PLACEHOLDERS = ("since", "until", "since_epoch", "until_epoch", "since_date", "until_date")


def _placeholders(window: Window) -> dict[str, str]:
    local = localtime.zone()
    return {
        "since": window.start.isoformat(),
        "until": window.end.isoformat(),
        "since_epoch": str(int(window.start.timestamp())),
        "until_epoch": str(int(window.end.timestamp())),
        "since_date": window.start.astimezone(local).date().isoformat(),
        "until_date": window.end.astimezone(local).date().isoformat(),
    }


def _fill(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        for key, text in values.items():
            value = value.replace("{" + key + "}", text)
        return value
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    return value


def map_records(page: Any, options: HttpJsonOptions, collected_at: dt.datetime) -> list[Record]:
    """Records of one page: every value mapping of every item under options.records."""
    items = jmespath.search(options.records, page)
    if items is None:
        return []
    if not isinstance(items, list):
        raise SourceError("json.records_not_list", path=options.records)
    records = []
    for item in items:
        unit = options.unit or _text(jmespath.search(options.unit_path, item) if options.unit_path else "")
        database = options.database or _text(
            jmespath.search(options.database_path, item) if options.database_path else ""
        )
        province = _text(jmespath.search(options.province_path, item)) if options.province_path else ""
        raw_time = jmespath.search(options.time_path, item) if options.time_path else None
        ts = parse_time(raw_time, options.time_format) if options.time_path else collected_at
        if options.metric_path:  # an unknown code is quarantined by validation, with the record
            metric = _text(jmespath.search(options.metric_path, item))
            value = parse_number(jmespath.search(options.value_path, item))
            records.append(Record(metric, ts, value, unit, database, province=province))
        for mapping in options.values:
            value = parse_number(jmespath.search(mapping.path, item))
            records.append(Record(mapping.metric, ts, value, unit, database, province=province))
    return records


def _text(value: Any) -> str:
    return "" if value is None else str(value)[:100]


class HttpJsonSource(Source[HttpJsonOptions]):
    options_model = HttpJsonOptions

    @classmethod
    def declared_series(cls, options: HttpJsonOptions, catalogue: Catalogue) -> set[tuple[str, str, str]]:
        if options.unit_path or options.database_path or options.metric_path:
            return set()  # known only from the records
        return series_of(catalogue, options.unit, options.database, [v.metric for v in options.values])

    @classmethod
    def check_options(cls, options: HttpJsonOptions, catalogue, config_dir) -> None:
        check_codes(
            catalogue,
            unit=options.unit,
            database=options.database,
            metrics={f"values[{i}].metric": m.metric for i, m in enumerate(options.values)},
        )
        if bool(options.values) == bool(options.metric_path):
            raise OptionError("values", "give values (a column per metric) or metric_path and value_path, not both")
        if bool(options.metric_path) != bool(options.value_path):
            raise OptionError("value_path", "metric_path and value_path go together")
        if not (options.unit or options.unit_path or options.database or options.database_path):
            raise OptionError("unit", "give unit or unit_path (or a database) so records can be attributed")

    @property  # the base class says it as a constant; here it depends on the options
    def can_backfill(self) -> bool:  # type: ignore[override]
        """History can be read a window at a time only when the request names the window
        ({since}, {until}, …): otherwise every window of a backfill would read today's figures."""
        asked = repr((self.options.url, self.options.params, self.options.body))
        return any("{" + name + "}" in asked for name in PLACEHOLDERS)

    def _headers(self) -> dict[str, str]:
        return {"Accept": "application/json", **self.options.headers, **secret_headers(self.options.secret_headers)}

    def fetch(self, window: Window) -> list[Record]:
        options = self.options
        values = _placeholders(window)
        collected_at = dt.datetime.now(dt.UTC)
        records: list[Record] = []
        url: str = _fill(options.url, values)
        params = _fill(options.params, values)
        page_number = options.first_page
        host = urlsplit(options.url).netloc
        with http_client(options.request_timeout, self._headers()) as client:
            for _ in range(options.max_pages):
                if options.page_param:
                    params = {**params, options.page_param: str(page_number)}
                page = self._get(client, url, params, _fill(options.body, values), window.deadline)
                page_records = map_records(page, options, collected_at)
                records += page_records
                if options.next_path:
                    following = jmespath.search(options.next_path, page)
                    if not following:
                        break
                    url = urljoin(url, str(following))
                    if urlsplit(url).netloc != host:
                        raise SourceError("http.next_other_host")
                    params = None  # the next link carries its own query: httpx would drop it for {}
                elif options.page_param and page_records:
                    page_number += 1
                else:
                    break
        return records

    def _get(self, client: httpx.Client, url: str, params: dict, body: Any, deadline: float | None) -> Any:
        options = self.options
        content_type, payload = fetch_body(
            client,
            url,
            method=options.method,
            params=params,
            body=body,
            retries=options.retries,
            max_bytes=options.max_bytes,
            deadline=deadline,
        )
        return parse_json(payload, content_type, options.max_depth)
