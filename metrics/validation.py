"""Every record a source delivers passes its metric's definition before it is stored.

A record that fails goes to quarantine with the reason; the good records of the same batch
are kept. Times are floored to the metric's bucket (a local day or an hour), which is what
makes a repeated collection of the same period overwrite rather than duplicate.

Several records of one batch for the same series and period are never collapsed silently:
copies (same time, same value) are taken once; different values at the same time are a
conflict and all of them are quarantined; records at different times in one period follow
the metric's declared rule (catalogue `several_per_period`): "sum" adds the parts (hourly
counts of a daily count), "latest" takes the latest reading (a gauge read twice a day),
"conflict" quarantines them all. What was combined is said in the run's note.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable
from typing import Any, NamedTuple

from base.catalogue import Catalogue
from base.localtime import DAY, bucket_start
from base.problems import Problem
from base.provinces import label_of, provinces
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
            **({"province": record.province} if record.province else {}),
            "origin": record.origin,
            "ts": record.ts.isoformat() if isinstance(record.ts, dt.datetime) else repr(record.ts),
            "value": _json_value(record.value),
        }
    return {"record": repr(record)[:500]}


def _json_value(value: Any) -> Any:
    """The value as JSON can hold it: NaN and infinities are not JSON numbers, so they are text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (int, float, str)):
        return value
    return "" if isinstance(value, Problem) else repr(value)


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
    if isinstance(record.value, Problem):
        return record.value  # the source could not read it, and says why
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
    province = _code(record.province)
    if province.isdigit() and len(province) <= 2:
        province = province.zfill(2)  # 1 and "01" are the same code (a spreadsheet drops the zero)
    if province and province not in provinces():
        return Problem.of("record.unknown_province", province=province)
    value = record.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return Problem.of("record.not_a_number", value=repr(str(value)[:80]))
    if not math.isfinite(value):
        return Problem.of("record.not_finite", value=str(value))
    if metric.kind == "count":
        if abs(value - round(value)) > 1e-9 * max(1.0, abs(value)):
            return Problem.of(
                "record.not_whole",
                value=_plain(value),
                unit_of_measure=metric.measure("vi"),
                unit_of_measure_en=metric.measure("en"),
            )
        value = float(round(value))  # 1234.0000000001 from a spreadsheet's arithmetic is 1234
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
    key = SeriesKey(metric_code, unit, database if metric.scope == "database" else "", label_of(province))
    return Sample(key, bucket, float(value), judged)


class Validated(NamedTuple):
    good: list[Sample]
    bad: list[Rejected]
    records_of: list[list[Any]]  # the records behind each good sample
    note: Problem | None  # what several records of one period became

    @property
    def newest(self) -> dt.datetime | None:
        """The newest time among the records taken (a run's data_until)."""
        return max((record.ts for records in self.records_of for record in records), default=None)

    def without_series_of(self, owners: dict[SeriesKey, str], source_id: str, configured: set[str]) -> Validated:
        """Refuse the samples of series that another configured source feeds: two sources
        writing one series would overwrite each other's figures at every collection."""
        foreign = {key: owner for key, owner in owners.items() if owner != source_id and owner in configured}
        if not foreign:
            return self
        good, records_of, bad = [], [], list(self.bad)
        for sample, records in zip(self.good, self.records_of, strict=True):
            owner = foreign.get(sample.key)
            if owner is None:
                good.append(sample)
                records_of.append(records)
                continue
            series = "/".join(part for part in sample.key[:3] if part)
            reason = Problem.of("run.series_of_another_source", series=series, owner=owner)
            bad += [Rejected(_raw(r), reason, r) for r in records]
        return self._replace(good=good, records_of=records_of, bad=bad)


def validate(
    records: Iterable[Any], catalogue: Catalogue, oldest: dt.datetime, now: dt.datetime | None = None
) -> Validated:
    now = now or dt.datetime.now(dt.UTC)
    bad: list[Rejected] = []
    periods: dict[tuple[SeriesKey, int], list[tuple[Any, Sample]]] = {}
    for record in records:
        outcome = check(record, catalogue, oldest, now)
        if isinstance(outcome, Sample):
            periods.setdefault((outcome.key, outcome.ts), []).append((record, outcome))
        else:
            bad.append(Rejected(_raw(record), outcome, record))
    good: list[Sample] = []
    records_of: list[list[Any]] = []
    counts = {"repeated": 0, "added": 0, "sums": 0, "superseded": 0}
    for (key, _bucket), entries in periods.items():
        if len(entries) == 1:
            good.append(entries[0][1])
            records_of.append([entries[0][0]])
            continue
        kept = _one_per_time(entries, bad, counts)
        if not kept:
            continue
        if len(kept) == 1:
            good.append(kept[0][1])
            records_of.append([e[0] for e in entries if e[0].ts == kept[0][0].ts])
            continue
        metric = catalogue.metrics[key.metric]
        rule = metric.several_per_period
        if rule == "latest":
            latest = max(kept, key=lambda entry: entry[0].ts)
            good.append(latest[1])
            records_of.append([r for r, _s in kept])  # the latest of them is the newest
            counts["superseded"] += len(kept) - 1
        elif rule == "sum" and sum(s.value for _r, s in kept) <= metric.max:
            good.append(kept[0][1]._replace(value=sum(s.value for _r, s in kept)))
            records_of.append([r for r, _s in kept])
            counts["added"] += len(kept)
            counts["sums"] += 1
        else:
            reason = Problem.of(
                "record.sum_out_of_range" if rule == "sum" else "record.several_in_period",
                count=len(kept),
                values=[s.value for _r, s in kept[:10]],
                max=_plain(metric.max),
            )
            bad += [Rejected(_raw(r), reason, r) for r, _s in kept]
    note = Problem.of("run.combined", **counts) if any(counts.values()) else None
    return Validated(good, bad, records_of, note)


def _one_per_time(entries: list[tuple[Any, Sample]], bad: list[Rejected], counts: dict[str, int]) -> list:
    """One entry per exact time: copies taken once; different values at one time all refused."""
    by_time: dict[dt.datetime, list[tuple[Any, Sample]]] = {}
    for entry in entries:
        by_time.setdefault(entry[0].ts, []).append(entry)
    kept = []
    for same_time in by_time.values():
        values = {s.value for _r, s in same_time}
        if len(values) == 1:
            kept.append(same_time[0])
            counts["repeated"] += len(same_time) - 1
            continue
        origins = [r.origin for r, _s in same_time if r.origin]
        reason = Problem.of(
            "record.conflict_from" if origins else "record.conflict",
            count=len(same_time),
            values=[s.value for _r, s in same_time[:10]],
            origins="; ".join(origins[:5]),
        )
        bad += [Rejected(_raw(r), reason, r) for r, _s in same_time]
    return kept
