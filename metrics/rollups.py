"""Daily and weekly rollups and the latest value of every series, kept by the writer.

Store.finish_run calls refresh() in the transaction that writes the samples, so a page never
sees samples without their rollups. refresh() is incremental: it recomputes only the days and
weeks the batch touched, a day from its raw samples (at most 24 of one series), a week from its
days (at most 7), so its cost follows the batch, not the store. rebuild() computes the same
rows from every raw sample kept, with the same functions: the test that a rebuild equals what
the writer kept is a test of one code path run two ways.

A day holds the sum and count of its samples and its last sample (time and value): counts are
summed, gauges read at their last sample, means are sum / count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from sqlalchemy import delete, select

from base.localtime import DAY, WEEK, bucket_start, week_start
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


def refresh(connection: Any, rows: list[SampleRow]) -> None:
    """Bring the rollups and latest values of the days and weeks these samples fall in up to
    date, inside the caller's transaction (after the samples are written)."""
    if not rows:
        return
    touched_days: dict[int, set[int]] = defaultdict(set)
    newest: dict[int, tuple[int, float]] = {}
    for series_id, ts, value, _run in rows:
        touched_days[series_id].add(bucket_start(ts, "day"))
        if series_id not in newest or ts >= newest[series_id][0]:
            newest[series_id] = (ts, value)
    first_day = min(min(days) for days in touched_days.values())
    last_day = max(max(days) for days in touched_days.values())

    day_rows: list[Rollup] = []
    for ids in _chunks(sorted(touched_days)):
        points = connection.execute(
            select(samples.c.series_id, samples.c.ts, samples.c.value)
            .where(samples.c.series_id.in_(ids), samples.c.ts >= first_day, samples.c.ts < last_day + DAY)
            .order_by(samples.c.series_id, samples.c.ts)
        )
        day_rows += [d for d in _days(points) if d.start in touched_days[d.series_id]]
    _write(connection, "daily_rollups", day_rows)

    touched_weeks = {(d.series_id, week_start(d.start)) for d in day_rows}
    first_week, last_week = week_start(first_day), week_start(last_day)
    week_rows: list[Rollup] = []
    for ids in _chunks(sorted({series_id for series_id, _ in touched_weeks})):
        days = connection.execute(
            select(daily_rollups)
            .where(
                daily_rollups.c.series_id.in_(ids),
                daily_rollups.c.start >= first_week,
                daily_rollups.c.start < last_week + WEEK,
            )
            .order_by(daily_rollups.c.series_id, daily_rollups.c.start)
        )
        week_rows += [w for w in _weeks(Rollup(*d) for d in days) if (w.series_id, w.start) in touched_weeks]
    _write(connection, "weekly_rollups", week_rows)

    connection.exec_driver_sql(
        _LATEST.format(p=_placeholder(connection)), [(sid, ts, value) for sid, (ts, value) in newest.items()]
    )


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
