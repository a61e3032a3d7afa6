"""Numbers, percentages and times the way Vietnamese readers expect them (Babel).

vi: 1.234.567 and 98,6% and 14:05 25/11/2026; en: 1,234,567 and 98.6% and 14:05 25/11/2026.
Times are stored in UTC and always shown in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import datetime as dt
import time

from babel.numbers import format_decimal

from metrics.timebuckets import LOCAL_TZ

LOCALES = {"vi": "vi_VN", "en": "en_GB"}


def number(value: float | None, decimals: int = 0, lang: str = "vi") -> str:
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def percent(value: float | None, decimals: int = 1, lang: str = "vi") -> str:
    return "—" if value is None else f"{number(value, decimals, lang)}%"


def signed(value: float | None, decimals: int = 1, lang: str = "vi", suffix: str = "") -> str:
    if value is None:
        return ""
    if round(value, decimals) == 0:
        return f"±{number(0, decimals, lang)}{suffix}"
    sign = "+" if value > 0 else "−"
    return f"{sign}{number(abs(value), decimals, lang)}{suffix}"


def when(seconds: float | None) -> str:
    """Local time and date: 14:05 25/11/2026."""
    if seconds is None:
        return "—"
    return dt.datetime.fromtimestamp(seconds, LOCAL_TZ).strftime("%H:%M %d/%m/%Y")


def local(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, LOCAL_TZ)


def local_date(seconds: float) -> dt.date:
    return dt.datetime.fromtimestamp(seconds, LOCAL_TZ).date()


def date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def age(seconds: float | None, lang: str = "vi", now: float | None = None) -> str:
    """How long ago, coarsely: '3 phút trước', '2 giờ trước', '5 ngày trước'."""
    if seconds is None:
        return "—"
    elapsed = max(0.0, (now or time.time()) - seconds)
    for size, vi, en in ((86400, "ngày", "d"), (3600, "giờ", "h"), (60, "phút", "min")):
        if elapsed >= size:
            count = int(elapsed // size)
            return f"{count} {vi} trước" if lang == "vi" else f"{count} {en} ago"
    return f"{int(elapsed)} giây trước" if lang == "vi" else f"{int(elapsed)} s ago"


def duration(seconds: float | None, lang: str = "vi") -> str:
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{number(seconds * 1000, 0, lang)} ms"
    return f"{number(seconds, 1 if seconds < 10 else 0, lang)} s"
