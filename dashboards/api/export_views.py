"""The indicators in the forms open-data portals and health information systems take:

- CSV (UTF-8 with a BOM, so Excel reads it; decimal point, ISO 8601 times) with a data
  dictionary (another CSV: every column's type, unit and meaning in Vietnamese and English);
- DHIS2's `dataValueSets` JSON, which a DHIS2 instance imports as it is
  (`POST /api/dataValueSets?dataElementIdScheme=CODE&orgUnitIdScheme=CODE`).

DHIS2 rather than SDMX-JSON: DHIS2 is the health sector's own system (the ministries of health
that run one exchange aggregate data this way, and WHO's packages are DHIS2 metadata), its
format is a flat list any instance imports with codes as identifiers, while SDMX-JSON means
nothing without a data structure definition and code lists published in an SDMX registry,
which the ministry does not run.

Both are made from the indicators' JSON answer (figure_views.indicators): the same figures,
the same scope rules.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from base.i18n import N_, _, language
from dashboards.api import figure_views
from dashboards.api import models as m
from dashboards.api.calls import Call

MINISTRY = "BYT"  # the Ministry of Health's own code as an organisation unit


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # string | number | boolean | date-time
    description: str  # an English msgid: the dictionary gives it in Vietnamese and English
    unit: str = ""


INDICATOR_COLUMNS = [
    Column("week", "string", N_("ISO week in Vietnam's time (2026-W48)")),
    Column("province", "string", N_("the province's two-digit code; empty: the whole country")),
    Column("org_unit", "string", N_("whose figure: BYT (the ministry) or a unit's code")),
    Column("indicator", "string", N_("the indicator's code (/api/v1/catalogue/indicators)")),
    Column("indicator_name_vi", "string", N_("the indicator's name in Vietnamese")),
    Column("indicator_name_en", "string", N_("the indicator's name in English")),
    Column("value", "number", N_("the rate, recomputed from its numerator and denominator"), "%"),
    Column("target", "number", N_("the rate to reach"), "%"),
    Column("as_of", "date-time", N_("UTC, ISO 8601: the time of the newest data behind the figure")),
    Column("stale", "boolean", N_("true when a source behind the figure has stopped delivering")),
]


def _csv(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat().replace("+00:00", "Z")
    return value


def indicators_csv(call: Call) -> bytes:
    figures = figure_views.indicators(call)
    rows: list[list[object]] = [[c.name for c in INDICATOR_COLUMNS]]
    for item in figures.items:
        whose = [(MINISTRY, item.value)] + [(unit, value) for unit, value in item.by_unit.items() if value is not None]
        for org_unit, value in whose:
            row = [figures.week, figures.province, org_unit, item.code, item.name_vi, item.name_en, value]
            rows.append([_cell(v) for v in [*row, item.target, item.as_of, item.stale]])
    return _csv(rows)


def data_dictionary(call: Call) -> bytes:
    rows: list[list[object]] = [["dataset", "column", "type", "unit", "description_vi", "description_en"]]
    for column in INDICATOR_COLUMNS:
        with language("vi"):
            vietnamese = _(column.description)
        with language("en"):
            english = _(column.description)
        rows.append(["indicators.csv", column.name, column.kind, column.unit, vietnamese, english])
    return _csv(rows)


def data_value_set(call: Call) -> m.DataValueSet:
    figures = figure_views.indicators(call)
    period = figures.week.replace("-", "")  # DHIS2's weekly period: 2026W48
    values = []
    for item in figures.items:
        # A province's figure is the province's; the units' figures are the country's only.
        whose = [(figures.province or MINISTRY, item.value)]
        if figures.province is None:
            whose += [(unit, value) for unit, value in item.by_unit.items() if value is not None]
        for org_unit, value in whose:
            if value is None:
                continue
            values.append(
                m.DataValue(
                    dataElement=item.code,
                    period=period,
                    orgUnit=org_unit,
                    value=f"{value:.4f}".rstrip("0").rstrip("."),
                    lastUpdated=item.as_of,
                    comment="stale" if item.stale else None,
                )
            )
    return m.DataValueSet(period=period, dataValues=values)
