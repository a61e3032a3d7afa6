"""Series and their samples a page at a time, for the read API: keyset pages (after the last
id or time a page ended on), never OFFSET, so the thousandth page costs what the first does.

Filters are sets of codes (None: any). A province is a series' label (`tinh=<code>`); a series
of the whole unit has no province.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Literal, NamedTuple

from sqlalchemy import and_, bindparam, or_, select

from base.provinces import code_of, label_of
from metrics.schema import daily_rollups, samples, series, series_latest, weekly_rollups
from metrics.store import Store

Resolution = Literal["raw", "day", "week"]
ROLLUPS = {"day": daily_rollups, "week": weekly_rollups}


class SeriesRow(NamedTuple):
    id: int
    metric: str
    unit: str
    database: str
    province: str  # "" for a series of the whole unit
    source_id: str
    latest_ts: int | None
    latest_value: float | None


class RolledRow(NamedTuple):
    start: int  # the local day's or ISO week's start, epoch seconds
    total: float
    sample_count: int
    last_ts: int
    last_value: float


# A series and its latest sample, as SeriesRow holds them (labels read as the province).
_SERIES_COLUMNS = (
    series.c.id,
    series.c.metric,
    series.c.unit,
    series.c.database,
    series.c.labels,
    series.c.source_id,
    series_latest.c.ts,
    series_latest.c.value,
)


def _series_row(r: Any) -> SeriesRow:
    return SeriesRow(r[0], r[1], r[2], r[3], code_of(r[4]), r[5], r[6], r[7])


def _filters(
    metrics: Collection[str] | None,
    units: Collection[str] | None,
    provinces: Collection[str] | None,
    databases: Collection[str] | None,
) -> list[Any]:
    chosen: list[Any] = []
    for column, codes in ((series.c.metric, metrics), (series.c.unit, units), (series.c.database, databases)):
        if codes is not None:
            chosen.append(column.in_(sorted(codes)))
    if provinces is not None:
        chosen.append(series.c.labels.in_(sorted(label_of(code) for code in provinces)))
    return chosen


def series_page(
    store: Store,
    *,
    metrics: Collection[str] | None = None,
    units: Collection[str] | None = None,
    provinces: Collection[str] | None = None,
    databases: Collection[str] | None = None,
    after: int = 0,
    limit: int = 1000,
    with_samples_only: bool = False,
) -> list[SeriesRow]:
    """Series (with their latest sample) matching every filter, by id, after the id given;
    with_samples_only leaves out series that have none (yet)."""
    query = (
        select(*_SERIES_COLUMNS)
        .select_from(
            series.join(series_latest, series_latest.c.series_id == series.c.id, isouter=not with_samples_only)
        )
        .where(series.c.id > after, *_filters(metrics, units, provinces, databases))
        .order_by(series.c.id)
        .limit(limit)
    )
    with store.engine.connect() as connection:
        return [_series_row(r) for r in connection.execute(query)]


_ONE_SERIES = (
    select(*_SERIES_COLUMNS)
    .select_from(series.outerjoin(series_latest, series_latest.c.series_id == series.c.id))
    .where(series.c.id == bindparam("series_id"))
)


def one_series(store: Store, series_id: int) -> SeriesRow | None:
    """One series with its latest sample, or None (a statement built once: asked every page)."""
    with store.engine.connect() as connection:
        r = connection.execute(_ONE_SERIES, {"series_id": series_id}).first()
    return _series_row(r) if r is not None else None


# Built once, its parameters bound at each call: a consumer walks a series a page at a time, and
# building the statement again each page was a third of the read (bench/api_samples.py).
_RAW_PAGE = (
    select(samples.c.ts, samples.c.value)
    .where(
        samples.c.series_id == bindparam("series_id"),
        samples.c.ts >= bindparam("since"),
        samples.c.ts < bindparam("until"),
        samples.c.ts > bindparam("after"),
    )
    .order_by(samples.c.ts)
    .limit(bindparam("limit"))
)


def raw_samples(store: Store, series_id: int, since: int, until: int, after: int | None, limit: int) -> list[tuple]:
    """(ts, value) of one series in [since, until), by time, after the time given."""
    params = {"series_id": series_id, "since": since, "until": until, "limit": limit}
    with store.engine.connect() as connection:
        rows = connection.execute(_RAW_PAGE, {**params, "after": since - 1 if after is None else after})
        return [tuple(row) for row in rows]


def rolled_samples(
    store: Store,
    series_id: int,
    resolution: Literal["day", "week"],
    since: int,
    until: int,
    after: int | None,
    limit: int,
) -> list[RolledRow]:
    """One series' daily or weekly rollups starting in [since, until), after the start given."""
    table = ROLLUPS[resolution]
    query = (
        select(table.c.start, table.c.total, table.c.sample_count, table.c.last_ts, table.c.last_value)
        .where(and_(table.c.series_id == series_id, table.c.start >= since, table.c.start < until))
        .order_by(table.c.start)
        .limit(limit)
    )
    if after is not None:
        query = query.where(table.c.start > after)
    with store.engine.connect() as connection:
        return [RolledRow(*row) for row in connection.execute(query)]


class SampleRow(NamedTuple):
    series_id: int
    ts: int
    value: float
    metric: str
    unit: str
    database: str
    province: str


def samples_page(
    store: Store,
    *,
    since: int,
    until: int,
    metrics: Collection[str] | None = None,
    units: Collection[str] | None = None,
    provinces: Collection[str] | None = None,
    databases: Collection[str] | None = None,
    after: tuple[int, int] | None = None,
    limit: int = 1000,
) -> list[SampleRow]:
    """Raw samples in [since, until) of every series matching the filters, by series and
    time, after the (series, time) given: what another IOC collects a window of."""
    query = (
        select(
            samples.c.series_id,
            samples.c.ts,
            samples.c.value,
            series.c.metric,
            series.c.unit,
            series.c.database,
            series.c.labels,
        )
        # series first: each one's window is a seek on the samples' key (series, time)
        .select_from(series.join(samples, samples.c.series_id == series.c.id))
        .where(samples.c.ts >= since, samples.c.ts < until, *_filters(metrics, units, provinces, databases))
        .order_by(series.c.id, samples.c.ts)
        .limit(limit)
    )
    if after is not None:
        last_series, last_ts = after
        query = query.where(
            series.c.id >= last_series,
            or_(samples.c.series_id > last_series, samples.c.ts > last_ts),
        )
    with store.engine.connect() as connection:
        return [SampleRow(r[0], r[1], r[2], r[3], r[4], r[5], code_of(r[6])) for r in connection.execute(query)]
