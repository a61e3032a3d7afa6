"""What pages read, and the one place that owns caching (Flask-Caching).

Pages, the wall, the downloads and /healthz read the store only through a Reader: the
snapshot of the read models (dashboards/snapshots.py: served at once, rebuilt in the
background by one process), and the few lists the sources, lineage and briefings pages add.
FileSystemCache on the embedded default, shared by every process on the host; Redis in
production. The lists' keys carry the store's data version, so new data is a new key and
nothing is invalidated by hand.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
from flask import Flask
from flask_caching import Cache

from dashboards.screens import ScreensFile, load_screens
from dashboards.snapshots import Snapshots
from dashboards.warming import Warming
from metrics import audit, directives, editions, health, series_pages
from metrics.health import BackfillProgress, SourceHealth
from metrics.read_models import Snapshot, build_snapshot
from metrics.series_reads import daily_history, series_history
from metrics.settings import Config
from metrics.store import Store

log = logging.getLogger("ioc.reader")


class Reader:
    def __init__(
        self,
        server: Flask,
        config: Config,
        store: Store,
        scheduler_state: Callable[[], str | None],
        heartbeat_seconds: float,
        screens: ScreensFile | None = None,
    ) -> None:
        self.config = config
        self.screens = screens or load_screens(config)
        self._store = store
        self._scheduler_state = scheduler_state
        self._heartbeat_seconds = heartbeat_seconds
        settings: dict[str, Any] = {"CACHE_DEFAULT_TIMEOUT": config.settings.cache.timeout_seconds}
        if config.cache_url:
            settings.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=config.cache_url, CACHE_KEY_PREFIX="ioc:")
        else:
            # Past the threshold the file cache drops every third entry, the snapshot among them
            # (then a request builds it); rendered pages expire after timeout_seconds, so what
            # is alive stays well below this (a few hundred files of 10-300 kB).
            settings.update(
                CACHE_TYPE="FileSystemCache", CACHE_DIR=str(config.data_dir / "cache"), CACHE_THRESHOLD=5000
            )
        self.cache = Cache(server, config=settings)
        memoize = self.cache.memoize()
        self._health: tuple[float, dict[str, SourceHealth]] | None = None
        self._snapshots = Snapshots(
            self.cache,
            lambda week, province: build_snapshot(self._store, self.config, week=week, province=province),
            self.version,
            None if config.cache_url else config.data_dir / "cache" / "locks",
        )
        self.warming = Warming(server, self.cache)  # open pages rendered as soon as new figures are built
        self._snapshots.on_new_figures.append(self.warming.warm)
        self._quarantine = memoize(_named(lambda version: health.recent_quarantine(self._store, 50), "quarantine"))
        self._runs = memoize(_named(lambda version: health.recent_runs(self._store, 40), "runs"))
        self._flags = memoize(_named(lambda version: health.open_flags(self._store, 50), "flags"))
        self._history = memoize(
            _named(
                lambda version, metric, unit, database, since, province: series_history(
                    self._store, metric, unit, database, since, province
                ),
                "history",
            )
        )
        self._daily = memoize(
            _named(
                lambda version, metric, unit, database, since: daily_history(
                    self._store, self.config.catalogue, metric, unit, database, since
                ),
                "daily",
            )
        )

    # -- the store's state -------------------------------------------------------------------------

    def version(self) -> int:
        return self._store.data_version()

    def ping(self) -> float:
        """Round trip to the store in seconds; raises when it is unreachable."""
        return self._store.ping()

    def described_store(self) -> str:
        return self._store.describe()

    def dialect(self) -> str:
        return self._store.dialect

    # -- the read models, cached by data version ---------------------------------------------------

    def snapshot(self, week: int | None = None, province: str = "") -> Snapshot:
        """The figures of the current week, or of week (its Monday as epoch seconds), of the
        ministry or of one province: the newest built, never waiting for a rebuild."""
        return self._snapshots.get(week, province).snapshot

    def prebuild(self) -> None:
        """Build the current snapshot if it is outdated, for every worker (dashboards/prebuild.py)."""
        self._snapshots.prebuild()

    def snapshot_token(self, week: int | None = None, province: str = "") -> str:
        """Names the figures of a snapshot (the current week's, the ministry's by default): what
        a rendered page is cached by."""
        return self._snapshots.get(week, province).token

    def quarantine(self) -> list[dict]:
        return self._quarantine(self.version())

    def runs(self) -> list[dict]:
        return self._runs(self.version())

    def flags(self) -> list[dict]:
        return self._flags(self.version())

    def series_history(self, metric: str, unit: str, database: str, days: int, province: str = "") -> pd.DataFrame:
        """One series' samples of the last days (the unit's own, or one province's), with the
        run that wrote each (for lineage)."""
        since = (time.time() // 86400 - days) * 86400  # whole days: the key holds for a day
        return self._history(self.version(), metric, unit, database, since, province)

    def daily_history(self, metric: str, unit: str, database: str, days: int) -> pd.DataFrame:
        """One figure by local day over the last days (the provinces rolled up): for charts."""
        since = (time.time() // 86400 - days) * 86400
        return self._daily(self.version(), metric, unit, database, since)

    # -- pages of series and samples for the read API: keyset reads, each as cheap as the first ----

    def series_page(self, **filters: Any) -> list[series_pages.SeriesRow]:
        """Series with their latest sample (metrics/series_pages.py has the filters)."""
        return series_pages.series_page(self._store, **filters)

    def samples_page(self, **filters: Any) -> list[series_pages.SampleRow]:
        """Raw samples of many series in a window (metrics/series_pages.py has the filters)."""
        return series_pages.samples_page(self._store, **filters)

    def one_series(self, series_id: int) -> series_pages.SeriesRow | None:
        return series_pages.one_series(self._store, series_id)

    def raw_samples(self, series_id: int, since: int, until: int, after: int | None, limit: int) -> list[tuple]:
        return series_pages.raw_samples(self._store, series_id, since, until, after, limit)

    def rolled_samples(
        self, series_id: int, resolution: Any, since: int, until: int, after: int | None, limit: int
    ) -> list[series_pages.RolledRow]:
        return series_pages.rolled_samples(self._store, series_id, resolution, since, until, after, limit)

    # -- small lists that change without a new data version: read as they are ----------------------

    def source_health(self, max_age: float = 0) -> dict[str, SourceHealth]:
        """Every source's health now; max_age lets a caller asked many times a second (the read
        API: ten queries a call otherwise) take this process's reading of up to that many
        seconds ago. Staleness is counted in intervals of minutes: seconds do not change it."""
        now = time.time()
        if max_age and self._health is not None and now - self._health[0] <= max_age:
            return self._health[1]
        found = health.source_health(self._store, self.config, now)
        self._health = (now, found)
        return found

    def backfill(self) -> BackfillProgress:
        return health.backfill_progress(self._store, self.config)

    def scheduler_status(self) -> dict:
        return health.scheduler_status(self._store, self._scheduler_state(), self._heartbeat_seconds)

    def collection_run(self, run_id: int) -> dict | None:
        return health.collection_run(self._store, run_id)

    def views_by_page(self, days: int = 7) -> dict[str, int]:
        return self._store.views_by_page(time.time() - days * 86400)

    def screens_seen(self) -> list[dict[str, Any]]:
        return self._store.screens_seen()

    def editions(self, limit: int = 300) -> list[dict[str, Any]]:
        return editions.editions(self._store, limit)

    def deliveries(self, limit: int = 100) -> list[dict[str, Any]]:
        return editions.deliveries(self._store)[:limit]

    def directives(self, unit: str = "") -> list[directives.Directive]:
        """Directives with their steps (one unit's, or all), read now: they change without a collection."""
        return directives.listed(self._store, unit or None)

    def audit(self, limit: int = 1000) -> list[dict[str, Any]]:
        """The audit log's newest entries (not cached: it grows without a new data version)."""
        return audit.entries(self._store, limit=limit)

    def confirmations(self, week_label: str) -> dict[str, dict[str, Any]]:
        return editions.confirmations_of(self._store, week_label)

    def briefing_problems(self) -> dict[str, list[dict[str, Any]]]:
        return editions.problems(self._store)

    def edition(self, edition_id: int) -> dict[str, Any] | None:
        return editions.edition(self._store, edition_id)


def _named(function: Callable, name: str) -> Callable:
    # memoize keys on the function's qualified name: give each loader a stable one, the same
    # in every process, so the file or Redis cache is shared.
    function.__name__ = function.__qualname__ = name
    function.__module__ = __name__
    return function
