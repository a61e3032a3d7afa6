"""Reading times and numbers the way unit systems write them (Vietnamese conventions included)."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Any

from base import localtime

_VI_NUMBER = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$|^[+-]?\d+,\d+$")


def parse_time(value: Any, time_format: str = "iso") -> dt.datetime | Any:
    """A timezone-aware datetime, or the value unchanged when it cannot be read (validation
    then quarantines the record with the reason)."""
    try:
        if isinstance(value, dt.datetime):
            moment = value
        elif isinstance(value, dt.date):
            moment = dt.datetime.combine(value, dt.time())
        elif time_format in ("epoch", "epoch_ms") and isinstance(value, (int, float)) and math.isfinite(value):
            return dt.datetime.fromtimestamp(value / (1000 if time_format == "epoch_ms" else 1), dt.UTC)
        elif isinstance(value, str) and time_format == "iso":
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        elif isinstance(value, str):
            moment = dt.datetime.strptime(value.strip(), time_format)
        else:
            return value
    except (ValueError, OverflowError, OSError):
        return value
    return moment if moment.tzinfo else moment.replace(tzinfo=localtime.zone())  # a time without a zone is local time


def parse_number(value: Any) -> float | Any:
    """98,6 and 1.234.567 (Vietnamese), 98.6 and 1234567; the value unchanged when unreadable."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):  # PostgreSQL's numeric (sum, avg) comes as Decimal
        return float(value)
    if not isinstance(value, str):
        return value
    text = value.strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
    if _VI_NUMBER.match(text):
        text = text.replace(".", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return value
