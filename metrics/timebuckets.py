"""Local days, hours and ISO weeks as integer epoch seconds.

Asia/Ho_Chi_Minh is UTC+7 all year (no daylight saving), so local buckets are integer
arithmetic on UTC seconds and can be computed the same way in SQL on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL_OFFSET = 7 * 3600
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HOUR, DAY, WEEK = 3600, 86400, 7 * 86400
# 1970-01-01 was a Thursday: shifting by 3 days makes week buckets start on Monday.
MONDAY_SHIFT = 3 * DAY


def to_epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def bucket_start(moment: dt.datetime | int | float, bucket: str) -> int:
    """Start (epoch seconds) of the local day or the hour containing moment."""
    seconds = int(moment.timestamp()) if isinstance(moment, dt.datetime) else int(moment)
    if bucket == "hour":
        return seconds - seconds % HOUR
    local = seconds + LOCAL_OFFSET
    return local - local % DAY - LOCAL_OFFSET


def week_start(moment: dt.datetime | int | float) -> int:
    """Start (epoch seconds, UTC) of the ISO week, in local time, containing moment."""
    seconds = int(moment.timestamp()) if isinstance(moment, dt.datetime) else int(moment)
    shifted = seconds + LOCAL_OFFSET + MONDAY_SHIFT
    return shifted - shifted % WEEK - LOCAL_OFFSET - MONDAY_SHIFT


def last_full_week(now: float) -> int:
    """The week that ended most recently (the one a Monday-morning briefing covers)."""
    return week_start(now) - WEEK


def local(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, LOCAL_TZ)


def iso_week_label(week_start_seconds: int) -> str:
    year, week, _ = local(week_start_seconds).isocalendar()
    return f"{year}-W{week:02d}"
