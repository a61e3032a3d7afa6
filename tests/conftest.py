"""Shared fixtures: the default configuration, real stores (SQLite and PostgreSQL), services.

Tests that need PostgreSQL or Chromium skip when it is missing on a developer's machine,
and fail instead when IOC_REQUIRE_SERVICES=1 (as .ci/run sets), so CI never skips silently.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import threading
import unicodedata
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from metrics.settings import Config, SourceConfig, load_config
from metrics.store import Store

REPO = Path(__file__).resolve().parent.parent
# /healthz gives its detail only to the monitoring token: the tests' apps (in-process and
# started as processes, which inherit the environment) all know this one.
os.environ["IOC_MONITORING_TOKEN"] = "test-monitoring-token"
MONITORING = {"Authorization": "Bearer test-monitoring-token"}
# Sessions are signed with this key (not a file in the data folder): a cookie made by one app of
# a test is good for another over the same store, and no test writes a key into the repository.
os.environ["IOC_SECRET_KEY"] = "test-session-key-" + "0" * 48
PG_ADMIN_URL = os.environ.get("IOC_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
CHROMIUM = os.environ.get("IOC_CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests first: the workers share out the rest, and no worker is left with a
    long one at the end while the others wait (pytest.ini runs several)."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


def require(available: bool, what: str) -> None:
    """Skip without the service, or fail when the run demands every service."""
    if available:
        return
    if os.environ.get("IOC_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} is required (IOC_REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} not available")


def redis_url(database: int) -> str:
    """The URL of a Redis database shared with other tests (keep to a key prefix of your own);
    skips without Redis, fails in CI."""
    import redis

    url = f"{os.environ.get('IOC_TEST_REDIS_URL', 'redis://127.0.0.1:6379').rstrip('/')}/{database}"
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError:
        require(False, f"Redis at {url}")
    return url


def empty_redis(database: int):
    """(url, client) of a Redis database of this test's own (by number: tests running together
    use different ones), emptied; skips without Redis, fails in CI."""
    import redis

    url = f"{os.environ.get('IOC_TEST_REDIS_URL', 'redis://127.0.0.1:6379').rstrip('/')}/{database}"
    try:
        client = redis.Redis.from_url(url)
        client.ping()
    except redis.RedisError:
        require(False, f"Redis at {url}")
    client.flushdb()
    return url, client


@contextlib.contextmanager
def served_in_thread(wsgi_app, threads: int = 4) -> Iterator[str]:
    """A WSGI app served by waitress on a free loopback port, in a thread of this process; yields
    its address. At the end, a request still being served (a test that timed out) must not
    wake the closed loop: waitress writes b"x" to its wake-up pipe's descriptor, which by then
    may be a SQLite file's of the next test ("file is not a database" followed). So the wake-up
    is cut first, and the server closed from inside its own loop."""
    from waitress.server import create_server

    port = free_port()
    server = create_server(wsgi_app, host="127.0.0.1", port=port, threads=threads)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.pull_trigger = lambda *args, **kwargs: None  # what a request thread calls when done
        server.trigger.pull_trigger(server.close)
        thread.join(15)


def assert_second_scheduler_refused(env: dict[str, str]) -> None:
    """A second `python -m metrics scheduler` on a store that has one exits 1 and says why."""
    second = subprocess.run(
        [sys.executable, "-m", "metrics", "scheduler"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert second.returncode == 1 and "another scheduler is already running" in second.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def default_config() -> Config:
    return load_config(REPO / "config" / "settings.toml")


@pytest.fixture
def config_copy(tmp_path: Path) -> Path:
    """A writable copy of config/ whose files a test may break; returns its settings file."""
    target = tmp_path / "config"
    shutil.copytree(REPO / "config", target)
    return target / "settings.toml"


HISTORY_WEEKS = 3


@pytest.fixture(scope="session")
def demo_history_file(default_config, tmp_path_factory) -> Path:
    """Three weeks of every unit's demo history (BTXH's system down for the last 50 hours), built
    once per test session: history_store copies it for each test that needs history."""
    from metrics.collection import Collector, backfill

    folder = tmp_path_factory.mktemp("demo-history")
    sources = every_demo_source(default_config)
    store = Store(f"sqlite:///{folder / 'ioc.sqlite3'}")
    store.upgrade()
    backfill(Collector(with_sources(default_config, *sources, data_dir=folder), store), HISTORY_WEEKS)
    with store.engine.connect() as connection:  # everything in the main file: a plain copy is the store
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.engine.dispose()
    return folder / "ioc.sqlite3"


@pytest.fixture
def history_store(demo_history_file: Path, tmp_path: Path) -> Store:
    """A copy of the session's demo history for one test (its live collections are the test's own)."""
    target = tmp_path / "store" / "ioc.sqlite3"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(demo_history_file, target)
    store = Store(f"sqlite:///{target}")
    store.upgrade()
    yield store
    store.engine.dispose()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'store' / 'ioc.sqlite3'}")
    store.upgrade()
    yield store
    store.engine.dispose()


def _postgres_database():
    """Create a database of its own for this test on the local server; yields its URL."""
    from sqlalchemy import create_engine, text

    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means no server
        require(False, f"PostgreSQL at {PG_ADMIN_URL} ({type(error).__name__})")
    name = f"ioc_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url():
    yield from _postgres_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path: Path) -> Store:
    """The store's suite runs against both SQLite and the PostgreSQL server."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store' / 'ioc.sqlite3'}"
        generator = None
    else:
        generator = _postgres_database()
        url = next(generator)
    store = Store(url)
    store.upgrade()
    yield store
    store.engine.dispose()
    if generator is not None:
        generator.close()


