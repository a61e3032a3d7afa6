"""A store that goes away (PostgreSQL restarted): runs fail and retry; nothing is half-written."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from metrics.collection import Collector
from metrics.schema import collection_runs
from metrics.store import Store
from tests.conftest import demo_source, with_sources
from tests.tcp_proxy import TcpProxy


@pytest.fixture
def proxied_store(postgres_url):
    """The PostgreSQL store reached through a proxy the test can cut, like a server restart."""
    url = make_url(postgres_url)
    proxy = TcpProxy(url.port or 5432)
    store = Store(url.set(port=proxy.port).render_as_string(hide_password=False))
    store.upgrade()
    yield store, proxy
    proxy.cut()
    store.engine.dispose()


def runs(store) -> list:
    with store.engine.connect() as connection:
        return connection.execute(
            select(collection_runs.c.status, collection_runs.c.rows_written).order_by(collection_runs.c.id)
        ).all()


def test_runs_fail_while_the_store_is_away_and_succeed_when_it_returns(default_config, proxied_store):
    store, proxy = proxied_store
    collector = Collector(with_sources(default_config, demo_source(default_config, "KCB")), store)
    first = collector.collect("demo-kcb")
    assert first.status == "ok"
    before = store.count_samples()
    proxy.cut()
    away = collector.collect("demo-kcb")
    assert away.status == "failed" and "kho số liệu không truy cập được" in away.error
    proxy.restore()
    again = collector.collect("demo-kcb")
    assert again.status == "ok"
    assert store.count_samples() == before  # the same period: stored once
    assert [r.status for r in runs(store)] == ["ok", "ok"]


def test_a_store_lost_in_the_middle_of_a_write_keeps_nothing_of_that_run(default_config, proxied_store, monkeypatch):
    store, proxy = proxied_store
    config = with_sources(default_config, demo_source(default_config, "KCB"), demo_source(default_config, "QLD"))
    collector = Collector(config, store)
    collector.collect("demo-kcb")
    before = store.count_samples()
    real_upsert = store._upsert_samples

    def upsert_then_lose_the_server(connection, rows):
        real_upsert(connection, rows)  # the rows are written in the open transaction ...
        proxy.cut()  # ... and the server goes away before the commit

    monkeypatch.setattr(store, "_upsert_samples", upsert_then_lose_the_server)
    outcome = collector.collect("demo-qld")
    assert outcome.status == "failed"
    monkeypatch.undo()
    proxy.restore()
    assert store.count_samples() == before  # nothing of the interrupted run
    assert collector.collect("demo-qld").status == "ok"
    statuses = [r.status for r in runs(store)]
    assert statuses == ["ok", "interrupted", "ok"]  # the lost run is logged as such
    assert store.count_samples() > before
