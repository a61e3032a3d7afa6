"""Series, their samples and their latest values, a page at a time, within the caller's scope.

A series is one metric of one unit (of one database, of one province); its samples are read
raw (for the retention) or by local day or ISO week from the rollups the writer keeps.
"""

from __future__ import annotations

import time

from base.i18n import _
from dashboards.api import models as m
from dashboards.api.calls import ApiError, Call, number, utc
from metrics.health import SourceHealth
from metrics.series_pages import SeriesRow

FAR_FUTURE = 2**53  # seconds: no sample is that late
HEALTH_SECONDS = 5  # how old the sources' health an answer's "stale" and "as_of" come from may be


def _series_out(row: SeriesRow, health: dict[str, SourceHealth]) -> m.SeriesOut:
    source = health.get(row.source_id)
    latest = (
        m.LatestSample(time=utc(row.latest_ts), value=row.latest_value)  # type: ignore[arg-type]  # both set together
        if row.latest_ts is not None and number(row.latest_value) is not None
        else None
    )
    return m.SeriesOut(
        id=row.id,
        metric=row.metric,
        unit=row.unit,
        database=row.database or None,
        province=row.province or None,
        source=row.source_id,
        latest=latest,
        as_of=utc(source.as_of) if source else None,
        stale=source.stale if source else True,  # a source no longer configured delivers nothing
    )


def series(call: Call) -> m.SeriesPage:
    limit = call.limit()
    rows = call.reader.series_page(**call.series_filters(), after=(call.after() or (0,))[0], limit=limit + 1)
    health = call.reader.source_health(max_age=HEALTH_SECONDS)
    page = rows[:limit]
    return m.SeriesPage(
        items=[_series_out(r, health) for r in page],
        next=call.next_url(page[-1].id) if len(rows) > limit else None,
    )


def latest(call: Call) -> m.LatestPage:
    limit = call.limit()
    rows = call.reader.series_page(
        **call.series_filters(), after=(call.after() or (0,))[0], limit=limit + 1, with_samples_only=True
    )
    health = call.reader.source_health(max_age=HEALTH_SECONDS)
    page = rows[:limit]
    items = []
    for row in page:
        out = _series_out(row, health)
        if out.latest is None:
            continue
        items.append(
            m.LatestOut(
                series=row.id,
                metric=row.metric,
                unit=row.unit,
                database=out.database,
                province=out.province,
                time=out.latest.time,
                value=out.latest.value,
                as_of=out.as_of,
                stale=out.stale,
            )
        )
    return m.LatestPage(items=items, next=call.next_url(page[-1].id) if len(rows) > limit else None)


MAX_WINDOW_DAYS = 31  # a longer history is collected by a backfill, a window at a time


def window_samples(call: Call) -> m.SampleList:
    """Every raw sample of the series the filters choose, in a window: the feed another IOC's
    http_json source collects (config/examples/federation-sources.toml)."""
    query = call.query
    since = int(query.since.timestamp())
    until = int(query.until.timestamp()) if query.until else int(time.time()) + 1
    if since >= until:
        raise ApiError("invalid-parameter", _("'from' must be before 'to'."))
    if until - since > MAX_WINDOW_DAYS * 86400:
        raise ApiError("invalid-parameter", _("A window spans at most {days} days.").format(days=MAX_WINDOW_DAYS))
    limit, last_page = call.limit(), call.after(keys=2)
    rows = call.reader.samples_page(**call.series_filters(), since=since, until=until, after=last_page, limit=limit + 1)
    page = rows[:limit]
    items = [
        m.SampleOut(
            series=r.series_id,
            metric=r.metric,
            unit=r.unit,
            database=r.database or None,
            province=r.province or None,
            time=utc(r.ts),  # type: ignore[arg-type]
            value=r.value,
        )
        for r in page
    ]
    return m.SampleList(items=items, next=call.next_url(page[-1].series_id, page[-1].ts) if len(rows) > limit else None)


def _one_series(call: Call) -> SeriesRow:
    """The series of the path, if it exists and the caller's scope reaches it."""
    series_id = call.path["series_id"]
    row = call.reader.one_series(series_id)
    if row is None:
        raise ApiError("not-found", _("There is no series {id}.").format(id=series_id))
    scope = call.scope
    if not (
        scope.allows("metrics", row.metric)
        and scope.allows("units", row.unit)
        and scope.allows("provinces", row.province)  # a whole unit's series ("") is no province's
    ):
        raise ApiError("out-of-scope", _("This token does not reach series {id}.").format(id=series_id))
    return row


def one_series(call: Call) -> m.SeriesOut:
    return _series_out(_one_series(call), call.reader.source_health(max_age=HEALTH_SECONDS))


def samples(call: Call) -> m.SamplesPage:
    row = _one_series(call)
    query = call.query
    since = int(query.since.timestamp()) if query.since else 0
    until = int(query.until.timestamp()) if query.until else FAR_FUTURE
    if since >= until:
        raise ApiError("invalid-parameter", _("'from' must be before 'to'."))
    limit, last_page = call.limit(), call.after()
    after = last_page[0] if last_page else None
    items: list[m.SamplePoint] = []
    if query.resolution == "raw":
        raw = call.reader.raw_samples(row.id, since, until, after, limit + 1)
        items = [m.SamplePoint(time=utc(ts), value=value) for ts, value in raw[:limit]]  # type: ignore[arg-type]
        more, last = len(raw) > limit, raw[min(limit, len(raw)) - 1][0] if raw else 0
    else:
        metric = call.reader.config.catalogue.metrics.get(row.metric)  # one since taken out of the catalogue: a count
        gauge = metric is not None and metric.kind == "gauge"
        rolled = call.reader.rolled_samples(row.id, query.resolution, since, until, after, limit + 1)
        items = [
            m.SamplePoint(
                time=utc(r.start),  # type: ignore[arg-type]
                value=r.last_value if gauge else r.total,
                samples=r.sample_count,
                sum=r.total,
                mean=r.total / r.sample_count if r.sample_count else None,
                last_time=utc(r.last_ts),
            )
            for r in rolled[:limit]
        ]
        more, last = len(rolled) > limit, rolled[min(limit, len(rolled)) - 1].start if rolled else 0
    return m.SamplesPage(
        series=_series_out(row, call.reader.source_health(max_age=HEALTH_SECONDS)),
        resolution=query.resolution,
        items=items,
        next=call.next_url(last) if more else None,
    )
