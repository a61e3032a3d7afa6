"""Collector health read from the run log: last success, lag, errors, staleness per source.

A source is stale when now − last success > k × interval (Prometheus' rule; k is
collection.stale_after_intervals), or when it has been tried and never succeeded.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, select

from base.problems import Problem
from metrics.schema import backfills, collection_runs, flags, quarantine, series
from metrics.settings import Config
from metrics.store import Store

DAY = 86400


@dataclass(frozen=True)
class SourceHealth:
    source_id: str
    kind: str
    unit: str
    interval_seconds: float
    state: str  # ok | unusable (answers, but nothing it sent could be taken) | failing | stale | waiting | disabled
    stale: bool
    as_of: float | None  # when its figures are from: last live success, else end of its history
    last_success: float | None  # last successful run of any kind (a backfill included)
    last_live_success: float | None  # last successful scheduled (live) collection
    last_run: float | None
    last_status: str | None
    last_error: str | None  # the error of the latest run, None when it succeeded
    last_error_at: float | None
    lag_seconds: float | None  # how far behind its schedule: now − last success − interval
    duration_seconds: float | None
    rows_written: int | None
    runs_24h: int
    failures_24h: int
    quarantined_24h: int
    quarantined_total: int


@dataclass(frozen=True)
class Freshness:
    """How current a figure is.

    as_of is the last success of its slowest fresh source (of its slowest source when all
    are stale). stale means every source behind the figure is stale; partial means some are:
    the figure is still current for the others and says how many are behind.
    """

    as_of: float | None
    stale: bool
    stale_sources: tuple[str, ...] = ()
    sources: int = 0

    @property
    def partial(self) -> bool:
        return bool(self.stale_sources) and not self.stale


@dataclass(frozen=True)
class BackfillProgress:
    chunks_done: int
    chunks_total: int
    sources_done: int
    sources_total: int

    @property
    def loading(self) -> bool:
        return self.sources_done < self.sources_total

    @property
    def percent(self) -> float:
        return 100.0 * self.chunks_done / self.chunks_total if self.chunks_total else 100.0


def source_health(store: Store, config: Config, now: float | None = None) -> dict[str, SourceHealth]:
    now = now or time.time()
    runs = collection_runs
    finished = runs.c.status != "running"
    with store.engine.connect() as connection:
        # One pass over the successful runs: the last scheduled one, the last of any kind and the
        # end of the history they brought. A backfill proves the unit's archive answered, not that
        # its system still delivers: staleness counts scheduled collections only.
        successes = {
            row.source_id: row
            for row in connection.execute(
                select(
                    runs.c.source_id,
                    func.max(case((runs.c.kind == "collect", runs.c.finished_at))).label("last_live"),
                    func.max(runs.c.finished_at).label("last_any"),
                    func.max(runs.c.data_until).label("until"),
                )
                .where(runs.c.status == "ok")
                .group_by(runs.c.source_id)
            )
        }
        last_id = dict(
            connection.execute(
                select(runs.c.source_id, func.max(runs.c.id))
                .where(finished, runs.c.kind == "collect")
                .group_by(runs.c.source_id)
            ).all()
        )
        latest = {
            row.source_id: row
            for row in connection.execute(select(runs).where(runs.c.id.in_(list(last_id.values()) or [-1])))
        }
        counts = {
            row.source_id: row
            for row in connection.execute(
                select(
                    runs.c.source_id,
                    func.count().label("n"),
                    func.sum(case((and_(runs.c.status != "ok", finished), 1), else_=0)).label("failed"),
                )
                .where(runs.c.started_at >= now - DAY, runs.c.kind == "collect")
                .group_by(runs.c.source_id)
            )
        }
        q_day: dict[str, int] = dict(
            connection.execute(
                select(quarantine.c.source_id, func.count())
                .where(quarantine.c.received_at >= now - DAY)
                .group_by(quarantine.c.source_id)
            ).all()
        )
        q_all: dict[str, int] = dict(
            connection.execute(select(quarantine.c.source_id, func.count()).group_by(quarantine.c.source_id)).all()
        )
    k = config.settings.collection.stale_after_intervals
    result = {}
    for source in config.sources:
        sid = source.id
        ok = successes.get(sid)
        success = ok.last_live if ok else None
        row = latest.get(sid)
        stale = source.enabled and (
            (success is None and row is not None)
            or (success is not None and now - success > k * source.interval_seconds)
        )
        failing = row is not None and row.status != "ok"
        unusable = row is not None and row.status == "ok" and row.rows_written == 0 and row.rows_rejected > 0
        if not source.enabled:
            state, unusable, failing = "disabled", False, False  # switched off in sources.toml
        elif stale:
            state = "stale"
        elif failing:
            state = "failing"
        elif unusable:
            state = "unusable"
        else:
            state = "ok" if row is not None else "waiting"
        result[sid] = SourceHealth(
            source_id=sid,
            kind=source.kind,
            unit=getattr(source.options, "unit", "") or "",
            interval_seconds=source.interval_seconds,
            state=state,
            stale=stale,
            as_of=success if success is not None else (ok.until if ok else None),
            last_success=ok.last_any if ok else None,
            last_live_success=success,
            last_run=row.finished_at if row else None,
            last_status=row.status if row else None,
            last_error=row.error if row is not None and failing else (_nothing_usable(row) if unusable else None),
            last_error_at=row.finished_at if row is not None and (failing or unusable) else None,
            lag_seconds=max(0.0, now - success - source.interval_seconds) if success else None,
            duration_seconds=(row.finished_at - row.started_at) if row and row.finished_at else None,
            rows_written=row.rows_written if row else None,
            runs_24h=int(counts[sid].n) if sid in counts else 0,
            failures_24h=int(counts[sid].failed or 0) if sid in counts else 0,
            quarantined_24h=int(q_day.get(sid, 0)),
            quarantined_total=int(q_all.get(sid, 0)),
        )
    return result


def _nothing_usable(row: Any) -> str:
    """Why an answering source is amber: the reasons are in the quarantine list."""
    return Problem.of("run.nothing_usable", count=int(row.rows_rejected)).stored()


def freshness(source_ids: Iterable[str], health: dict[str, SourceHealth]) -> Freshness:
    # A source switched off says nothing of how current a figure is.
    known = [health[s] for s in set(source_ids) if s in health and health[s].state != "disabled"]
    if not known:
        return Freshness(None, False)
    stale = tuple(sorted(h.source_id for h in known if h.stale))
    current = [h for h in known if not h.stale] or known
    return Freshness(_oldest([h.as_of for h in current]), len(stale) == len(known), stale, len(known))


def _oldest(times: list[float | None]) -> float | None:
    """The oldest of the times, None when one of them is unknown."""
    known = [t for t in times if t is not None]
    return min(known) if known and len(known) == len(times) else None


def backfill_progress(store: Store, config: Config) -> BackfillProgress:
    with store.engine.connect() as connection:
        rows = connection.execute(select(backfills)).all()
    if not rows:
        return BackfillProgress(0, 0, 0, 0)
    return BackfillProgress(
        chunks_done=sum(r.chunks_done if r.status == "running" else r.chunks_total for r in rows),
        chunks_total=sum(r.chunks_total for r in rows),
        sources_done=sum(r.status != "running" for r in rows),
        sources_total=len(rows),
    )


def recent_quarantine(store: Store, limit: int = 50, source_id: str | None = None) -> list[dict]:
    query = select(quarantine).order_by(quarantine.c.id.desc()).limit(limit)
    if source_id:
        query = query.where(quarantine.c.source_id == source_id)
    with store.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(query)]


def open_flags(store: Store, limit: int = 50) -> list[dict]:
    """Flagged outliers awaiting follow-up, newest first, with their series and source."""
    query = (
        select(
            flags.c.ts,
            flags.c.value,
            flags.c.median,
            flags.c.score,
            flags.c.flagged_at,
            series.c.metric,
            series.c.unit,
            series.c.database,
            series.c.source_id,
        )
        .join(series, series.c.id == flags.c.series_id)
        .where(flags.c.status == "open")
        .order_by(flags.c.flagged_at.desc(), flags.c.id.desc())
        .limit(limit)
    )
    with store.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(query)]


def recent_runs(store: Store, limit: int = 50, kind: str = "collect") -> list[dict]:
    with store.engine.connect() as connection:
        return [
            dict(r._mapping)
            for r in connection.execute(
                select(collection_runs)
                .where(collection_runs.c.kind == kind)
                .order_by(collection_runs.c.id.desc())
                .limit(limit)
            )
        ]


def combine(parts: Iterable[Freshness]) -> Freshness:
    """Freshness of a figure built from several: as of the oldest, stale if any is."""
    parts = [p for p in parts if p.sources]
    if not parts:
        return Freshness(None, False)
    current = [p for p in parts if not p.stale] or parts
    stale = tuple(sorted({s for p in parts for s in p.stale_sources}))
    return Freshness(
        _oldest([p.as_of for p in current]),
        all(p.stale for p in parts),
        stale,
        sum(p.sources for p in parts),
    )


def scheduler_status(store: Store, local_state: str | None, heartbeat_seconds: float, now: float | None = None) -> dict:
    """The scheduler as seen from this process: its own, or another one's heartbeat in the store."""
    now = now or time.time()
    beat = store.heartbeat()
    alive = beat is not None and now - beat["beat_at"] < 3 * heartbeat_seconds
    if local_state == "running":
        state = "running"
    elif alive:
        state = "running-elsewhere"
    else:
        state = local_state if local_state in ("lost-lock",) else "stopped"
    return {
        "state": state,
        "running": state in ("running", "running-elsewhere"),
        "owner": beat["owner"] if beat else None,
        "last_heartbeat": beat["beat_at"] if beat else None,
        "jobs": beat["jobs"] if beat else 0,
    }


