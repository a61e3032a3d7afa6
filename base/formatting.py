"""Numbers, percentages, times and ages the way the reader writes them (Babel).

vi: 1.234.567 and 98,6% and 14:05 25/11/2026; en: 1,234,567 and 98.6% and 14:05 25/11/2026.
Times are stored in UTC and shown in local time (base/localtime.py). Every function words in
the current language (base/i18n.py) unless it is given one.
"""

from __future__ import annotations

import datetime as dt
import time
import unicodedata

from babel.numbers import format_decimal

from base import i18n, localtime
from base.i18n import _

LOCALES = {"vi": "vi_VN", "en": "en_GB"}
MISSING = "—"


def _locale(lang: str | None) -> str:
    return LOCALES[lang or i18n.current()]


def number(value: float | None, decimals: int = 0, lang: str | None = None) -> str:
    if value is None:
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_locale(lang))


def plain(value: float, lang: str | None = None) -> str:
    """A number with as many decimals as it has, up to three: 4 · 0,5 · 10.000.000. A number
    beyond Babel's decimal precision (a forged id of 30 digits) is written as Python writes it."""
    try:
        return format_decimal(value, format="#,##0.###", locale=_locale(lang))
    except ArithmeticError:  # decimal.InvalidOperation: more digits than the context holds
        return str(value)


def percent(value: float | None, decimals: int = 1, lang: str | None = None) -> str:
    return MISSING if value is None else f"{number(value, decimals, lang)}%"


def signed(value: float | None, decimals: int = 1, lang: str | None = None, suffix: str = "") -> str:
    if value is None:
        return ""
    if round(value, decimals) == 0:
        return f"±{number(0, decimals, lang)}{suffix}"
    sign = "+" if value > 0 else "−"
    return f"{sign}{number(abs(value), decimals, lang)}{suffix}"


def when(moment: float | None, with_seconds: bool = False) -> str:
    """Local time and date: 14:05 25/11/2026 (14:05:09 25/11/2026 with seconds)."""
    if moment is None:
        return MISSING
    return localtime.local(moment).strftime("%H:%M:%S %d/%m/%Y" if with_seconds else "%H:%M %d/%m/%Y")


def date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def day(moment: float) -> str:
    """The local date of a moment: 25/11/2026."""
    return date(localtime.local_date(moment))


def age(moment: float | None, lang: str | None = None, now: float | None = None) -> str:
    """How long ago, coarsely: '3 phút trước', '2 giờ trước', '5 ngày trước'."""
    if moment is None:
        return MISSING
    with i18n.language(lang or i18n.current()):
        elapsed = max(0.0, (now or time.time()) - moment)
        if elapsed >= 86400:
            return _("{n} d ago").format(n=number(elapsed // 86400))
        if elapsed >= 3600:
            return _("{n} h ago").format(n=number(elapsed // 3600))
        if elapsed >= 60:
            return _("{n} min ago").format(n=number(elapsed // 60))
        return _("{n} s ago").format(n=number(int(elapsed)))


def duration(seconds: float | None, lang: str | None = None) -> str:
    if seconds is None:
        return MISSING
    if seconds < 1:
        return f"{number(seconds * 1000, 0, lang)} ms"
    return f"{number(seconds, 1 if seconds < 10 else 0, lang)} s"


def nfc(text: str) -> str:
    """Composed Unicode: decomposed marks (NFD, from some Excel and macOS sources) print misplaced."""
    return unicodedata.normalize("NFC", text)
