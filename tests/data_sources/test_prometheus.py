"""prometheus: scraping text produced by prometheus_client's own exposition, over loopback."""

from __future__ import annotations

import datetime as dt

import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest

from data_sources.base import SourceError, Window
from data_sources.prometheus import PrometheusOptions, PrometheusSource
from tests.data_sources.loopback import Answer

NOW = dt.datetime.now(dt.UTC)
WINDOW = Window(NOW - dt.timedelta(minutes=5), NOW)


def exposition() -> bytes:
    registry = CollectorRegistry()
    up = Gauge("up", "Target is up", ["job", "instance"], registry=registry)
    up.labels("dvc", "a").set(1)
    up.labels("dvc", "b").set(0)
    up.labels("other", "c").set(1)
    requests = Counter("http_requests", "Requests", ["job", "code"], registry=registry)
    requests.labels("dvc", "200").inc(1500)
    requests.labels("dvc", "500").inc(20)
    requests.labels("other", "200").inc(99)
    return generate_latest(registry)


def source(config, url: str, **extra) -> PrometheusSource:
    options = PrometheusOptions(
        url=url,
        unit="VPB",
        samples=[
            {
                "metric": "system_availability",
                "sample": "up",
                "labels": {"job": "dvc"},
                "aggregate": "avg",
                "scale": 100,
            },
            {"metric": "system_requests_total", "sample": "http_requests_total", "labels": {"job": "dvc"}},
        ],
        **extra,
    )
    return PrometheusSource("vpb-prom", options, config.catalogue, config.config_dir)


def test_samples_are_picked_by_name_and_labels_then_aggregated_and_scaled(default_config, api):
    url = api.route("/metrics", Answer(body=exposition(), content_type="text/plain; version=0.0.4"))
    records = {r.metric: r for r in source(default_config, url).fetch(WINDOW)}
    assert records["system_availability"].value == 50.0  # one of the two dvc instances is up
    assert records["system_requests_total"].value == 1520.0  # 200s and 500s of job dvc, not job other
    assert records["system_availability"].unit == "VPB"
    assert abs((records["system_availability"].ts - dt.datetime.now(dt.UTC)).total_seconds()) < 60


def test_a_mapping_that_matches_nothing_gives_no_record(default_config, api):
    url = api.route("/metrics", Answer(body=b"# HELP x X\n# TYPE x gauge\nx 1\n", content_type="text/plain"))
    assert source(default_config, url).fetch(WINDOW) == []


@pytest.mark.parametrize(
    "answer, message",
    [
        (Answer(200, b"this is { not prometheus", "text/plain"), "định dạng Prometheus"),
        (Answer(200, b'up 1\nup{job="x" 1\n', "text/plain"), '“up{job="x" 1” không phải một mẫu số liệu'),
        (Answer(200, b"<html>login</html>", "text/html"), "trang HTML"),
        (Answer(503, b"down", "text/plain"), "HTTP 503"),
    ],
)
def test_broken_endpoints_are_clear_errors(default_config, api, answer, message):
    url = api.route("/metrics", answer)
    with pytest.raises(SourceError, match=message):
        source(default_config, url, retries=0).fetch(WINDOW)


def test_an_exposition_per_province_gives_a_record_per_province(default_config, api):
    registry = CollectorRegistry()
    requests = Counter("http_requests", "Requests", ["job", "tinh"], registry=registry)
    requests.labels("dvc", "01").inc(700)
    requests.labels("dvc", "79").inc(900)
    requests.labels("dvc", "").inc(5)  # no province: left out, not added to one
    url = api.route("/metrics", Answer(body=generate_latest(registry), content_type="text/plain"))
    options = PrometheusOptions(
        url=url,
        unit="VPB",
        province_label="tinh",
        samples=[{"metric": "system_requests_total", "sample": "http_requests_total", "labels": {"job": "dvc"}}],
    )
    records = PrometheusSource("vpb-prom", options, default_config.catalogue, default_config.config_dir).fetch(WINDOW)
    assert sorted((r.province, r.value) for r in records) == [("01", 700.0), ("79", 900.0)]