@pytest.fixture
def fake_kind(monkeypatch):
    """Registers tests/fakes.py's FakeSource as kind "fake", as a new module would be."""
    from data_sources.registry import KINDS
    from tests.fakes import FakeSource

    monkeypatch.setitem(KINDS, "fake", "tests.fakes:FakeSource")
    FakeSource.calls.clear()
    FakeSource.release.clear()
    yield FakeSource
    FakeSource.release.set()  # let abandoned fetches finish


@pytest.fixture
def api():
    """A real HTTP server on loopback whose answers the test scripts (tests/data_sources/loopback.py)."""
    from tests.data_sources.loopback import LoopbackServer

    server = LoopbackServer()
    yield server
    server.close()


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download), one per test worker; each
    test opens its own context (its own cookies and cache). Required in CI."""
    require(os.path.exists(CHROMIUM), f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


def with_sources(config: Config, *sources: SourceConfig, data_dir: Path | None = None) -> Config:
    """The configuration with other sources (and data folder)."""
    return dataclasses.replace(config, sources=tuple(sources), data_dir=data_dir or config.data_dir)


def every_demo_source(config: Config) -> list[SourceConfig]:
    """A demo source for every unit, national systems per province as config/sources.toml has
    them, BTXH's system down for the last 50 hours."""
    national = {s.options.unit for s in config.sources if getattr(s.options, "by_province", False)}
    return [
        demo_source(
            config,
            unit,
            **({"outage_hours": 50} if unit == "BTXH" else {}),
            **({"by_province": True} if unit in national else {}),
        )
        for unit in config.catalogue.units
    ]


def demo_source(config: Config, unit: str, source_id: str | None = None, **options) -> SourceConfig:
    from data_sources.demo import DemoOptions

    return SourceConfig(
        id=source_id or f"demo-{unit.lower()}",
        kind="demo",
        interval_seconds=60,
        jitter_seconds=0,
        timeout_seconds=10,
        look_back_days=2,
        options=DemoOptions(unit=unit, **options),
    )


def vietnamese(text: str) -> set[str]:
    """The letters in text that only Vietnamese writes here: ă â đ ê ô ơ ư, or a tone mark."""
    marks = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
    return {
        c
        for c in text
        if c.isalpha() and (c.lower() in "ăâđêôơư" or any(m in unicodedata.normalize("NFD", c) for m in marks))
    }
