"""The snapshot cache: shared between processes (file cache, or Redis), rebuilt after new data."""

from __future__ import annotations

import dataclasses
import time

from flask import Flask

from dashboards.reader import Reader
from metrics.collection import Collector
from tests.conftest import demo_source, empty_redis, with_sources


def reader(config, store) -> Reader:
    return Reader(Flask(__name__), config, store, lambda: None, 15)


def count_builds(monkeypatch) -> list:
    import dashboards.reader as module

    calls = []
    real = module.build_snapshot

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "build_snapshot", counting)
    return calls


def test_a_snapshot_is_built_once_per_data_version_and_shared_by_processes(
    default_config, sqlite_store, tmp_path, monkeypatch
):
    config = with_sources(default_config, demo_source(default_config, "KCB"), data_dir=tmp_path)
    collector = Collector(config, sqlite_store)
    collector.collect("demo-kcb")
    builds = count_builds(monkeypatch)
    first, second = reader(config, sqlite_store), reader(config, sqlite_store)  # two "workers"
    one = first.snapshot()
    two = second.snapshot()
    assert len(builds) == 1 and one.built_at == two.built_at
    collector.collect("demo-kcb")  # new data, new version: the previous snapshot at once, a new one behind
    assert second.snapshot().built_at == one.built_at
    deadline = time.monotonic() + 20
    while second.snapshot().built_at == one.built_at and time.monotonic() < deadline:
        time.sleep(0.05)
    assert first.snapshot().built_at > one.built_at and len(builds) == 2


def test_the_redis_cache_is_used_in_production(default_config, sqlite_store, tmp_path, monkeypatch):
    url, client = empty_redis(15)
    config = dataclasses.replace(
        with_sources(default_config, demo_source(default_config, "KCB"), data_dir=tmp_path), cache_url=url
    )
    Collector(config, sqlite_store).collect("demo-kcb")
    builds = count_builds(monkeypatch)
    reader(config, sqlite_store).snapshot()
    reader(config, sqlite_store).snapshot()
    assert len(builds) == 1
    assert any(key.startswith(b"ioc:") for key in client.keys("*"))
    assert not (tmp_path / "cache").exists()
    client.flushdb()


def test_an_open_page_follows_the_snapshot_it_shows(default_config, sqlite_store, tmp_path):
    from dashboards.webapp import create_app
    from tests.accounts import sign_in
    from tests.dashboards.test_web_safety import REFRESH

    config = with_sources(default_config, demo_source(default_config, "KCB"), data_dir=tmp_path)
    Collector(config, sqlite_store).collect("demo-kcb")  # KCB's system is national: figures per province
    app = create_app(config, sqlite_store)
    client = sign_in(app.server.test_client(), sqlite_store, config)
    reader = app.server.config["IOC_READER"]

    def tick(search: str) -> str:
        body = {**REFRESH, "state": [REFRESH["state"][0], {"id": "url", "property": "search", "value": search}]}
        answer = client.post("/_dash-update-component", json=body, headers={"Origin": "http://localhost"})
        return answer.get_json()["response"]["data-version"]["data"]

    ministry, province = tick(""), tick("?tinh=79")
    assert ministry == reader.snapshot_token() and province == reader.snapshot_token(province="79")
    assert province != ministry  # Hồ Chí Minh City's figures are not the country's
    assert tick("?tinh=99") == ministry  # no such province: the page shows the country, and follows it
