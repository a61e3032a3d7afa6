"""Lineage: any figure opened to its series history, the source that delivered it and the
collection run that wrote its latest value (?metric=...&unit=...&database=...)."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import html

from base import formatting as fmt
from base import labels, localtime
from base.i18n import N_, _
from base.provinces import provinces
from dashboards import links, tables
from dashboards.components import as_of, chart, downloads, province_of, province_picker, section
from dashboards.page import Page, Query
from dashboards.reader import Reader
from dashboards.table import grid
from dashboards.theme import TEMPLATE

RECENT = 20  # values listed on the page; the download holds the whole history


def render(reader: Reader, query: Query) -> list:
    catalogue = reader.config.catalogue
    metric = catalogue.metrics.get(query.get("metric", ""))
    database = query.get("database", "")
    owner = catalogue.databases[database].owner if database in catalogue.databases else ""
    unit = query.get("unit", "") or owner
    if metric is None or unit not in catalogue.units:
        return [html.P(_("Open a figure (a table cell) to see where it came from."), className="note")]
    province = province_of(query)
    own = {"metric": metric.code, "unit": unit, "database": database, **({"tinh": province} if province else {})}
    history = reader.series_history(metric.code, unit, database, tables.LINEAGE_DAYS, province)
    names = [metric.name(), catalogue.units[unit].name()]
    if database in catalogue.databases:
        names.append(catalogue.databases[database].name())
    if province:
        names.append(provinces()[province].name())
    title = " · ".join(names)
    picker = province_picker(links.LINEAGE, own, keys=("metric", "unit", "database", "tinh"))
    if history.empty:
        rolled_up = not province and not reader.daily_history(metric.code, unit, database, tables.LINEAGE_DAYS).empty
        note = (
            _(
                "This figure is the provinces' figures rolled up: choose a province to see the samples and "
                "runs behind it."
            )
            if rolled_up
            else _("no data yet")
        )
        return [html.H1(title, className="unit-name"), picker, html.P(note, className="note", id="lineage-note")]
    decimals = 0 if metric.kind == "count" else 1
    figure = go.Figure(layout={"template": TEMPLATE})
    figure.add_scatter(
        x=[localtime.local(ts) for ts in history["ts"]],
        y=history["value"],
        mode="lines",
        hovertemplate="%{x|%d/%m/%Y %H:%M}: %{y}<extra></extra>",
    )
    last = history.iloc[-1]
    run = reader.collection_run(int(last["run_id"]))
    source = reader.snapshot().health.get(last["source_id"])
    source_rows = [
        (_("Source"), last["source_id"]),
        (_("Kind"), source.kind if source else fmt.MISSING),
        (_("State"), labels.label(labels.SOURCE_STATE, source.state) if source else fmt.MISSING),
        (_("Last success"), fmt.when(source.last_live_success) if source else fmt.MISSING),
    ]
    run_rows = [(_("Run"), f"#{run['id']}" if run else fmt.MISSING)]
    if run:
        run_rows += [
            (_("Started"), fmt.when(run["started_at"])),
            (_("Status"), labels.label(labels.RUN_STATUS, run["status"])),
            (_("Duration"), fmt.duration((run["finished_at"] or run["started_at"]) - run["started_at"])),
            (_("Rows"), fmt.number(run["rows_written"], 0)),
            (_("Quarantined"), fmt.number(run["rows_rejected"], 0)),
            (_("Window"), f"{fmt.when(run['window_start'])} – {fmt.when(run['window_end'])}"),
        ]

    def facts(rows: list[tuple[str, str]], table_id: str) -> html.Table:
        return html.Table(
            html.Tbody([html.Tr([html.Th(k), html.Td(v)]) for k, v in rows]), className="grid facts", id=table_id
        )

    recent = tables.history(reader, own, newest_first=True, limit=RECENT)
    return [
        html.H1(title, className="unit-name", id="lineage-title"),
        picker,
        html.P(
            f"{fmt.number(last['value'], decimals)} {metric.measure()} · " + as_of(run["finished_at"] if run else None),
            className="lineage-value",
            id="lineage-value",
        ),
        html.Div(
            [
                section(_("Source"), facts(source_rows, "lineage-source")),
                section(_("Run that wrote the latest value"), facts(run_rows, "lineage-run")),
            ],
            className="two-columns",
        ),
        section(_("26-week trend") + " — " + metric.name(), chart(figure, "lineage-history", 300)),
        section(
            _("Recent values"),
            grid(recent, "lineage-samples"),
            downloads("lich-su", own, keys=("metric", "unit", "database", "tinh")),  # the whole history
        ),
    ]


PAGE = Page("lineage", links.LINEAGE, N_("Lineage"), render, in_navigation=False)
