"""Two IOCs on loopback: one (a real `python app.py` process) serves its figures through the
read API, the other collects them with its ordinary http_json source and the mapping shipped in
config/federation/. The figures match, also after the first is killed and restarted in the
middle of a collection."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from metrics import api_consumers
from metrics.collection import Collector, backfill
from metrics.read_models import build_snapshot
from metrics.settings import load_config
from metrics.store import Store
from tests.conftest import REPO, free_port, with_sources
from tests.test_faults import healthy, wait_for

pytestmark = pytest.mark.long


class Upstream:
    """The IOC read from: `python app.py --no-scheduler` over a copy of the demo history."""

    def __init__(self, config_file: Path, data: Path) -> None:
        self.data, self.port = data, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "IOC_CONFIG": str(config_file), "IOC_DATA_DIR": str(data)}
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(self.port), "--no-scheduler"],
            cwd=REPO,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: healthy(self.base), 60, "the upstream IOC serving")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)


def samples_of(store: Store) -> dict[tuple, float]:
    """Every raw sample by what it is (metric, unit, database, province label, time)."""
    with store.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT r.metric, r.unit, r.database, r.labels, s.ts, s.value "
                "FROM samples s JOIN series r ON r.id = s.series_id"
            )
        ).all()
    return {tuple(row[:5]): row[5] for row in rows}


def api_calls(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.execute(text("SELECT COUNT(*) FROM audit_log WHERE action = 'api'")).scalar_one()


@pytest.fixture
def two_iocs(default_config, demo_history_file, config_copy, tmp_path, monkeypatch):
    data = tmp_path / "upstream"
    data.mkdir()
    shutil.copyfile(demo_history_file, data / "ioc.sqlite3")
    upstream_store = Store(f"sqlite:///{data / 'ioc.sqlite3'}")
    upstream_store.upgrade()
    scope = api_consumers.Scope()
    _consumer, token = api_consumers.add(upstream_store, "IOC tỉnh (thử)", scope, 6000, actor="test")
    upstream = Upstream(config_copy, data)
    upstream.start()
    # The collecting IOC: config/federation/ as shipped, its address pointed at the upstream.
    federation = config_copy.parent / "federation"
    sources = (federation / "sources.toml").read_text(encoding="utf-8")
    (federation / "sources.toml").write_text(sources.replace("https://ioc.moh.gov.vn", upstream.base), encoding="utf-8")
    monkeypatch.setenv("IOC_UPSTREAM_AUTHORIZATION", f"Bearer {token}")
    config = dataclasses.replace(load_config(federation / "settings.toml"), data_dir=tmp_path / "collector")
    store = Store(f"sqlite:///{tmp_path / 'collector.sqlite3'}")
    store.upgrade()
    upstream_config = dataclasses.replace(default_config, data_dir=data)
    yield upstream, upstream_store, upstream_config, config, store
    if upstream.process is not None and upstream.process.poll() is None:
        upstream.kill()
    upstream_store.engine.dispose()
    store.engine.dispose()


def assert_same_figures(upstream_store, upstream_config, store, config) -> None:
    theirs, ours = samples_of(upstream_store), samples_of(store)
    assert ours == theirs and len(ours) > 10_000
    now = max(key[4] for key in ours) + 60
    mine, upstreams = build_snapshot(store, config, now=now), build_snapshot(upstream_store, upstream_config, now=now)
    assert [(i.code, i.ministry.value) for i in mine.indicators] == [
        (i.code, i.ministry.value) for i in upstreams.indicators
    ]
    assert [(d.code, d.score) for d in mine.databases] == [(d.code, d.score) for d in upstreams.databases]
    assert mine.effectiveness.value == upstreams.effectiveness.value


def test_an_ioc_collects_another_through_its_api_and_the_figures_match(two_iocs, default_config):
    upstream, upstream_store, upstream_config, config, store = two_iocs
    collector = Collector(config, store)
    backfill(collector, 4)  # the history, a window at a time
    assert collector.collect("ioc-upstream").status == "ok"  # and the live window
    assert_same_figures(upstream_store, upstream_config, store, config)

    # New figures upstream; the upstream is killed and restarted while the next collection
    # reads its pages (small ones, so there are many).
    Collector(with_sources(upstream_config, *default_config.sources[:3]), upstream_store).collect_all()
    options = config.sources[0].options
    small_pages = dataclasses.replace(
        config,
        sources=(
            config.sources[0].model_copy(
                update={"options": options.model_copy(update={"params": {**options.params, "limit": "50"}})}
            ),
        ),
    )
    before, calls = samples_of(store), api_calls(upstream_store)
    outcome: list = []
    running = threading.Thread(target=lambda: outcome.append(Collector(small_pages, store).collect("ioc-upstream")))
    running.start()
    wait_for(lambda: api_calls(upstream_store) >= calls + 5, 30, "the collection reading pages")
    assert running.is_alive()  # killed in the middle of the collection
    upstream.kill()
    upstream.start()
    running.join(120)
    interrupted = outcome[0]
    if interrupted.status != "ok":  # the run failed, said why, and wrote nothing of its pages
        assert interrupted.problem is not None and samples_of(store) == before
    assert Collector(config, store).collect("ioc-upstream").status == "ok"
    assert_same_figures(upstream_store, upstream_config, store, config)
