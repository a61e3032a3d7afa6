"""The scheduler: sources on their own intervals, one scheduler per store, a heartbeat."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from metrics.collection import Collector
from metrics.health import scheduler_status
from metrics.scheduler import HEARTBEAT_SECONDS, CollectionScheduler
from metrics.schema import collection_runs
from metrics.settings import SourceConfig
from tests.conftest import with_sources
from tests.fakes import FakeOptions, FakeSource

pytestmark = pytest.mark.usefixtures("fake_kind")  # sources of kind "fake" (tests/fakes.py)


def runs_by_source(store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return dict(
            connection.execute(
                select(collection_runs.c.source_id, func.count()).group_by(collection_runs.c.source_id)
            ).all()
        )


@pytest.mark.long
def test_each_source_runs_on_its_interval_and_a_hanging_one_delays_none(default_config, sqlite_store):
    sources = [
        SourceConfig(id="quick", kind="fake", interval_seconds=5, timeout_seconds=2, options=FakeOptions()),
        SourceConfig(
            id="hangs", kind="fake", interval_seconds=5, timeout_seconds=2, options=FakeOptions(sleep_seconds=60)
        ),
    ]
    scheduler = CollectionScheduler(Collector(with_sources(default_config, *sources), sqlite_store))
    assert scheduler.start(with_backfill=False)
    try:
        time.sleep(12.5)
    finally:
        scheduler.shutdown(wait=False)
    counts = runs_by_source(sqlite_store)
    assert counts["quick"] >= 3, counts  # at start, +5 s, +10 s
    assert counts["hangs"] >= 2, counts  # it times out each time, on its own schedule
    assert FakeSource.calls["hangs"] == 1  # the hung fetch is not asked again


def test_only_one_scheduler_runs_per_store(default_config, sqlite_store):
    config = with_sources(default_config)
    first = CollectionScheduler(Collector(config, sqlite_store))
    second = CollectionScheduler(Collector(config, sqlite_store))
    assert first.start(with_backfill=False)
    try:
        assert not second.start(with_backfill=False)
        assert second.state == "standby"
    finally:
        first.shutdown()
    third = CollectionScheduler(Collector(config, sqlite_store))
    assert third.start(with_backfill=False)  # the lock was released
    third.shutdown()


def test_only_one_scheduler_runs_per_postgresql_store(default_config, postgres_url):
    from metrics.store import Store

    stores = [Store(postgres_url), Store(postgres_url)]
    stores[0].upgrade()
    config = with_sources(default_config)
    first, second = (CollectionScheduler(Collector(config, s)) for s in stores)
    assert first.start(with_backfill=False)
    try:
        assert not second.start(with_backfill=False)
    finally:
        first.shutdown()
    assert second.start(with_backfill=False)
    second.shutdown()
    for store in stores:
        store.engine.dispose()


def test_the_heartbeat_tells_other_processes_the_scheduler_is_alive(default_config, sqlite_store):
    scheduler = CollectionScheduler(Collector(with_sources(default_config), sqlite_store))
    scheduler.start(with_backfill=False)
    time.sleep(0.5)
    try:
        seen_elsewhere = scheduler_status(sqlite_store, None, HEARTBEAT_SECONDS)
        assert seen_elsewhere["state"] == "running-elsewhere" and seen_elsewhere["running"]
    finally:
        scheduler.shutdown()
    later = scheduler_status(sqlite_store, None, HEARTBEAT_SECONDS, now=time.time() + 4 * HEARTBEAT_SECONDS)
    assert later["state"] == "stopped" and not later["running"]


def test_stopping_gives_runs_in_progress_a_bounded_grace(default_config, sqlite_store):
    sources = [
        SourceConfig(
            id="hangs", kind="fake", interval_seconds=60, timeout_seconds=50, options=FakeOptions(sleep_seconds=60)
        )
    ]
    scheduler = CollectionScheduler(Collector(with_sources(default_config, *sources), sqlite_store))
    scheduler.start(with_backfill=False)
    deadline = time.monotonic() + 10
    while FakeSource.calls.get("hangs", 0) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    started = time.monotonic()
    scheduler.shutdown(grace_seconds=1)
    assert time.monotonic() - started < 3
    assert not scheduler.collector.wait_idle(0)  # the hung run was left, not waited for
