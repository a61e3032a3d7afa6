"""What pages read: the cached snapshot and the few lists the sources page adds.

The one place that owns caching (Flask-Caching): FileSystemCache on the embedded default,
shared by every process on the host; Redis in production. Keys carry the store's data
version, so new data is a new key and nothing is invalidated by hand; the snapshot key also
carries the clock rounded to STALE_STEP, because staleness changes with time alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask_caching import Cache

from metrics import health
from metrics.read_models import Snapshot, build_snapshot
from metrics.settings import Config
from metrics.store import Store

log = logging.getLogger("ioc.reader")
STALE_STEP = 15


class Reader:
    def __init__(
        self,
        server: Flask,
        config: Config,
        store: Store,
        scheduler_state: Callable[[], str | None],
        heartbeat_seconds: float,
    ) -> None:
        self.config, self.store = config, store
        self.screens = None  # the wall screens' configuration, set by the app
        self._scheduler_state = scheduler_state
        self._heartbeat_seconds = heartbeat_seconds
        settings: dict[str, Any] = {"CACHE_DEFAULT_TIMEOUT": config.settings.cache.timeout_seconds}
        if config.cache_url:
            settings.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=config.cache_url, CACHE_KEY_PREFIX="ioc:")
        else:
            settings.update(CACHE_TYPE="FileSystemCache", CACHE_DIR=str(config.data_dir / "cache"), CACHE_THRESHOLD=200)
        self.cache = Cache(server, config=settings)
        memoize = self.cache.memoize()
        self._snapshot = memoize(
            _named(lambda version, step, week: build_snapshot(self.store, self.config, week=week), "snapshot")
        )
        self._quarantine = memoize(_named(lambda version: health.recent_quarantine(self.store, 50), "quarantine"))
        self._runs = memoize(_named(lambda version: health.recent_runs(self.store, 40), "runs"))
        self._flags = memoize(_named(lambda version: health.open_flags(self.store, 50), "flags"))

    def version(self) -> int:
        return self.store.data_version()

    @staticmethod
    def time_step() -> int:
        """The clock in STALE_STEP steps: part of every key whose content ages with time."""
        return int(time.time() // STALE_STEP)

    def snapshot(self, week: int | None = None) -> Snapshot:
        """The figures of the current week, or of week (its Monday as epoch seconds)."""
        return self._snapshot(self.version(), self.time_step(), week)

    def quarantine(self) -> list[dict]:
        return self._quarantine(self.version())

    def runs(self) -> list[dict]:
        return self._runs(self.version())

    def flags(self) -> list[dict]:
        return self._flags(self.version())

    def scheduler_status(self) -> dict:
        return health.scheduler_status(self.store, self._scheduler_state(), self._heartbeat_seconds)


def _named(function: Callable, name: str) -> Callable:
    # memoize keys on the function's qualified name: give each loader a stable one, the same
    # in every process, so the file or Redis cache is shared.
    function.__name__ = function.__qualname__ = name
    function.__module__ = __name__
    return function
