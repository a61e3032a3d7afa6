"""The snapshot is served at once and rebuilt in the background by one builder at a time."""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid

import pytest
from flask import Flask
from flask_caching import Cache

from dashboards import snapshots
from dashboards.snapshots import Snapshots
from metrics.read_models import build_snapshot
from tests.conftest import redis_url

BUILD_SECONDS = 0.6


class World:
    """A store's data version and a slow snapshot build that counts its calls."""

    def __init__(self, template) -> None:
        self.version = 1
        self.builds = 0
        self.figure = 50.0
        self.fail = False
        self.template = template
        self.lock = threading.Lock()

    def build(self, week, province):
        with self.lock:
            self.builds += 1
        time.sleep(BUILD_SECONDS)
        if self.fail:
            raise RuntimeError("the store went away")
        effectiveness = dataclasses.replace(self.template.effectiveness, value=self.figure)
        return dataclasses.replace(self.template, built_at=time.time(), effectiveness=effectiveness)


@pytest.fixture
def template(default_config, sqlite_store):
    return build_snapshot(sqlite_store, default_config)


@pytest.fixture(params=["files", "redis"])
def caches(request, tmp_path):
    """Two workers' caches over one shared backend (the file cache's folder, or Redis)."""
    made, prefix = [], f"ioc-test-{uuid.uuid4().hex}:"  # tests running together share the database
    app = Flask(__name__)  # (two workers' caches in one test process: one app holds both)
    if request.param == "redis":
        url = redis_url(11)
    for _ in range(2):
        if request.param == "files":
            settings = {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(tmp_path / "cache")}
        else:
            settings = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url, "CACHE_KEY_PREFIX": prefix}
        made.append(Cache(app, config=settings))
    return made, (tmp_path / "cache" / "locks" if request.param == "files" else None)


def workers(caches, world):
    made, lock_dir = caches
    return [Snapshots(cache, world.build, lambda: world.version, lock_dir) for cache in made]


