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

from data_sources.base import Record
from metrics.catalogue import Catalogue
from metrics.store import Rejected, Sample, SeriesKey
from metrics.timebuckets import DAY, bucket_start

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


def check(record: Any, catalogue: Catalogue, oldest: dt.datetime, now: dt.datetime) -> Sample | str:
    """The stored sample for record, or the reason it is refused (in Vietnamese: the focal
    point reads it on the sources page)."""
    if not isinstance(record, Record):
        return "không phải một bản ghi"
    metric_code, unit, database = _code(record.metric), _code(record.unit), _code(record.database)
    metric = catalogue.metrics.get(metric_code)
    if metric is None:
        return f"chỉ số không có trong danh mục: '{metric_code}'"
    if metric.scope == "database":
        db = catalogue.databases.get(database)
        if db is None:
            return f"CSDL không có trong danh mục: '{database}'"
        unit = unit or db.owner
    elif database:
        return f"chỉ số '{metric_code}' tính theo đơn vị nhưng bản ghi ghi CSDL '{database}'"
    if unit not in catalogue.units:
        return f"đơn vị không có trong danh mục: '{unit}'"
    value = record.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"giá trị không phải là số: {str(value)[:80]!r}"
    if not math.isfinite(value):
        return f"giá trị không hữu hạn: {value}"
    if not metric.min <= value <= metric.max:
        return f"giá trị {_plain(value)} ngoài khoảng hợp lệ {_plain(metric.min)}–{_plain(metric.max)} {metric.unit_of_measure}"
    ts = record.ts
    if not isinstance(ts, dt.datetime):
        return f"thời điểm không đọc được: {str(ts)[:40]!r}"
    if ts.tzinfo is None:
        return "thời điểm không có múi giờ"
    if ts > now + FUTURE_TOLERANCE:
        return f"thời điểm {ts.isoformat()} ở tương lai"
    if ts < oldest:
        return f"thời điểm {ts.isoformat()} cũ hơn khoảng nguồn được gửi lại (look-back)"
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
