"""What the read API answers and what it accepts, as pydantic models: the responses are built
from them and the OpenAPI document (dashboards/api/openapi.py) is generated from them, so the
two cannot drift apart.

Times are UTC in ISO 8601 ("2026-12-04T07:00:00Z"); figures are JSON numbers, null when there
is none; codes are the catalogue's.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from base.i18n import N_

Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$", description=N_("a code of the catalogue"))]
ProvinceCode = Annotated[str, Field(pattern=r"^[0-9]{2}$", description=N_("a province's two-digit code"))]
WeekLabel = Annotated[str, Field(pattern=r"^[0-9]{4}-W[0-9]{2}$", description=N_("an ISO week, local time: 2026-W48"))]
Cursor = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$", description=N_("the `next` of the previous page"))]


class Out(BaseModel):
    """A response body: exactly these fields (additionalProperties false in the document)."""

    model_config = ConfigDict(extra="forbid")


class Query(BaseModel):
    """A call's query parameters: an unknown one is refused, not ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# -- the catalogue -------------------------------------------------------------------------------


class UnitOut(Out):
    code: str
    name_vi: str
    name_en: str


class ProvinceOut(Out):
    code: str = Field(description=N_("the province's two-digit code since the 2025 merger"))
    name_vi: str
    name_en: str


class DatabaseOut(Out):
    code: str
    name_vi: str
    name_en: str
    owner: str = Field(description=N_("the unit that keeps it"))
    records_target: int


class MetricOut(Out):
    code: str
    name_vi: str
    name_en: str
    unit_of_measure_vi: str
    unit_of_measure_en: str
    kind: Literal["count", "gauge"]
    bucket: Literal["day", "hour"] = Field(description=N_("how finely its samples are kept"))
    scope: Literal["unit", "database"]
    rollup: Literal["sum", "mean", "min", "max"] = Field(description=N_("how provinces' figures make the unit's"))
    min: float
    max: float


class IndicatorOut(Out):
    code: str
    name_vi: str
    name_en: str
    group: str
    numerator: str = Field(description=N_("the metric counted"))
    denominator: str = Field(description=N_("the metric it is counted against"))
    target: float = Field(description=N_("percent"))
    formula_vi: str
    formula_en: str


class TaskOut(Out):
    code: str
    name_vi: str
    name_en: str
    owner: str
    numerator: str
    denominator: str
    target: float = Field(description=N_("percent"))
    deadline: dt.date
    sla_hours: float | None


class UnitList(Out):
    items: list[UnitOut]


class ProvinceList(Out):
    items: list[ProvinceOut]


class DatabaseList(Out):
    items: list[DatabaseOut]


class MetricList(Out):
    items: list[MetricOut]


class IndicatorList(Out):
    items: list[IndicatorOut]


class TaskList(Out):
    items: list[TaskOut]


# -- series and samples --------------------------------------------------------------------------


class LatestSample(Out):
    time: dt.datetime
    value: float


class SeriesOut(Out):
    id: int
    metric: str
    unit: str
    database: str | None = Field(description=N_("the database it measures, for a database's metric"))
    province: str | None = Field(description=N_("the province it covers; null: the whole unit"))
    source: str = Field(description=N_("the collection source that delivers it"))
    latest: LatestSample | None
    as_of: dt.datetime | None = Field(description=N_("the source's last successful collection"))
    stale: bool = Field(description=N_("the source has not delivered for longer than its schedule allows"))


class SeriesPage(Out):
    items: list[SeriesOut]
    next: str | None = Field(description=N_("the address of the next page; null on the last"))


class SamplePoint(Out):
    time: dt.datetime = Field(description=N_("the sample's time, or the start of its local day or ISO week"))
    value: float = Field(description=N_("the sample; a day's or week's total for a count, its last value for a gauge"))
    samples: int | None = Field(default=None, description=N_("samples in the day or week (null for raw samples)"))
    sum: float | None = None
    mean: float | None = None
    last_time: dt.datetime | None = Field(default=None, description=N_("the time of the period's last sample"))


