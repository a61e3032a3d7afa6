"""The provinces, a dimension of every series: their codes and names come from the
`vietnam-provinces` package (the 34 provinces and cities since the 2025 merger), not typed here.

A series of one province carries the label "tinh=<code>" (two digits, as the General Statistics
Office numbers them); a series without it is a figure of the whole unit.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from vietnam_provinces import Province as _Division

from base import i18n

LABEL = "tinh"


@dataclass(frozen=True)
class Province:
    code: str  # "01" Hà Nội … "96" Cà Mau
    name_vi: str  # "Thành phố Hà Nội"
    short_vi: str  # "Hà Nội": for charts and pickers
    city: bool  # a centrally governed city (thành phố trực thuộc trung ương)

    @property
    def label(self) -> str:
        return f"{LABEL}={self.code}"

    def name(self, lang: str | None = None) -> str:
        """ "Thành phố Hà Nội"; in English "Ha Noi City", "Cao Bang Province" (written without
        diacritics, as English texts of the ministry write place names)."""
        if (lang or i18n.current()) == "vi":
            return self.name_vi
        return f"{_plain(self.short_vi)} {'City' if self.city else 'Province'}"

    def short_name(self, lang: str | None = None) -> str:
        return self.short_vi if (lang or i18n.current()) == "vi" else _plain(self.short_vi)


def _plain(text: str) -> str:
    """Vietnamese without diacritics: "Hồ Chí Minh" → "Ho Chi Minh"."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D")


def _short(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


@cache
def provinces() -> dict[str, Province]:
    """Every province by code, in the official order."""
    divisions = sorted(_Division.iter_all(), key=lambda d: int(d.code))
    return {
        f"{int(d.code):02d}": Province(
            f"{int(d.code):02d}", d.name, _short(d.name), d.division_type.name == "THANH_PHO_TRUNG_UONG"
        )
        for d in divisions
    }


def label_of(code: str) -> str:
    """The series label of a province code ("" for none); KeyError for an unknown code."""
    return provinces()[code].label if code else ""


def code_of(labels: str) -> str:
    """The province code in a series' labels, "" when the series is not one province's."""
    for part in labels.split(","):
        key, _, value = part.partition("=")
        if key == LABEL:
            return value
    return ""
