"""Every record a source delivers passes its metric's definition before it is stored.

A record that fails goes to quarantine with the reason; the good records of the same batch
are kept. Times are floored to the metric's bucket (a local day or an hour), which is what
makes a repeated collection of the same period overwrite rather than duplicate.
"""
from __future__ import annotations

import datetime as dt
import math
import unicodedata
from typing import Any, Iterable

from data_sources.base import Record
from metrics.catalogue import Catalogue
from metrics.store import Rejected, Sample, SeriesKey
from metrics.timebuckets import DAY, bucket_start

FUTURE_TOLERANCE = dt.timedelta(minutes=10)
MAX_CODE_LENGTH = 40


def _raw(record: Any) -> dict[str, Any]:
    if isinstance(record, Record):
        return {"metric": record.metric, "unit": record.unit, "database": record.database, "origin": record.origin,
                "ts": record.ts.isoformat() if isinstance(record.ts, dt.datetime) else repr(record.ts),
                "value": record.value if isinstance(record.value, (int, float, str)) else repr(record.value)}
    return {"record": repr(record)[:500]}


def _code(value: Any) -> str:
    text = unicodedata.normalize("NFC", str(value or "")).strip()
    return text[:MAX_CODE_LENGTH + 1]


def _plain(number: float) -> str:
    return f"{number:.0f}" if float(number).is_integer() else f"{number:g}"


def check(record: Any, catalogue: Catalogue, oldest: dt.datetime, now: dt.datetime) -> Sample | str:
    """The stored sample for record, or the reason it is refused."""
    if not isinstance(record, Record):
        return "not a record"
    metric_code, unit, database = _code(record.metric), _code(record.unit), _code(record.database)
    metric = catalogue.metrics.get(metric_code)
    if metric is None:
        return f"unknown metric '{metric_code}'"
    if metric.scope == "database":
        db = catalogue.databases.get(database)
        if db is None:
            return f"unknown database '{database}'"
        unit = unit or db.owner
    elif database:
        return f"metric '{metric_code}' is per unit but the record names database '{database}'"
    if unit not in catalogue.units:
        return f"unknown unit '{unit}'"
    value = record.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"value is not a number: {str(value)[:80]!r}"
    if not math.isfinite(value):
        return f"value is not finite: {value}"
    if not metric.min <= value <= metric.max:
        return f"value {_plain(value)} outside the valid range {_plain(metric.min)}–{_plain(metric.max)} {metric.unit_of_measure}"
    ts = record.ts
    if not isinstance(ts, dt.datetime) or ts.tzinfo is None:
        return "time without a time zone"
    if ts > now + FUTURE_TOLERANCE:
        return f"time {ts.isoformat()} is in the future"
    if ts < oldest:
        return f"time {ts.isoformat()} is older than the source's look-back"
    bucket = bucket_start(ts, metric.bucket)
    if metric.kind == "gauge":
        judged = "recent"
    else:  # a day still under way is not judged: its count is incomplete
        judged = "weekday" if metric.bucket == "day" and bucket + DAY <= now.timestamp() else ""
    return Sample(SeriesKey(metric_code, unit, database if metric.scope == "database" else ""),
                  bucket, float(value), judged)


def validate(records: Iterable[Any], catalogue: Catalogue, oldest: dt.datetime,
             now: dt.datetime | None = None) -> tuple[list[Sample], list[Rejected]]:
    now = now or dt.datetime.now(dt.UTC)
    good, bad = [], []
    for record in records:
        outcome = check(record, catalogue, oldest, now)
        if isinstance(outcome, Sample):
            good.append(outcome)
        else:
            bad.append(Rejected(_raw(record), outcome, record))
    return good, bad
