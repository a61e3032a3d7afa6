"""Local time: the zone every time is shown in, and every day and ISO week is counted in.

One module owns it. The zone is the `timezone` setting ([app] in config/settings.toml,
Asia/Ho_Chi_Minh by default), set once by the start-up (configure). Local days, hours and
weeks are integer arithmetic on UTC epoch seconds with the zone's offset, so SQL on SQLite and
PostgreSQL buckets them the same way; that needs an offset that never changes, so a zone with
daylight saving is refused (Vietnam has had none since 1975).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

HOUR, DAY, WEEK = 3600, 86400, 7 * 86400
# 1970-01-01 was a Thursday: shifting by 3 days makes week buckets start on Monday.
MONDAY_SHIFT = 3 * DAY
DEFAULT_ZONE = "Asia/Ho_Chi_Minh"


def fixed_offset(name: str) -> tuple[ZoneInfo, int]:
    """The zone and its offset from UTC in seconds; ValueError for an unknown zone or one whose
    offset changes (daylight saving) in the years the IOC's data can cover."""
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{name}' (an IANA name such as {DEFAULT_ZONE})") from None
    offsets = {zone.utcoffset(dt.datetime(year, month, 15)) for year in range(1990, 2051) for month in (1, 4, 7, 10)}
    if len(offsets) != 1:
        raise ValueError(
            f"time zone '{name}' changes its offset from UTC (daylight saving): local days and weeks "
            "need a fixed offset"
        )
    return zone, int(offsets.pop().total_seconds())  # type: ignore[union-attr]


_zone, _offset = fixed_offset(DEFAULT_ZONE)


def configure(name: str) -> None:
    """Use this zone for every local time from now on (the start-up calls it with the setting)."""
    global _zone, _offset
    _zone, _offset = fixed_offset(name)


def zone() -> ZoneInfo:
    return _zone


def offset() -> int:
    """The zone's offset from UTC in seconds (25200 for Asia/Ho_Chi_Minh)."""
    return _offset


def bucket_start(moment: dt.datetime | int | float, bucket: str) -> int:
    """Start (epoch seconds) of the local day or the hour containing moment."""
    seconds = int(moment.timestamp()) if isinstance(moment, dt.datetime) else int(moment)
    if bucket == "hour":
        return seconds - seconds % HOUR
    shifted = seconds + _offset
    return shifted - shifted % DAY - _offset


def week_start(moment: dt.datetime | int | float) -> int:
    """Start (epoch seconds, UTC) of the ISO week, in local time, containing moment."""
    seconds = int(moment.timestamp()) if isinstance(moment, dt.datetime) else int(moment)
    shifted = seconds + _offset + MONDAY_SHIFT
    return shifted - shifted % WEEK - _offset - MONDAY_SHIFT


def week_shift() -> int:
    """What SQL adds to epoch seconds before flooring to WEEK to get local ISO weeks."""
    return _offset + MONDAY_SHIFT


def last_full_week(now: float) -> int:
    """The week that ended most recently (the one a Monday-morning briefing covers)."""
    return week_start(now) - WEEK


def local(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, _zone)


def wall_clock(seconds: float) -> dt.datetime:
    """Local time without its zone, as printed: what a spreadsheet stores (Excel has no time zones)."""
    return local(seconds).replace(tzinfo=None)


def local_date(seconds: float) -> dt.date:
    return local(seconds).date()


def now_local() -> dt.datetime:
    return dt.datetime.now(_zone)


def midnight(day: dt.date) -> int:
    """Local midnight at the start of day, in epoch seconds."""
    return int(dt.datetime.combine(day, dt.time(), _zone).timestamp())


def iso_week_label(week_start_seconds: int) -> str:
    year, week, _ = local(week_start_seconds).isocalendar()
    return f"{year}-W{week:02d}"


def parse_week_label(label: str) -> int | None:
    """'2026-W47' → its local Monday 00:00 in epoch seconds; None when it is not such a label."""
    year, separator, week = label.partition("-W")
    if not separator or not (year.isdigit() and week.isdigit()) or len(year) != 4 or len(week) != 2:
        return None
    try:
        return midnight(dt.date.fromisocalendar(int(year), int(week), 1))
    except ValueError:
        return None
