"""Lineage: any figure opened to its series history, the source that delivered it and the
collection run that wrote its latest value (?metric=...&unit=...&database=...)."""

from __future__ import annotations

import time

import plotly.graph_objects as go
from dash import html

from dashboards import format as fmt
from dashboards.components import chart, downloads, section
from dashboards.text import t
from dashboards.theme import TEMPLATE
from metrics import health as health_reads
from metrics.series_reads import series_history

PATH = "/nguon-goc"
NAME = "nav_lineage"
HISTORY_DAYS = 182


def href(metric: str, unit: str = "", database: str = "") -> str:
    return f"{PATH}?metric={metric}&unit={unit}&database={database}"


def render(reader, lang: str = "vi", query: dict | None = None) -> list:
    query = query or {}
    catalogue = reader.config.catalogue
    metric = catalogue.metrics.get(query.get("metric", ""))
    database = query.get("database", "")
    unit = query.get("unit", "") or (catalogue.databases[database].owner if database in catalogue.databases else "")
    if metric is None or unit not in catalogue.units:
        return [html.P(t("lineage_pick", lang), className="note")]
    history = series_history(reader.store, metric.code, unit, database, time.time() - HISTORY_DAYS * 86400)
    title = " · ".join(
        x
        for x in (
            metric.name(lang),
            catalogue.units[unit].name(lang),
            catalogue.databases[database].name(lang) if database in catalogue.databases else "",
        )
        if x
    )
    if history.empty:
        return [html.H1(title, className="unit-name"), html.P(t("no_data", lang), className="note")]
    decimals = 0 if metric.kind == "count" else 1
    figure = go.Figure(layout={"template": TEMPLATE})
    figure.add_scatter(
        x=[fmt.local(ts) for ts in history["ts"]],
        y=history["value"],
        mode="lines",
        hovertemplate="%{x|%d/%m/%Y %H:%M}: %{y}<extra></extra>",
    )
    last = history.iloc[-1]
    run = health_reads.collection_run(reader.store, int(last["run_id"]))
    source_health = reader.snapshot().health.get(last["source_id"])
    source_rows = [
        (t("source", lang), last["source_id"]),
        ("Loại" if lang == "vi" else "Kind", source_health.kind if source_health else "—"),
        (t("state", lang), t(f"state_{source_health.state}", lang) if source_health else "—"),
        (t("last_success", lang), fmt.when(source_health.last_live_success) if source_health else "—"),
    ]
    run_rows = [("Lần thu" if lang == "vi" else "Run", f"#{run['id']}" if run else "—")]
    if run:
        run_rows += [
            (t("started", lang), fmt.when(run["started_at"])),
            (t("status", lang), run["status"]),
            (t("duration", lang), fmt.duration((run["finished_at"] or run["started_at"]) - run["started_at"], lang)),
            (t("rows", lang), fmt.number(run["rows_written"], 0, lang)),
            (t("quarantine", lang), fmt.number(run["rows_rejected"], 0, lang)),
            (
                "Khoảng thu" if lang == "vi" else "Window",
                f"{fmt.when(run['window_start'])} – {fmt.when(run['window_end'])}",
            ),
        ]

    def facts(rows, table_id):
        return html.Table(
            html.Tbody([html.Tr([html.Th(k), html.Td(v)]) for k, v in rows]), className="grid facts", id=table_id
        )

    recent = history.tail(20).iloc[::-1]
    sample_rows = [
        html.Tr(
            [
                html.Td(fmt.date(fmt.local_date(ts)) if metric.bucket == "day" else fmt.when(ts)),
                html.Td(fmt.number(value, decimals, lang), className="num"),
                html.Td(f"#{int(run_id)}"),
            ]
        )
        for ts, value, run_id in zip(recent["ts"], recent["value"], recent["run_id"])
    ]
    return [
        html.H1(title, className="unit-name", id="lineage-title"),
        html.P(
            f"{fmt.number(last['value'], decimals, lang)} {metric.unit_of_measure} · {t('as_of', lang)} "
            f"{fmt.when(run['finished_at'] if run else None)}",
            className="lineage-value",
            id="lineage-value",
        ),
        html.Div(
            [
                section(t("source", lang), facts(source_rows, "lineage-source")),
                section(
                    "Lần thu ghi giá trị gần nhất" if lang == "vi" else "Run that wrote the latest value",
                    facts(run_rows, "lineage-run"),
                ),
            ],
            className="two-columns",
        ),
        section(
            f"{t('trend_26w', lang).split('(')[0].strip()} — {metric.name(lang)}", chart(figure, "lineage-history", 300)
        ),
        section(
            "Giá trị gần đây" if lang == "vi" else "Recent values",
            html.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(t("period", lang)),
                                html.Th(t("value", lang)),
                                html.Th("Lần thu" if lang == "vi" else "Run"),
                            ]
                        )
                    ),
                    html.Tbody(sample_rows),
                ],
                className="grid",
                id="lineage-samples",
            ),
            downloads(
                "lich-su",
                lang,
                {"metric": metric.code, "unit": unit, "database": database},
                keys=("metric", "unit", "database"),
            ),
        ),
    ]  # the whole history, not only the rows shown
