"""The provinces, a dimension of every series: their codes and names come from the
`vietnam-provinces` package (the 34 provinces and cities since the 2025 merger), not typed here.

A series of one province carries the label "tinh=<code>" (two digits, as the General Statistics
Office numbers them); a series without it is a figure of the whole unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from vietnam_provinces import Province as _Division

LABEL = "tinh"


@dataclass(frozen=True)
class Province:
    code: str  # "01" Hà Nội … "96" Cà Mau
    name: str  # "Thành phố Hà Nội": a name is the same in every language
    short_name: str  # "Hà Nội": for charts and tiles

    @property
    def label(self) -> str:
        return f"{LABEL}={self.code}"


def _short(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


@cache
def provinces() -> dict[str, Province]:
    """Every province by code, in the official order."""
    divisions = sorted(_Division.iter_all(), key=lambda d: int(d.code))
    return {f"{int(d.code):02d}": Province(f"{int(d.code):02d}", d.name, _short(d.name)) for d in divisions}


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
