"""Every endpoint of the read API, declared once: its path, what it accepts, what it answers
and the function that answers. The Flask routes and the OpenAPI document are both made from
this list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from base.i18n import N_
from dashboards.api import catalogue_views, export_views, figure_views, series_views
from dashboards.api import models as m
from dashboards.api.calls import Call


@dataclass(frozen=True)
class Endpoint:
    path: str  # Flask's rule, under /api/v1
    name: str  # the operationId
    tag: str
    summary: str  # an English msgid: the reference page shows it in the reader's language
    query: type[m.Query]
    response: type[m.Out] | None  # None: not JSON (media_type says what)
    answer: Callable[[Call], m.Out | bytes]
    paged: bool = False
    media_type: str = "application/json"

    @property
    def openapi_path(self) -> str:
        """/series/<int(...):series_id> → /series/{series_id}"""
        parts = []
        for part in self.path.split("/"):
            if part.startswith("<"):
                part = "{" + part.strip("<>").split(":")[-1] + "}"
            parts.append(part)
        return "/".join(parts)

    @property
    def path_parameters(self) -> list[str]:
        return [p.strip("<>").split(":")[-1] for p in self.path.split("/") if p.startswith("<")]


SERIES_ID = "<int(max=2147483647):series_id>"
CATALOGUE, SERIES, FIGURES, EXPORTS = "catalogue", "series", "figures", "exports"
CSV = "text/csv"

ENDPOINTS: list[Endpoint] = [
    Endpoint("/catalogue/units", "listUnits", CATALOGUE, N_("The units"), m.NoQuery, m.UnitList, catalogue_views.units),
    Endpoint(
        "/catalogue/provinces",
        "listProvinces",
        CATALOGUE,
        N_("The 34 provinces and their codes"),
        m.NoQuery,
        m.ProvinceList,
        catalogue_views.province_list,
    ),
    Endpoint(
        "/catalogue/databases",
        "listDatabases",
        CATALOGUE,
        N_("The key specialised databases"),
        m.NoQuery,
        m.DatabaseList,
        catalogue_views.databases,
    ),
    Endpoint(
        "/catalogue/metrics",
        "listMetrics",
        CATALOGUE,
        N_("The metrics collected, and how each rolls up"),
        m.NoQuery,
        m.MetricList,
        catalogue_views.metrics,
    ),
    Endpoint(
        "/catalogue/indicators",
        "listIndicators",
        CATALOGUE,
        N_("The public-service quality indicators (Decision 766)"),
        m.NoQuery,
        m.IndicatorList,
        catalogue_views.indicators,
    ),
    Endpoint(
        "/catalogue/tasks",
        "listTasks",
        CATALOGUE,
        N_("Project 06's tasks"),
        m.NoQuery,
        m.TaskList,
        catalogue_views.tasks,
    ),
    Endpoint(
        "/series",
        "listSeries",
        SERIES,
        N_("Series, with their latest sample, a page at a time"),
        m.SeriesQuery,
        m.SeriesPage,
        series_views.series,
        paged=True,
    ),
    Endpoint(
        f"/series/{SERIES_ID}",
        "getSeries",
        SERIES,
        N_("One series"),
        m.NoQuery,
        m.SeriesOut,
        series_views.one_series,
    ),
    Endpoint(
        f"/series/{SERIES_ID}/samples",
        "listSamples",
        SERIES,
        N_("One series' samples, raw or by day or week, a page at a time"),
        m.SamplesQuery,
        m.SamplesPage,
        series_views.samples,
        paged=True,
    ),
    Endpoint(
        "/samples",
        "listWindowSamples",
        SERIES,
        N_("Every sample of the chosen series in a window of time, a page at a time"),
        m.WindowQuery,
        m.SampleList,
        series_views.window_samples,
        paged=True,
    ),
    Endpoint(
        "/latest",
        "listLatest",
        SERIES,
        N_("The latest value of every series, a page at a time"),
        m.SeriesQuery,
        m.LatestPage,
        series_views.latest,
        paged=True,
    ),
    Endpoint(
        "/indicators",
        "getIndicatorFigures",
        FIGURES,
        N_("The indicators' rates and the effectiveness index of a week"),
        m.FiguresQuery,
        m.IndicatorFigures,
        figure_views.indicators,
    ),
    Endpoint(
        "/databases",
        "getDatabaseScores",
        FIGURES,
        N_("The databases' scores on the six criteria of a week"),
        m.WeekQuery,
        m.DatabaseScores,
        figure_views.databases,
    ),
    Endpoint(
        "/project06",
        "getProject06Progress",
        FIGURES,
        N_("Project 06's progress, task by task, of a week"),
        m.FiguresQuery,
        m.Project06Progress,
        figure_views.project06,
    ),
    Endpoint(
        "/export/indicators.csv",
        "exportIndicatorsCsv",
        EXPORTS,
        N_("The indicators of a week as CSV, the ministry's and each unit's"),
        m.FiguresQuery,
        None,
        export_views.indicators_csv,
        media_type=CSV,
    ),
    Endpoint(
        "/export/data-dictionary.csv",
        "exportDataDictionary",
        EXPORTS,
        N_("The data dictionary of the CSV: each column's type, unit and meaning"),
        m.NoQuery,
        None,
        export_views.data_dictionary,
        media_type=CSV,
    ),
    Endpoint(
        "/export/dataValueSets.json",
        "exportDataValueSets",
        EXPORTS,
        N_("The indicators of a week as DHIS2 dataValueSets"),
        m.FiguresQuery,
        m.DataValueSet,
        export_views.data_value_set,
    ),
]
