"""Reads of the figures by period, from the rollups the writer keeps (metrics/rollups.py).

Pages and briefings never scan raw samples: weekly figures come from the weekly rollups, the
latest from the latest-value table, a past state from the daily rollups, one seek per series.
A series of one province is rolled up to the unit's (and so the ministry's) figure with its
metric's declared function (catalogue `rollup`), in SQL; `province` narrows every read to one
province's series instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, select

from base.catalogue import Catalogue
from base.localtime import WEEK, bucket_start, week_start
from base.provinces import label_of
from metrics.schema import daily_rollups, samples, series, series_latest, weekly_rollups
from metrics.store import Store

COLUMNS = ["metric", "unit", "database", "week", "value"]
LATEST_COLUMNS = ["metric", "unit", "database", "ts", "value"]
SQL_FUNCTIONS: dict[str, Callable[..., Any]] = {"sum": func.sum, "mean": func.avg, "min": func.min, "max": func.max}


def _by_function(catalogue: Catalogue, codes: Iterable[str]) -> dict[str, list[str]]:
    """The metrics grouped by how they roll up over series."""
    groups: dict[str, list[str]] = {}
    for code in codes:
        groups.setdefault(catalogue.metrics[code].across, []).append(code)
    return groups


def _in_province(province: str) -> list:
    return [series.c.labels == label_of(province)] if province else []


def weekly_frame(
    store: Store, catalogue: Catalogue, weeks: int, now: float | None = None, province: str = ""
) -> pd.DataFrame:
    """One row per metric, unit, database and local ISO week (week = its Monday 00:00 local, as
    epoch seconds): a count summed over the week, a gauge at its last sample of the week; the
    provinces' series rolled up, or one province's."""
    since = week_start(now or time.time()) - (weeks - 1) * WEEK
    keys = [series.c.metric, series.c.unit, series.c.database, weekly_rollups.c.start]
    queries = []
    for kind, column in (("count", weekly_rollups.c.total), ("gauge", weekly_rollups.c.last_value)):
        codes = [m.code for m in catalogue.metrics.values() if m.kind == kind]
        for across, metrics in _by_function(catalogue, codes).items():
            queries.append(
                select(*keys, SQL_FUNCTIONS[across](column))
                .join(series, series.c.id == weekly_rollups.c.series_id)
                .where(series.c.metric.in_(metrics), weekly_rollups.c.start >= since, *_in_province(province))
                .group_by(*keys)
            )
    with store.engine.connect() as connection:
        rows = [tuple(r) for query in queries for r in connection.execute(query)]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["week"] = frame["week"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    return frame


def latest_frame(
    store: Store, catalogue: Catalogue, metrics: list[str], before: float | None = None, province: str = ""
) -> pd.DataFrame:
    """The newest value of every metric, unit and database among the given metrics, the
    provinces' series rolled up (or one province's): as of now, or before a local midnight
    (the state at the end of the day before it), read from the daily rollups."""
    if before is None:
        newest = select(
            series.c.metric, series.c.unit, series.c.database, series_latest.c.ts, series_latest.c.value
        ).select_from(series.join(series_latest, series_latest.c.series_id == series.c.id))
    else:
        if bucket_start(before, "day") != int(before):
            raise ValueError(f"before must be a local midnight, not {before}")
        # One index seek per series for its last day before the time (a GROUP BY over the
        # rollups would read every day of every series).
        days = daily_rollups.alias("days")
        last_day = (
            select(func.max(days.c.start))
            .where(days.c.series_id == series.c.id, days.c.start < int(before))
            .correlate(series)
            .scalar_subquery()
        )
        newest = select(
            series.c.metric,
            series.c.unit,
            series.c.database,
            daily_rollups.c.last_ts.label("ts"),
            daily_rollups.c.last_value.label("value"),
        ).select_from(
            series.join(
                daily_rollups, and_(daily_rollups.c.series_id == series.c.id, daily_rollups.c.start == last_day)
            )
        )
    per_series = newest.where(series.c.metric.in_(metrics), *_in_province(province)).subquery()
    keys = [per_series.c.metric, per_series.c.unit, per_series.c.database]
    queries = [
        select(*keys, func.max(per_series.c.ts), SQL_FUNCTIONS[across](per_series.c.value))
        .where(per_series.c.metric.in_(codes))
        .group_by(*keys)
        for across, codes in _by_function(catalogue, metrics).items()
    ]
    with store.engine.connect() as connection:
        rows = [tuple(r) for query in queries for r in connection.execute(query)]
    frame = pd.DataFrame(rows, columns=LATEST_COLUMNS)
    frame["value"] = frame["value"].astype("float64")
    return frame


def series_sources(store: Store, province: str = "") -> pd.DataFrame:
    """Which source feeds each metric, unit and database (several when provinces' systems do)."""
    query = select(series.c.metric, series.c.unit, series.c.database, series.c.source_id).where(*_in_province(province))
    with store.engine.connect() as connection:
        rows = connection.execute(query.distinct()).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["metric", "unit", "database", "source_id"])


def daily_history(
    store: Store, catalogue: Catalogue, metric: str, unit: str, database: str, since: float, province: str = ""
) -> pd.DataFrame:
    """One figure by local day since a time (the provinces rolled up, or one province's): a
    count summed over the day, a gauge at its last sample of the day."""
    known = catalogue.metrics[metric]
    column = daily_rollups.c.total if known.kind == "count" else daily_rollups.c.last_value
    query = (
        select(daily_rollups.c.start, SQL_FUNCTIONS[known.across](column))
        .join(series, series.c.id == daily_rollups.c.series_id)
        .where(
            series.c.metric == metric,
            series.c.unit == unit,
            series.c.database == database,
            daily_rollups.c.start >= bucket_start(since, "day"),
            *_in_province(province),
        )
        .group_by(daily_rollups.c.start)
        .order_by(daily_rollups.c.start)
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["ts", "value"])


def series_history(
    store: Store, metric: str, unit: str, database: str, since: float, province: str = ""
) -> pd.DataFrame:
    """Every raw sample of one series since a time, with the run that wrote it (for lineage):
    the unit's own series, or one province's."""
    query = (
        select(samples.c.ts, samples.c.value, samples.c.run_id, series.c.source_id)
        .join(series, series.c.id == samples.c.series_id)
        .where(
            series.c.metric == metric,
            series.c.unit == unit,
            series.c.database == database,
            series.c.labels == label_of(province),
            samples.c.ts >= since,
        )
        .order_by(samples.c.ts)
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["ts", "value", "run_id", "source_id"])
