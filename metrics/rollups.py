"""Daily and weekly rollups and the latest value of every series, kept by the writer.

Store.finish_run calls refresh() in the transaction that writes the samples, so a page never
sees samples without their rollups. refresh() is incremental: it recomputes only the days and
weeks the batch spans, a day from its raw samples (at most 24 of one series), a week from its
days (at most 7), so its cost follows the batch, not the store; it aggregates in SQL. rebuild()
computes the same rows from every raw sample kept, in Python: the test that a rebuild equals
what the writer kept checks two implementations against each other.

A day holds the sum and count of its samples and its last sample (time and value): counts are
summed, gauges read at their last sample, means are sum / count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from sqlalchemy import delete, select

from base.localtime import DAY, MONDAY_SHIFT, WEEK, bucket_start, offset, week_start
from metrics.schema import daily_rollups, data_version, samples, series_latest, weekly_rollups

# Sample rows as the writer has them: (series_id, ts, value, run_id).
SampleRow = tuple[int, int, float, int]
CHUNK = 500  # series per query: well under SQLite's and psycopg's parameter limits

_UPSERT = (
    "INSERT INTO {table} (series_id, start, total, sample_count, last_ts, last_value) "
    "VALUES ({p}, {p}, {p}, {p}, {p}, {p}) "
    "ON CONFLICT (series_id, start) DO UPDATE SET total = excluded.total, sample_count = excluded.sample_count, "
    "last_ts = excluded.last_ts, last_value = excluded.last_value"
)
# A batch may carry an older period (a correction): the latest value moves only forward in time.
_LATEST = (
    "INSERT INTO series_latest (series_id, ts, value) VALUES ({p}, {p}, {p}) "
    "ON CONFLICT (series_id) DO UPDATE SET ts = excluded.ts, value = excluded.value "
    "WHERE excluded.ts >= series_latest.ts"
)
_INSERT_LATEST = "INSERT INTO series_latest (series_id, ts, value) VALUES ({p}, {p}, {p})"


class Rollup(NamedTuple):
    series_id: int
    start: int
    total: float
    sample_count: int
    last_ts: int
    last_value: float


def _days(points: Iterable[tuple[int, int, float]]) -> Iterator[Rollup]:
    """Day rollups of (series_id, ts, value) points sorted by series and time."""
    current: list[Any] | None = None
    for series_id, ts, value in points:
        day = bucket_start(ts, "day")
        if current is None or current[0] != series_id or current[1] != day:
            if current is not None:
                yield Rollup(*current)
            current = [series_id, day, 0.0, 0, ts, value]
        current[2] += value
        current[3] += 1
        current[4], current[5] = ts, value
    if current is not None:
        yield Rollup(*current)


def _weeks(days: Iterable[Rollup]) -> Iterator[Rollup]:
    """Week rollups of day rollups sorted by series and day."""
    current: list[Any] | None = None
    for day in days:
        week = week_start(day.start)
        if current is None or current[0] != day.series_id or current[1] != week:
            if current is not None:
                yield Rollup(*current)
            current = [day.series_id, week, 0.0, 0, day.last_ts, day.last_value]
        current[2] += day.total
        current[3] += day.sample_count
        current[4], current[5] = day.last_ts, day.last_value
    if current is not None:
        yield Rollup(*current)


def _placeholder(connection: Any) -> str:
    return "?" if connection.dialect.name == "sqlite" else "%s"


def _write(connection: Any, table: str, rows: list[Rollup]) -> None:
    # The driver's executemany of one fixed statement, like the samples (metrics/store.py says why).
    if rows:
        connection.exec_driver_sql(_UPSERT.format(table=table, p=_placeholder(connection)), [tuple(r) for r in rows])


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


# The writer aggregates in SQL, in the store: sending 50,000 rows back to Python to add them up
# made ingest 8x slower than the raw driver. The last sample of a period: SQLite takes a bare
# column from the row where max() is found; PostgreSQL orders an array.
_LAST = {"sqlite": "{value}", "postgresql": "(ARRAY_AGG({value} ORDER BY {ts} DESC))[1]"}
_DAYS = (
    "INSERT INTO daily_rollups (series_id, start, total, sample_count, last_ts, last_value) "
    "SELECT series_id, (ts + {shift}) / 86400 * 86400 - {shift} AS day, SUM(value), COUNT(*), MAX(ts), {last} "
    "FROM samples WHERE series_id IN ({ids}) AND ts >= {p} AND ts < {p} GROUP BY series_id, day "
    "ON CONFLICT (series_id, start) DO UPDATE SET total = excluded.total, sample_count = excluded.sample_count, "
    "last_ts = excluded.last_ts, last_value = excluded.last_value"
)
_WEEKS = (
    "INSERT INTO weekly_rollups (series_id, start, total, sample_count, last_ts, last_value) "
    "SELECT series_id, (start + {shift}) / 604800 * 604800 - {shift} AS week, SUM(total), SUM(sample_count), "
    "MAX(last_ts), {last} FROM daily_rollups WHERE series_id IN ({ids}) AND start >= {p} AND start < {p} "
    "GROUP BY series_id, week "
    "ON CONFLICT (series_id, start) DO UPDATE SET total = excluded.total, sample_count = excluded.sample_count, "
    "last_ts = excluded.last_ts, last_value = excluded.last_value"
)


def refresh(connection: Any, rows: list[SampleRow]) -> None:
    """Bring the rollups and latest values of the days and weeks these samples fall in up to
    date, inside the caller's transaction (after the samples are written): each series' days
    from its raw samples, then its weeks from its days, over the span the batch covers."""
    if not rows:
        return
    spans: dict[int, list] = {}  # series → [first ts, last ts, its value]
    for series_id, ts, value, _run in rows:
        span = spans.get(series_id)
        if span is None:
            spans[series_id] = [ts, ts, value]
        elif ts < span[0]:
            span[0] = ts
        elif ts >= span[1]:
            span[1], span[2] = ts, value
    dialect, p = connection.dialect.name, _placeholder(connection)
    # Series whose batch spans the same days go together: a live collection's all do.
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for series_id, (first, last, _value) in spans.items():
        groups[(bucket_start(first, "day"), bucket_start(last, "day") + DAY)].append(series_id)
    day_shift, week_shift_ = offset(), offset() + MONDAY_SHIFT
    for (first_day, end_day), members in groups.items():
        for ids in _chunks(sorted(members)):
            marks = ", ".join(str(int(i)) for i in ids)  # integers of our own: no injection possible
            connection.exec_driver_sql(
                _DAYS.format(shift=day_shift, last=_LAST[dialect].format(value="value", ts="ts"), ids=marks, p=p),
                (first_day, end_day),
            )
            connection.exec_driver_sql(
                _WEEKS.format(
                    shift=week_shift_, last=_LAST[dialect].format(value="last_value", ts="last_ts"), ids=marks, p=p
                ),
                (week_start(first_day), week_start(end_day - 1) + WEEK),
            )
    latest = [(series_id, last, value) for series_id, (_first, last, value) in spans.items()]
    connection.exec_driver_sql(_LATEST.format(p=p), latest)


def rebuild(connection: Any, series_ids: list[int]) -> int:
    """Compute these series' rollups and latest values again from their raw samples, inside the
    caller's transaction. Days before the retention's horizon have no raw samples left: their
    rollups are kept as they are. Returns the number of samples read."""
    kept_from = int(connection.execute(select(data_version.c.raw_kept_from).where(data_version.c.id == 1)).scalar_one())
    read = 0
    for ids in _chunks(sorted(series_ids)):
        connection.execute(
            delete(daily_rollups).where(daily_rollups.c.series_id.in_(ids), daily_rollups.c.start >= kept_from)
        )
        points = connection.execute(
            select(samples.c.series_id, samples.c.ts, samples.c.value)
            .where(samples.c.series_id.in_(ids), samples.c.ts >= kept_from)
            .order_by(samples.c.series_id, samples.c.ts)
        ).all()
        read += len(points)
        _write(connection, "daily_rollups", list(_days(points)))
        connection.execute(delete(weekly_rollups).where(weekly_rollups.c.series_id.in_(ids)))
        days = [
            Rollup(*d)
            for d in connection.execute(
                select(daily_rollups)
                .where(daily_rollups.c.series_id.in_(ids))
                .order_by(daily_rollups.c.series_id, daily_rollups.c.start)
            )
        ]
        _write(connection, "weekly_rollups", list(_weeks(days)))
        # The newest day of each series holds its newest sample, kept even past the retention.
        latest = {d.series_id: (d.series_id, d.last_ts, d.last_value) for d in days}
        connection.execute(delete(series_latest).where(series_latest.c.series_id.in_(ids)))
        if latest:
            connection.exec_driver_sql(_INSERT_LATEST.format(p=_placeholder(connection)), list(latest.values()))
    return read
