"""The scheduler's process builds the snapshot and renders the open pages after each collection,
so that web workers never do (named in the settings: [scheduler] jobs).

Every TICK_SECONDS the job compares the cached snapshot with the store's data version (and its
age: staleness changes with time alone), builds the next one when needed, under the same lock
the web workers use, and renders the open pages and wall screens for it (dashboards/warming.py).
It says it is alive in the cache; web workers then leave the building to it and serve the
snapshot they have, unless it grows older than dashboards/snapshots.py FALLBACK_SECONDS (a
builder stuck or gone), when they build it themselves.
"""

from __future__ import annotations

import datetime as dt
import logging

from apscheduler.schedulers.base import BaseScheduler

from dashboards.reader import Reader
from metrics.settings import Config
from metrics.store import Store

log = logging.getLogger("ioc.prebuild")
TICK_SECONDS = 2
_readers: dict[str, Reader] = {}  # by store URL: the web app's own when the scheduler runs in its process


def use(reader: Reader, store: Store) -> None:
    """Build with this reader (python app.py: the scheduler shares the web app's process)."""
    _readers[store.url] = reader


def check(config: Config) -> None:
    """Nothing of its own to configure."""


def register(scheduler: BaseScheduler, store: Store, config: Config) -> None:
    reader = _readers.get(store.url)
    if reader is None:  # python -m metrics scheduler: the pages to render need an app of their own
        from dashboards.webapp import create_app

        reader = create_app(config, store).server.config["IOC_READER"]
        _readers[store.url] = reader
    scheduler.add_job(
        reader.prebuild,
        "interval",
        seconds=TICK_SECONDS,
        id="snapshot",
        name="snapshot",
        max_instances=1,
        coalesce=True,
        next_run_time=dt.datetime.now(dt.UTC),
    )