class SamplesPage(Out):
    series: SeriesOut
    resolution: Literal["raw", "day", "week"]
    items: list[SamplePoint]
    next: str | None


class SampleOut(Out):
    series: int
    metric: str
    unit: str
    database: str | None
    province: str | None
    time: dt.datetime
    value: float


class SampleList(Out):
    items: list[SampleOut]
    next: str | None


class LatestOut(SampleOut):
    """A series' latest sample, with how current its source is."""

    as_of: dt.datetime | None
    stale: bool


class LatestPage(Out):
    items: list[LatestOut]
    next: str | None


# -- figures ---------------------------------------------------------------------------------


class IndicatorFigure(Out):
    code: str
    name_vi: str
    name_en: str
    target: float
    value: float | None = Field(description=N_("percent, recomputed from numerator and denominator"))
    previous: float | None = Field(description=N_("at the end of the week before"))
    by_unit: dict[str, float | None]
    as_of: dt.datetime | None
    stale: bool


class IndicatorFigures(Out):
    week: str
    province: str | None
    effectiveness: float | None = Field(description=N_("the public-service quality index (Decision 766), 0–100"))
    as_of: dt.datetime | None
    stale: bool
    items: list[IndicatorFigure]


class DatabaseScore(Out):
    code: str
    name_vi: str
    name_en: str
    owner: str
    stage: int | None
    score: float | None = Field(description=N_("0–100, the criteria weighted"))
    scores: dict[str, float | None] = Field(description=N_("each criterion's score, 0–100"))
    colour: Literal["green", "amber", "red", "none"]
    records: float | None
    records_target: int
    complete: bool
    as_of: dt.datetime | None
    stale: bool


class DatabaseScores(Out):
    week: str
    items: list[DatabaseScore]


class TaskProgress(Out):
    code: str
    name_vi: str
    name_en: str
    owner: str
    deadline: dt.date
    target: float
    numerator: float | None
    denominator: float | None
    value: float | None = Field(description=N_("percent done"))
    status: Literal["met", "on_track", "at_risk", "overdue", "no_data"]
    as_of: dt.datetime | None
    stale: bool


class Project06Progress(Out):
    week: str
    province: str | None
    items: list[TaskProgress]


class DataValue(Out):
    """One value of DHIS2's dataValueSets (codes as identifiers)."""

    dataElement: str = Field(description=N_("the indicator's code"))
    period: str = Field(description=N_("DHIS2's weekly period: 2026W48"))
    orgUnit: str = Field(description=N_("BYT (the ministry), a unit's code or a province's code"))
    value: str = Field(description=N_("the rate in percent, as DHIS2 takes it (text)"))
    lastUpdated: dt.datetime | None
    comment: str | None = None


class DataValueSet(Out):
    period: str
    dataValues: list[DataValue]


class ProblemOut(Out):
    """RFC 9457."""

    type: str
    title: str
    status: int
    detail: str
    instance: str


# -- what a call may ask -----------------------------------------------------------------------


class Paging(Query):
    cursor: Cursor | None = None
    limit: int | None = Field(default=None, ge=1, description=N_("items in the page"))


class SeriesQuery(Paging):
    metric: Code | None = None
    unit: Code | None = None
    province: ProvinceCode | None = None
    database: Code | None = None


class SamplesQuery(Paging):
    since: AwareDatetime | None = Field(
        default=None, alias="from", description=N_("from this time on (RFC 3339, with its offset)")
    )
    until: AwareDatetime | None = Field(default=None, alias="to", description=N_("before this time"))
    resolution: Literal["raw", "day", "week"] = "raw"


class WindowQuery(SeriesQuery):
    since: AwareDatetime = Field(alias="from", description=N_("from this time on (RFC 3339, with its offset)"))
    until: AwareDatetime | None = Field(default=None, alias="to", description=N_("before this time; now when absent"))


class FiguresQuery(Query):
    week: WeekLabel | None = Field(default=None, description=N_("a past week; the running one when absent"))
    province: ProvinceCode | None = None


class WeekQuery(Query):
    week: WeekLabel | None = Field(default=None, description=N_("a past week; the running one when absent"))


class NoQuery(Query):
    pass
