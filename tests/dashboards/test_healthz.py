"""GET /healthz reports the store, the scheduler and every source."""

from __future__ import annotations

import dataclasses
import time

from sqlalchemy import update

from dashboards.webapp import create_app
from metrics.collection import Collector
from metrics.schema import collection_runs
from metrics.store import Store
from tests.conftest import MONITORING, demo_source, with_sources


def client_for(config, store, state="running"):
    return create_app(config, store, lambda: state).server.test_client()


def test_healthz_reports_each_source_and_the_store(default_config, sqlite_store, tmp_path):
    config = with_sources(
        default_config,
        demo_source(default_config, "KCB"),
        demo_source(default_config, "BTXH", outage_hours=50),
        data_dir=tmp_path,
    )
    collector = Collector(config, sqlite_store)
    collector.collect_all()
    sqlite_store.beat("test:1", time.time(), 2)
    response = client_for(config, sqlite_store).get("/healthz", headers=MONITORING)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) >= {"status", "store", "scheduler", "sources"}
    assert body["store"]["ok"] is True and body["store"]["data_version"] == 2
    assert body["scheduler"]["running"] is True
    kcb, btxh = body["sources"]["demo-kcb"], body["sources"]["demo-btxh"]
    assert kcb["last_success"].endswith("+00:00") and kcb["last_error"] is None and kcb["stale"] is False
    assert btxh["last_success"] is None and btxh["last_live_success"] is None
    assert "không phản hồi" in btxh["last_error"] and btxh["stale"] is True
    assert body["status"] == "degraded"  # a stale source


def test_healthz_is_ok_when_every_source_is_fresh_and_the_scheduler_runs(default_config, sqlite_store, tmp_path):
    config = with_sources(default_config, demo_source(default_config, "KCB"), data_dir=tmp_path)
    Collector(config, sqlite_store).collect_all()
    body = client_for(config, sqlite_store).get("/healthz", headers=MONITORING).get_json()
    assert body["status"] == "ok"
    with sqlite_store.engine.begin() as connection:
        connection.execute(update(collection_runs).values(finished_at=time.time() - 3600))
    body = client_for(config, sqlite_store).get("/healthz", headers=MONITORING).get_json()
    assert body["sources"]["demo-kcb"]["stale"] is True and body["status"] == "degraded"


def test_healthz_says_down_with_503_when_the_store_is_unreachable(default_config, tmp_path):
    unreachable = Store("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    config = dataclasses.replace(with_sources(default_config, demo_source(default_config, "KCB")), data_dir=tmp_path)
    response = client_for(config, unreachable, state=None).get("/healthz", headers=MONITORING)
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "down" and body["store"]["ok"] is False and "OperationalError" in body["store"]["error"]


def test_anyone_learns_the_status_only_the_monitoring_token_the_detail(default_config, sqlite_store, tmp_path):
    config = with_sources(default_config, demo_source(default_config, "KCB"))
    client = client_for(config, sqlite_store)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "test-monitoring-token"}):
        answer = client.get("/healthz", headers=headers)
        assert answer.get_json() == {"status": "ok"}  # no store address, host, pid or errors
    assert "store" in client.get("/healthz", headers=MONITORING).get_json()
    unreachable = Store("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    answer = client_for(config, unreachable, state=None).get("/healthz")
    assert answer.status_code == 503 and answer.get_json() == {"status": "down"}
