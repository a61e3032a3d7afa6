"""Reads of the figures by period, from the rollups the writer keeps (metrics/rollups.py).

Pages and briefings never scan raw samples: weekly figures come from the weekly rollups, the
latest from the latest-value table, a past state from the daily rollups, one seek per series.
A series of one province is rolled up to the unit's (and so the ministry's) figure with its
metric's declared function (catalogue `rollup`), in SQL; `province` narrows every read to one
province's series instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import pandas as pd
from sqlalchemy import and_, bindparam, func, select

from base.catalogue import Catalogue
from base.localtime import WEEK, bucket_start, week_start
from base.provinces import code_of, label_of
from metrics.schema import daily_rollups, samples, series, series_latest, weekly_rollups
from metrics.store import Store

COLUMNS = ["metric", "unit", "database", "week", "value"]
LATEST_COLUMNS = ["metric", "unit", "database", "ts", "value"]
SQL_FUNCTIONS: dict[str, Callable[..., Any]] = {"sum": func.sum, "mean": func.avg, "min": func.min, "max": func.max}


def _every_function(column: Any) -> list:
    return [function(column) for function in SQL_FUNCTIONS.values()]


def _picked(rows: Sequence[Any], catalogue: Catalogue, columns: int, counts: bool = False) -> list[tuple]:
    """Rows of (keys…, [count total], sum, mean, min, max) as (keys…, value), each by its metric's
    roll-up (in Python: a few hundred rows, where a frame's column juggling costs more)."""
    first = columns + 1 if counts else columns  # after the keys (and the counts' total)
    position = {name: first + i for i, name in enumerate(SQL_FUNCTIONS)}
    metrics = catalogue.metrics
    picked = []
    for row in rows:
        metric = metrics[row[0]]
        at = columns if counts and metric.kind == "count" else position[metric.across]
        value = row[at]
        picked.append((*row[:columns], None if value is None else float(value)))
    return picked


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
    # One pass computes every roll-up function; each metric then takes its own (a query per
    # function read the rollups several times).
    query = (
        select(*keys, func.sum(weekly_rollups.c.total), *_every_function(weekly_rollups.c.last_value))
        .join(series, series.c.id == weekly_rollups.c.series_id)
        .where(series.c.metric.in_(list(catalogue.metrics)), weekly_rollups.c.start >= since, *_in_province(province))
        .group_by(*keys)
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    frame = pd.DataFrame(_picked(rows, catalogue, 4, counts=True), columns=COLUMNS)
    frame["week"] = frame["week"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    return frame


def weekly_by_province(store: Store, catalogue: Catalogue, week: int, metrics: list[str]) -> pd.DataFrame:
    """One week's figure of each metric in each province (every unit's series of the province
    rolled up), for comparing provinces: columns metric, province (its code), value."""
    query = (
        select(
            series.c.metric,
            series.c.labels,
            func.sum(weekly_rollups.c.total),
            *_every_function(weekly_rollups.c.last_value),
        )
        .join(series, series.c.id == weekly_rollups.c.series_id)
        .where(series.c.metric.in_(metrics), series.c.labels != "", weekly_rollups.c.start == week)
        .group_by(series.c.metric, series.c.labels)
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    picked = [(metric, code_of(labels), value) for metric, labels, value in _picked(rows, catalogue, 2, counts=True)]
    return pd.DataFrame([row for row in picked if row[1]], columns=["metric", "province", "value"])


def latest_frame(
    store: Store, catalogue: Catalogue, metrics: list[str], before: float | None = None, province: str = ""
) -> pd.DataFrame:
    """The newest value of every metric, unit and database among the given metrics, the
    provinces' series rolled up (or one province's): as of now, or before a local midnight
    (the state at the end of the day before it), read from the daily rollups."""
    if before is not None and bucket_start(before, "day") != int(before):
        raise ValueError(f"before must be a local midnight, not {before}")
    query = _latest_query(before is not None, bool(province))
    params = {"metrics": list(metrics), "before": int(before or 0), "labels": label_of(province)}
    with store.engine.connect() as connection:
        rows = connection.execute(query, params).all()
    frame = pd.DataFrame(_picked(rows, catalogue, 4), columns=LATEST_COLUMNS)
    frame["value"] = frame["value"].astype("float64")
    return frame


@cache
def _latest_query(before: bool, in_province: bool) -> Any:
    """The latest-values statement, built once (wall tiles ask often; building it cost as much
    as running it): metrics, before and labels are bound at each call."""
    if not before:
        newest = select(
            series.c.metric, series.c.unit, series.c.database, series_latest.c.ts, series_latest.c.value
        ).select_from(series.join(series_latest, series_latest.c.series_id == series.c.id))
    else:
        # One index seek per series for its last day before the time (a GROUP BY over the
        # rollups would read every day of every series).
        days = daily_rollups.alias("days")
        last_day = (
            select(func.max(days.c.start))
            .where(days.c.series_id == series.c.id, days.c.start < bindparam("before"))
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
    chosen: list[Any] = [series.c.metric.in_(bindparam("metrics", expanding=True))]
    if in_province:
        chosen.append(series.c.labels == bindparam("labels"))
    per_series = newest.where(*chosen).subquery()
    keys = [per_series.c.metric, per_series.c.unit, per_series.c.database]
    return select(*keys, func.max(per_series.c.ts), *_every_function(per_series.c.value)).group_by(*keys)


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
