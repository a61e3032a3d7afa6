"""The collection runner: one run of one source, from fetch to a committed batch.

A fetch runs in its own thread and is waited for at most the source's timeout; a source that
hangs is abandoned (and not asked again until its hung fetch returns), so it never delays
other sources or the web app. Every run, good or bad, is logged in collection_runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy.exc import DBAPIError

from base.localtime import DAY
from base.problems import Problem
from data_sources.base import Source, SourceError, Window
from data_sources.registry import source_class
from metrics.settings import Config, SourceConfig
from metrics.store import RunOutcome, Store
from metrics.validation import validate

log = logging.getLogger("ioc.collection")
# Run errors are Problems (base/problems.py): stored as codes, worded for each reader.


def _fetch_in_thread(source: Source, window: Window) -> Future:
    """Run source.fetch in a daemon thread: a hung unit system cannot block shutdown."""
    future: Future = Future()

    def work() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(source.fetch(window))
        except BaseException as error:  # noqa: BLE001 - handed to the waiting run, which logs it
            future.set_exception(error)

    threading.Thread(target=work, name=f"fetch-{source.source_id}", daemon=True).start()
    return future


def describe_error(error: BaseException) -> Problem:
    if isinstance(error, SourceError):
        return error.problem
    return Problem.of("run.unexpected", error_type=type(error).__name__, detail=str(error))


class Collector:
    """Runs sources against one store; safe to call from several threads at once."""

    def __init__(self, config: Config, store: Store) -> None:
        self.config = config
        self.store = store
        self.sources: dict[str, Source] = {}
        self._hung: dict[str, tuple[Future, dt.datetime]] = {}
        self._lock = threading.Lock()
        self._idle = threading.Condition()
        self._active = 0
        for source_config in config.sources:
            kind = source_class(source_config.kind)
            self.sources[source_config.id] = kind(
                source_config.id, source_config.options, config.catalogue, config.config_dir, config.data_dir
            )

    def live_window(self, source_config: SourceConfig, now: dt.datetime | None = None) -> Window:
        now = now or dt.datetime.now(dt.UTC)
        return Window(now - dt.timedelta(days=source_config.look_back_days), now)

    def collect(self, source_id: str, window: Window | None = None, kind: str = "collect") -> RunOutcome:
        """Collect one source now (the live window unless one is given) and log the run.

        When the store itself is unreachable the run cannot be logged there: it is logged to
        the process log and reported as failed; the next run collects the period again."""
        with self._idle:
            self._active += 1
        try:
            return self._collect(source_id, window, kind)
        except DBAPIError as error:
            problem = Problem.of("run.store_unreachable", error_type=type(error.orig).__name__)
            log.error("collection of %s: %s: %s", source_id, problem, str(error.orig)[:200])
            self.sources[source_id].after_failure()
            return RunOutcome(-1, "failed", problem=problem)
        finally:
            with self._idle:
                self._active -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no run is in progress (for a clean stop); False if runs remain after timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._active == 0, timeout)

    def _collect(self, source_id: str, window: Window | None, kind: str) -> RunOutcome:
        source_config = self.config.source(source_id)
        source = self.sources[source_id]
        if window is None:
            window = self.live_window(source_config)
            until = self.store.last_data_until(source_id)
            if until is not None:
                window = dataclasses.replace(window, last_collected=dt.datetime.fromtimestamp(until, dt.UTC))
        run_id = self.store.start_run(source_id, kind, window.start.timestamp(), window.end.timestamp())
        with self._lock:
            hung = self._hung.get(source_id)
            if hung and hung[0].done():
                del self._hung[source_id]
                hung = None
        if hung:
            return self._fail(
                run_id,
                source_id,
                "timeout",
                Problem.of("run.still_hung", since=hung[1].timestamp()),
            )
        started = dt.datetime.now(dt.UTC)
        # The source may plan with the run's time (waiting for a Retry-After, reading files):
        # a little is kept back for validating and storing what it returns.
        window = dataclasses.replace(window, deadline=time.monotonic() + 0.9 * source_config.timeout_seconds)
        future = _fetch_in_thread(source, window)
        try:
            records: Any = future.result(timeout=source_config.timeout_seconds)
        except TimeoutError:
            with self._lock:
                self._hung[source_id] = (future, started)
            return self._fail(
                run_id,
                source_id,
                "timeout",
                Problem.of("run.timeout", seconds=source_config.timeout_seconds),
            )
        except Exception as error:  # noqa: BLE001 - a source's bug fails its run, never the collector
            return self._fail(run_id, source_id, "failed", describe_error(error))
        if not isinstance(records, (list, tuple)):
            return self._fail(run_id, source_id, "failed", Problem.of("run.not_a_list"))
        # Records are bucketed to their local day; a day whose raw samples the retention removed
        # cannot take a record again (its rollups could not be recomputed).
        oldest = max(
            window.start - dt.timedelta(seconds=DAY),
            dt.datetime.fromtimestamp(self.store.raw_kept_from(), dt.UTC),
        )
        validated = validate(records, self.config.catalogue, oldest)
        validated = validated.without_series_of(
            self.store.series_owners({s.key for s in validated.good}), source_id, set(self.sources)
        )
        good, bad, newest, note = validated.good, validated.bad, validated.newest, validated.note
        if kind == "backfill":  # history is loaded as it was; outliers are judged on live data
            good = [sample._replace(check="") for sample in good]
        # Only records taken move an incremental source on: a quarantined one dated 2099 would
        # otherwise make every later `:last_collected` ask for nothing.
        data_until = newest.timestamp() if newest is not None else None
        outcome = self.store.finish_run(run_id, source_id, "ok", good, bad, data_until=data_until, note=note)
        source.after_commit([(r.record, r.reason) for r in outcome.rejected])
        log.info("collected %s: %d rows, %d quarantined", source_id, outcome.rows_written, outcome.rows_rejected)
        return outcome

    def _fail(self, run_id: int, source_id: str, status: str, error: Problem) -> RunOutcome:
        log.warning("collection of %s %s: %s", source_id, status, error)
        return self.store.finish_run(run_id, source_id, status, error=error)

    def collect_all(self, source_ids: list[str] | None = None) -> dict[str, RunOutcome]:
        """Collect the given sources (all enabled ones by default) once, at most
        collection.max_workers at a time."""
        wanted = source_ids or [s.id for s in self.config.sources if s.enabled]
        with ThreadPoolExecutor(
            max_workers=self.config.settings.collection.max_workers, thread_name_prefix="collect"
        ) as pool:
            futures = {sid: pool.submit(self.collect, sid) for sid in wanted}
        return {sid: future.result() for sid, future in futures.items()}


def backfill(collector: Collector, weeks: int, stop: threading.Event | None = None) -> None:
    """Fill a new store with `weeks` of history, a week per run, for sources that can.

    Progress is kept in the store (table backfills) so every process and page can show it;
    a source already backfilled is skipped, an interrupted one starts again (writes are
    idempotent).
    """
    if weeks <= 0:
        return
    store = collector.store
    done = store.backfill_status()
    # History stops short of the present, which the scheduled (live) collections cover.
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    todo = [
        s
        for s in collector.config.sources
        if s.enabled
        and collector.sources[s.id].can_backfill
        and done.get(s.id, {}).get("status") not in ("done", "failed")
    ]
    chunks = [
        Window(now - dt.timedelta(weeks=weeks - i), min(now, now - dt.timedelta(weeks=weeks - i - 1)))
        for i in range(weeks)
    ]
    for source_config in todo:
        store.backfill_progress(source_config.id, len(chunks), 0, "running")
    for source_config in todo:
        for index, chunk in enumerate(chunks):
            if stop is not None and stop.is_set():
                return
            outcome = collector.collect(source_config.id, chunk, kind="backfill")
            if outcome.status != "ok":
                store.backfill_progress(source_config.id, len(chunks), index, "failed")
                break
            store.backfill_progress(
                source_config.id, len(chunks), index + 1, "done" if index + 1 == len(chunks) else "running"
            )
