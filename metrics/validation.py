"""Every record a source delivers passes its metric's definition before it is stored.

A record that fails goes to quarantine with the reason; the good records of the same batch
are kept. Times are floored to the metric's bucket (a local day or an hour), which is what
makes a repeated collection of the same period overwrite rather than duplicate.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable
from typing import Any

from base.catalogue import Catalogue
from base.localtime import DAY, bucket_start
from base.problems import Problem
from data_sources.base import Record
from metrics.store import Rejected, Sample, SeriesKey

FUTURE_TOLERANCE = dt.timedelta(minutes=10)
MAX_CODE_LENGTH = 40


def _raw(record: Any) -> dict[str, Any]:
    if isinstance(record, Record):
        return {
            "metric": record.metric,
            "unit": record.unit,
            "database": record.database,
            "origin": record.origin,
            "ts": record.ts.isoformat() if isinstance(record.ts, dt.datetime) else repr(record.ts),
            "value": record.value if isinstance(record.value, (int, float, str)) else repr(record.value),
        }
    return {"record": repr(record)[:500]}


def _code(value: Any) -> str:
    text = unicodedata.normalize("NFC", str(value or "")).strip()
    return text[: MAX_CODE_LENGTH + 1]


def _plain(number: float) -> str:
    return f"{number:.0f}" if float(number).is_integer() else f"{number:g}"


def check(record: Any, catalogue: Catalogue, oldest: dt.datetime, now: dt.datetime) -> Sample | Problem:
    """The stored sample for record, or the reason it is refused (a Problem, worded for whoever
    reads it on the sources page, in the briefing or in the spreadsheet's report)."""
    if not isinstance(record, Record):
        return Problem.of("record.not_a_record")
    metric_code, unit, database = _code(record.metric), _code(record.unit), _code(record.database)
    metric = catalogue.metrics.get(metric_code)
    if metric is None:
        return Problem.of("record.unknown_metric", metric=metric_code)
    if metric.scope == "database":
        db = catalogue.databases.get(database)
        if db is None:
            return Problem.of("record.unknown_database", database=database)
        unit = unit or db.owner
    elif database:
        return Problem.of("record.database_on_unit_metric", metric=metric_code, database=database)
    if unit not in catalogue.units:
        return Problem.of("record.unknown_unit", unit=unit)
    value = record.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return Problem.of("record.not_a_number", value=repr(str(value)[:80]))
    if not math.isfinite(value):
        return Problem.of("record.not_finite", value=str(value))
    if not metric.min <= value <= metric.max:
        # The value is quoted as it came, not reformatted: the reader compares it with the source.
        return Problem.of(
            "record.out_of_range",
            value=_plain(value),
            min=_plain(metric.min),
            max=_plain(metric.max),
            unit_of_measure=metric.measure("vi"),  # the message in each language picks its own
            unit_of_measure_en=metric.measure("en"),
        )
    ts = record.ts
    if not isinstance(ts, dt.datetime):
        return Problem.of("record.bad_time", value=repr(str(ts)[:40]))
    if ts.tzinfo is None:
        return Problem.of("record.no_zone")
    if ts > now + FUTURE_TOLERANCE:
        return Problem.of("record.future", time=ts.isoformat())
    if ts < oldest:
        return Problem.of("record.too_old", time=ts.isoformat())
    bucket = bucket_start(ts, metric.bucket)
    if metric.kind == "gauge":
        judged = "recent"
    else:  # a day still under way is not judged: its count is incomplete
        judged = "weekday" if metric.bucket == "day" and bucket + DAY <= now.timestamp() else ""
    return Sample(
        SeriesKey(metric_code, unit, database if metric.scope == "database" else ""), bucket, float(value), judged
    )


def validate(
    records: Iterable[Any], catalogue: Catalogue, oldest: dt.datetime, now: dt.datetime | None = None
) -> tuple[list[Sample], list[Rejected]]:
    now = now or dt.datetime.now(dt.UTC)
    good, bad = [], []
    for record in records:
        outcome = check(record, catalogue, oldest, now)
        if isinstance(outcome, Sample):
            good.append(outcome)
        else:
            bad.append(Rejected(_raw(record), outcome, record))
    return good, bad