def collection_run(store: Store, run_id: int) -> dict | None:
    with store.engine.connect() as connection:
        row = connection.execute(select(collection_runs).where(collection_runs.c.id == run_id)).first()
    return dict(row._mapping) if row else None


def week_quality(store: Store, start: float, end: float) -> dict[str, Any]:
    """What went wrong with the data of one week: records quarantined on receipt during it
    (count and most common reason, by source) and outliers flagged among its figures."""
    with store.engine.connect() as connection:
        held = connection.execute(
            select(quarantine.c.source_id, quarantine.c.reason, func.count().label("n"))
            .where(quarantine.c.received_at >= start, quarantine.c.received_at < end)
            .group_by(quarantine.c.source_id, quarantine.c.reason)
        ).all()
        flagged = connection.execute(
            select(
                flags.c.ts,
                flags.c.value,
                flags.c.median,
                flags.c.score,
                flags.c.status,
                series.c.metric,
                series.c.unit,
                series.c.database,
                series.c.source_id,
            )
            .join(series, series.c.id == flags.c.series_id)
            .where(flags.c.ts >= start, flags.c.ts < end)
            .order_by(flags.c.ts, series.c.metric, series.c.unit)
        ).all()
    by_source: dict[str, dict[str, Any]] = {}
    for row in sorted(held, key=lambda r: (r.source_id, -r.n, r.reason)):
        entry = by_source.setdefault(row.source_id, {"count": 0, "top_reason": row.reason})
        entry["count"] += int(row.n)
    return {"quarantined": by_source, "flags": [dict(r._mapping) for r in flagged]}
