"""Project 06: each task's target, actual, rule, deadline and trend."""
from __future__ import annotations

from plotly.subplots import make_subplots
from dash import html

from dashboards import format as fmt
from dashboards.components import chart, downloads, freshness_line, section
from dashboards.text import t
from dashboards.theme import LIGHT, TEMPLATE, status_colour
from metrics.timebuckets import iso_week_label

PATH = "/de-an-06"
NAME = "nav_project06"


def render(reader, lang: str = "vi") -> list:
    snap = reader.snapshot()
    catalogue = reader.config.catalogue
    rows = []
    for task in snap.tasks:
        status = html.Span(t(f"status_{task.status}", lang), className=f"badge badge-{status_colour(task.status)}")
        rows.append(html.Tr([
            html.Td([html.Div(task.name_vi if lang == "vi" else task.name_en, className="name"),
                     html.Div(catalogue.tasks[task.code].rule(lang), className="rule")]),
            html.Td(catalogue.units[task.owner].name(lang)),
            html.Td(fmt.percent(task.actual.target, 0, lang), className="num"),
            html.Td([html.Div(fmt.percent(task.actual.value, 1, lang), className="num big"),
                     html.Div(f"{fmt.number(task.numerator, 0, lang)} / {fmt.number(task.denominator, 0, lang)}", className="small")]),
            html.Td(fmt.signed(task.actual.change, 1, lang), className="num"),
            html.Td(fmt.date(task.deadline)),
            html.Td(status),
            html.Td(freshness_line(task.actual.freshness, lang)),
        ], className=f"task task-{task.status}"))
    header = [t("task", lang), t("owner", lang), t("target", lang), t("actual", lang), t("vs_last_week", lang),
              t("deadline", lang), t("status", lang), t("as_of", lang)]
    table = html.Table([html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(rows)], className="grid", id="project06-tasks")

    columns = 4
    rows_n = (len(snap.tasks) + columns - 1) // columns
    figure = make_subplots(rows=rows_n, cols=columns, subplot_titles=[_short(task.name_vi if lang == "vi" else task.name_en) for task in snap.tasks],
                           vertical_spacing=0.18)
    for index, task in enumerate(snap.tasks):
        r, c = index // columns + 1, index % columns + 1
        points = [(iso_week_label(w), v) for w, v in task.trend if v is not None]
        figure.add_scatter(x=[p[0] for p in points], y=[p[1] for p in points], mode="lines", row=r, col=c,
                           line={"color": LIGHT[status_colour(task.status)], "width": 2}, showlegend=False,
                           hovertemplate="%{x}: %{y:.1f}%<extra></extra>")
        figure.add_hline(y=task.actual.target, line={"dash": "dot", "color": "#5b6475"}, row=r, col=c)
        figure.update_yaxes(range=[0, 105], ticksuffix="%", row=r, col=c)
        figure.update_xaxes(showticklabels=False, row=r, col=c)
    figure.update_layout(template=TEMPLATE, margin={"t": 40})
    figure.update_annotations(font_size=13)
    return [html.Div(f"{t('week', lang)} {snap.week_label} ({t('to_date', lang)})", className="week-label"),
            section(t("nav_project06", lang), table, freshness_line(snap.project06.freshness, lang), downloads("de-an-06", lang)),
            section(t("trend_26w", lang), chart(figure, "project06-trend", 300 * rows_n))]


def _short(name: str, limit: int = 42) -> str:
    return name if len(name) <= limit else name[:limit - 1].rstrip() + "…"
