"""Reads of samples by period: weekly totals or last values, and the latest value per series.

Aggregation runs in SQL (integer week buckets in local time work the same on SQLite and
PostgreSQL); results come back as pandas frames with the series' metric, unit, database
and the source that delivered them.
"""

from __future__ import annotations

import time

import pandas as pd
from sqlalchemy import and_, func, select

from base.catalogue import Catalogue
from base.localtime import WEEK, week_shift, week_start
from metrics.schema import samples, series
from metrics.store import Store

COLUMNS = ["metric", "unit", "database", "source_id", "week", "value"]


def _week_expr():
    shift = week_shift()
    return (samples.c.ts + shift) // WEEK * WEEK - shift


def weekly_frame(store: Store, catalogue: Catalogue, weeks: int, now: float | None = None) -> pd.DataFrame:
    """One row per series and local ISO week (week = its Monday 00:00 local, as epoch seconds):
    counts summed over the week, gauges at their last sample of the week."""
    since = week_start(now or time.time()) - (weeks - 1) * WEEK
    counts = [m.code for m in catalogue.metrics.values() if m.kind == "count"]
    gauges = [m.code for m in catalogue.metrics.values() if m.kind == "gauge"]
    week = _week_expr().label("week")
    keys = [series.c.metric, series.c.unit, series.c.database, series.c.source_id]
    count_query = (
        select(*keys, week, func.sum(samples.c.value).label("value"))
        .join(series, series.c.id == samples.c.series_id)
        .where(series.c.metric.in_(counts), samples.c.ts >= since)
        .group_by(*keys, week)
    )
    last = (
        select(samples.c.series_id, week, func.max(samples.c.ts).label("ts"))
        .join(series, series.c.id == samples.c.series_id)
        .where(series.c.metric.in_(gauges), samples.c.ts >= since)
        .group_by(samples.c.series_id, week)
        .subquery()
    )
    gauge_query = select(*keys, last.c.week, samples.c.value).select_from(
        last.join(samples, and_(samples.c.series_id == last.c.series_id, samples.c.ts == last.c.ts)).join(
            series, series.c.id == last.c.series_id
        )
    )
    with store.engine.connect() as connection:
        rows = [*connection.execute(count_query).all(), *connection.execute(gauge_query).all()]
    frame = pd.DataFrame([tuple(r) for r in rows], columns=COLUMNS)
    frame["week"] = frame["week"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    return frame


def latest_frame(store: Store, metrics: list[str], before: float | None = None) -> pd.DataFrame:
    """The newest sample of every series of the given metrics (older than before, if given)."""
    newest = (
        select(samples.c.series_id, func.max(samples.c.ts).label("ts"))
        .join(series, series.c.id == samples.c.series_id)
        .where(series.c.metric.in_(metrics), *([samples.c.ts < before] if before is not None else []))
        .group_by(samples.c.series_id)
        .subquery()
    )
    query = select(
        series.c.metric, series.c.unit, series.c.database, series.c.source_id, newest.c.ts, samples.c.value
    ).select_from(
        newest.join(samples, and_(samples.c.series_id == newest.c.series_id, samples.c.ts == newest.c.ts)).join(
            series, series.c.id == newest.c.series_id
        )
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["metric", "unit", "database", "source_id", "ts", "value"])


def series_history(store: Store, metric: str, unit: str, database: str, since: float) -> pd.DataFrame:
    """Every sample of one series since a time, with the run that wrote it (for lineage)."""
    query = (
        select(samples.c.ts, samples.c.value, samples.c.run_id, series.c.source_id)
        .join(series, series.c.id == samples.c.series_id)
        .where(series.c.metric == metric, series.c.unit == unit, series.c.database == database, samples.c.ts >= since)
        .order_by(samples.c.ts)
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["ts", "value", "run_id", "source_id"])