def test_concurrent_first_requests_in_two_workers_build_the_snapshot_once(caches, template):
    world = World(template)
    first, second = workers(caches, world)
    got = []
    threads = [threading.Thread(target=lambda w=w: got.append(w.get())) for w in (first, second) * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert world.builds == 1
    assert len({entry.token for entry in got}) == 1 and len(got) == 8


def test_after_a_collection_requests_get_the_previous_snapshot_at_once_while_one_rebuild_runs(caches, template):
    world = World(template)
    first, second = workers(caches, world)
    before = first.get()
    world.version, world.figure = 2, 75.0  # a collection committed new figures
    started = time.perf_counter()
    answers = [w.get() for w in (first, second, first, second)]
    waited = time.perf_counter() - started
    assert waited < BUILD_SECONDS  # four answers in less than one build's time: none waited for one
    assert {a.token for a in answers} == {before.token}
    assert all(a.snapshot.effectiveness.value == 50.0 for a in answers)  # with its own "as of"
    deadline = time.monotonic() + 10
    while first.get().version != 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    fresh = second.get()
    assert (fresh.version, fresh.snapshot.effectiveness.value) == (2, 75.0)
    assert fresh.token != before.token
    assert world.builds == 2  # four requests, two workers: one rebuild


def test_a_rebuild_that_finds_the_same_figures_keeps_the_token(caches, template, monkeypatch):
    monkeypatch.setattr(snapshots, "STALE_STEP", 0.2)
    world = World(template)
    (worker, _) = workers(caches, world)
    before = worker.get()
    time.sleep(0.3)  # aged: staleness changes with time alone
    worker.get()
    deadline = time.monotonic() + 10
    while worker.get().snapshot.built_at == before.snapshot.built_at and time.monotonic() < deadline:
        time.sleep(0.05)
    after = worker.get()
    assert after.snapshot.built_at > before.snapshot.built_at
    assert after.token == before.token


def test_a_failing_rebuild_keeps_the_previous_snapshot_served(caches, template):
    world = World(template)
    (worker, _) = workers(caches, world)
    before = worker.get()
    world.version, world.fail = 2, True
    worker.get()
    time.sleep(BUILD_SECONDS * 2)
    assert worker.get().token == before.token
    world.fail = False
    deadline = time.monotonic() + 10
    while worker.get().version != 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert worker.get().version == 2


def test_new_figures_render_the_open_pages_again_before_anyone_asks(caches, template):
    from flask import g

    from dashboards.warming import Warming

    world = World(template)
    (worker, other) = workers(caches, world)
    made, _ = caches
    rendered, seen_elsewhere = [], []

    def render(token, lang, search, viewer):  # a page body: what it shows depends on the viewer's role
        person = g.ioc_who
        rendered.append((token, lang, search, viewer, person.role if person else None))
        seen_elsewhere.append(other.get().token)  # the other worker: still the previous snapshot
        return ["body"]

    warming = Warming(made[0].app, made[0])
    warming.register("overview-body", render)
    worker.on_new_figures.append(warming.warm)
    before = worker.get()
    seen_by_other_worker = Warming(made[1].app, made[1])  # another worker served this one
    seen_by_other_worker.note("overview-body", ("vi", "?tinh=79", "leadership:"), "leadership", "")
    warming.note("overview-body", ("en", "", "department_head:KCB"), "department_head", "KCB")
    world.version, world.figure = 2, 80.0
    worker.get()
    deadline = time.monotonic() + 10
    while worker.get().version != 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    token = worker.get().token  # published once its open pages were rendered
    assert token != before.token
    assert sorted(rendered) == [
        (token, "en", "", "department_head:KCB", "department_head"),
        (token, "vi", "?tinh=79", "leadership:", "leadership"),
    ]
    assert seen_elsewhere == [before.token, before.token]  # published once its open pages were ready
    rendered.clear()
    world.version = 3  # a collection that changed nothing shown: nothing to render again
    deadline = time.monotonic() + 10
    while worker.get().version != 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert worker.get().version == 3 and rendered == []


def test_with_a_builder_alive_workers_leave_the_rebuild_to_it_unless_it_is_gone(caches, template, monkeypatch):
    world = World(template)
    builder, web = workers(caches, world)  # the scheduler's process, a web worker
    builder.prebuild()  # the first snapshot, and the word that it builds for everyone
    assert world.builds == 1
    world.version = 2  # a collection
    assert web.get().version == 1  # served at once ...
    time.sleep(BUILD_SECONDS * 2)
    assert world.builds == 1  # ... and the rebuild left to the builder
    builder.prebuild()
    assert world.builds == 1  # which waits MIN_REBUILD_SECONDS between two builds
    monkeypatch.setattr(snapshots, "MIN_REBUILD_SECONDS", 0)
    builder.prebuild()
    assert (web.get().version, world.builds) == (2, 2)
    builder.prebuild()  # nothing new: nothing built
    assert world.builds == 2
    monkeypatch.setattr(snapshots, "FALLBACK_SECONDS", 0.3)  # the builder stopped building
    world.version = 3
    time.sleep(0.4)
    assert web.get().version == 2
    deadline = time.monotonic() + 10
    while web.get().version != 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert web.get().version == 3 and world.builds == 3


def test_the_open_views_kept_are_bounded_whatever_addresses_a_client_invents(caches, monkeypatch):
    from dashboards import warming
    from dashboards.warming import RECENT_KEY, Warming

    made, _ = caches
    monkeypatch.setattr(warming, "MAX_VIEWS", 5)
    noting = Warming(made[0].app, made[0])
    for i in range(12):
        noting.note("overview-body", ("vi", f"?tinh=x{i}", "leadership:"), "leadership", "")
        time.sleep(0.001)
    kept = made[0].get(RECENT_KEY)
    assert {args[1] for _name, args, _role, _unit in kept} == {f"?tinh=x{i}" for i in range(7, 12)}
