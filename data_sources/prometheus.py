"""Monitoring endpoints in the Prometheus text format (kind = "prometheus").

Scrapes one endpoint (httpx, via http_fetch) and parses it with prometheus_client's own
parser; each mapping picks samples by name and exact label values, aggregates them and
scales the result (e.g. up 0/1 averaged and x100 = availability in percent).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any, Literal

from prometheus_client.parser import text_string_to_metric_families
from pydantic import Field, field_validator

from base.catalogue import Catalogue
from data_sources.base import Options, Record, Source, SourceError, Window, check_codes, series_of
from data_sources.guards import decode_utf8
from data_sources.http_fetch import client as http_client
from data_sources.http_fetch import fetch_body, secret_headers


class SampleMapping(Options):
    metric: str  # our metric code
    sample: str  # the sample name in the exposition (counters keep _total)
    labels: dict[str, str] = Field(default_factory=dict)  # keep only samples with these label values
    aggregate: Literal["sum", "avg", "max", "min"] = "sum"
    scale: float = 1.0


class PrometheusOptions(Options):
    url: str
    unit: str
    database: str = ""
    # The label holding the province's code ("tinh"), when the exposition is per province: each
    # mapping then gives one record per province (samples without the label are left out).
    province_label: str = ""
    samples: list[SampleMapping] = Field(min_length=1)
    secret_headers: dict[str, str] = Field(default_factory=dict)
    request_timeout: float = Field(default=10, gt=0, le=600)
    retries: int = Field(default=1, ge=0, le=10)
    max_bytes: int = Field(default=20_000_000, ge=1_000)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("url must start with http:// or https://")
        return value


AGGREGATES: dict[str, Callable[[list[float]], float]] = {
    "sum": sum,
    "max": max,
    "min": min,
    "avg": lambda values: sum(values) / len(values),
}


def _first_bad_line(text: str) -> str:
    """The first sample line the parser refuses on its own (looked for only once parsing failed)."""
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            try:
                list(text_string_to_metric_families(line + "\n"))
            except (ValueError, TypeError):
                return line.strip()
    return ""


def map_samples(text: str, options: PrometheusOptions, collected_at: dt.datetime) -> list[Record]:
    """One record per mapping (and province, with province_label) that matched at least one sample."""
    matched: dict[tuple[int, str], list[tuple[float, Any]]] = {}
    by_province = options.province_label
    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                for index, mapping in enumerate(options.samples):
                    if sample.name == mapping.sample and all(
                        sample.labels.get(k) == v for k, v in mapping.labels.items()
                    ):
                        province = sample.labels.get(by_province, "") if by_province else ""
                        if by_province and not province:
                            continue
                        matched.setdefault((index, province), []).append((sample.value, sample.timestamp))
    except (ValueError, TypeError):
        # The parser's message is English and names no line: the reader is shown the line itself.
        line = _first_bad_line(text)
        problem = (
            SourceError("prometheus.bad_line", line=line[:120]) if line else SourceError("prometheus.unreadable_text")
        )
        raise problem from None
    records = []
    for (index, province), found in sorted(matched.items()):
        mapping = options.samples[index]
        values = [v for v, _ in found if not math.isnan(v)]
        if not values:
            continue
        stamps = [float(t) for _, t in found if t is not None]
        ts = dt.datetime.fromtimestamp(max(stamps), dt.UTC) if stamps else collected_at
        records.append(
            Record(
                mapping.metric,
                ts,
                AGGREGATES[mapping.aggregate](values) * mapping.scale,
                options.unit,
                options.database,
                province=province,
            )
        )
    return records


class PrometheusSource(Source[PrometheusOptions]):
    options_model = PrometheusOptions

    @classmethod
    def declared_series(cls, options: PrometheusOptions, catalogue: Catalogue) -> set[tuple[str, str, str]]:
        return series_of(catalogue, options.unit, options.database, [s.metric for s in options.samples])

    @classmethod
    def check_options(cls, options: PrometheusOptions, catalogue, config_dir) -> None:
        check_codes(
            catalogue,
            unit=options.unit,
            database=options.database,
            metrics={f"samples[{i}].metric": m.metric for i, m in enumerate(options.samples)},
        )

    def fetch(self, window: Window) -> list[Record]:
        headers = {"Accept": "text/plain;version=0.0.4", **secret_headers(self.options.secret_headers)}
        with http_client(self.options.request_timeout, headers) as session:
            content_type, body = fetch_body(
                session,
                self.options.url,
                retries=self.options.retries,
                max_bytes=self.options.max_bytes,
                deadline=window.deadline,
            )
        text = decode_utf8(body)
        if "html" in content_type.lower() or text.lstrip()[:1] == "<":
            raise SourceError("prometheus.html")
        return map_samples(text, self.options, dt.datetime.now(dt.UTC))
