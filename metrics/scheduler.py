"""The collection scheduler: each enabled source on its own interval, with jitter.

APScheduler runs the jobs (max_instances=1, coalesce, misfire grace of one interval) in a
bounded thread pool; the collection runner enforces each source's timeout. At most one
scheduler runs per store (SchedulerLock); it writes a heartbeat the web app reports.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from metrics.collection import Collector, backfill
from metrics.scheduler_lock import SchedulerLock

log = logging.getLogger("ioc.scheduler")
HEARTBEAT_SECONDS = 15


class CollectionScheduler:
    def __init__(self, collector: Collector, extra_jobs: Callable[[BackgroundScheduler], None] | None = None) -> None:
        """extra_jobs adds other scheduled work (the weekly briefing) under the same lock."""
        self.collector = collector
        self.extra_jobs = extra_jobs
        self.config = collector.config
        self.store = collector.store
        self.lock = SchedulerLock(self.store)
        self.state = "stopped"  # stopped | running | standby (another process schedules) | lost-lock
        self.started_at: float | None = None
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self._stop = threading.Event()
        self._scheduler: BackgroundScheduler | None = None
        self.backfill_thread: threading.Thread | None = None

    def start(self, with_backfill: bool = True) -> bool:
        """Start collecting if no other scheduler holds this store; True when started."""
        if not self.lock.acquire():
            self.state = "standby"
            log.warning("another scheduler holds the lock of this store: this process will not collect")
            return False
        self.store.mark_interrupted_runs()
        sources = [s for s in self.config.sources if s.enabled]
        self._scheduler = BackgroundScheduler(
            timezone=dt.UTC,
            executors={"default": ThreadPoolExecutor(max_workers=self.config.settings.collection.max_workers + 1)},
            job_defaults={"coalesce": True, "max_instances": 1},
        )
        now = dt.datetime.now(dt.UTC)
        for source in sources:
            self._scheduler.add_job(
                self.collector.collect,
                IntervalTrigger(seconds=source.interval_seconds, jitter=source.jitter_seconds),
                args=[source.id],
                id=source.id,
                name=source.id,
                misfire_grace_time=int(source.interval_seconds),
                # the first run comes soon after start, spread so the sources don't all start at once
                next_run_time=now + dt.timedelta(seconds=1 + random.uniform(0, min(5.0, source.interval_seconds / 4))),
            )
        self._scheduler.add_job(self._beat, "interval", seconds=HEARTBEAT_SECONDS, id="heartbeat", next_run_time=now)
        if self.config.settings.store.raw_retention_days:
            self._scheduler.add_job(
                self._prune, "interval", hours=6, id="retention", next_run_time=now + dt.timedelta(minutes=1)
            )
        if self.extra_jobs:
            self.extra_jobs(self._scheduler)
        self.started_at = time.time()
        self._scheduler.start()
        self.state = "running"
        if with_backfill:
            weeks = self.config.settings.collection.backfill_weeks
            self.backfill_thread = threading.Thread(
                target=backfill, args=(self.collector, weeks, self._stop), name="backfill", daemon=True
            )
            self.backfill_thread.start()
        log.info("scheduler started with %d sources", len(sources))
        return True

    def _beat(self) -> None:
        if not self.lock.still_held():
            log.error("the scheduler lock was lost (store connection dropped): collection stops")
            self.state = "lost-lock"
            self.shutdown(wait=False)
            return
        self.store.beat(self.owner, self.started_at or time.time(), len(self.config.sources))

    def _prune(self) -> None:
        removed = self.store.prune_raw_samples(self.config.settings.store.raw_retention_days)
        if removed:
            log.info("retention: %d raw samples removed (their rollups stay)", removed)

    def status(self) -> dict[str, Any]:
        jobs = self._scheduler.get_jobs() if self._scheduler and self.state == "running" else []
        sources = {s.id for s in self.config.sources}
        return {
            "state": self.state,
            "owner": self.owner,
            "jobs": len([j for j in jobs if j.id in sources]),
            "started_at": self.started_at,
        }

    def shutdown(self, wait: bool = True, grace_seconds: float = 10) -> None:
        """Stop scheduling; with wait, give runs in progress up to grace_seconds to commit (a run
        still waiting on a hung unit system is left: the next start logs it as interrupted)."""
        self._stop.set()
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
            if wait and not self.collector.wait_idle(grace_seconds):
                log.warning("runs still in progress after %g s; stopping without them", grace_seconds)
        if self.state == "running":
            self.state = "stopped"
        self.lock.release()
