"""Project 06: each task's target, actual, rule, deadline and trend."""

from __future__ import annotations

from dash import dcc, html
from plotly.subplots import make_subplots

from dashboards import format as fmt
from dashboards.components import chart, downloads, freshness_line, picker, section, week_of, week_picker, with_filters
from dashboards.text import t
from dashboards.theme import LIGHT, TEMPLATE, status_colour
from metrics.timebuckets import iso_week_label

PATH = "/de-an-06"
NAME = "nav_project06"


def render(reader, lang: str = "vi", query: dict | None = None) -> list:
    snap = reader.snapshot(week_of(query))
    catalogue = reader.config.catalogue
    chosen = (query or {}).get("unit", "")
    owners = list(dict.fromkeys(task.owner for task in snap.tasks))
    tasks = [task for task in snap.tasks if not chosen or task.owner == chosen]
    units = picker(
        [(t("all_units", lang), with_filters(PATH, query, unit=""), "")]
        + [(code, with_filters(PATH, query, unit=code), code) for code in owners],
        chosen,
        "p06-unit",
    )
    rows = []
    for task in tasks:
        status = html.Span(t(f"status_{task.status}", lang), className=f"badge badge-{status_colour(task.status)}")
        sla = (
            f"{t('within', lang)} {fmt.number(task.sla_hours, 0, lang)} {t('hours', lang)}: " if task.sla_hours else ""
        )
        rows.append(
            html.Tr(
                [
                    html.Td(
                        [
                            html.Div(task.name_vi if lang == "vi" else task.name_en, className="name"),
                            html.Div(catalogue.tasks[task.code].rule(lang), className="rule"),
                        ]
                    ),
                    html.Td(
                        dcc.Link(catalogue.units[task.owner].code, href=with_filters(PATH, query, unit=task.owner)),
                        title=catalogue.units[task.owner].name(lang),
                    ),
                    html.Td(fmt.percent(task.actual.target, 0, lang), className="num"),
                    html.Td(
                        [
                            html.Div(fmt.percent(task.actual.value, 1, lang), className="num big"),
                            html.Div(
                                sla
                                + f"{fmt.number(task.numerator, 0, lang)} / {fmt.number(task.denominator, 0, lang)}",
                                className="small",
                            ),
                        ]
                    ),
                    html.Td(fmt.signed(task.actual.change, 1, lang), className="num"),
                    html.Td(fmt.date(task.deadline)),
                    html.Td(status),
                    html.Td(freshness_line(task.actual.freshness, lang)),
                ],
                className=f"task task-{task.status}",
                id=f"task-{task.code}",
            )
        )
    header = [
        t("task", lang),
        t("owner", lang),
        t("target", lang),
        t("actual_sla", lang),
        t("vs_last_week", lang),
        t("deadline", lang),
        t("status", lang),
        t("as_of", lang),
    ]
    table = html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(rows)], className="grid", id="project06-tasks"
    )

    today = fmt.local_date(snap.built_at)
    attention = [task for task in tasks if task.status in ("overdue", "at_risk")]
    attention_items = [
        html.Li(
            [
                html.Span(
                    t(f"status_{task.status}", lang),
                    className=f"alert-kind alert-{'red' if task.status == 'overdue' else 'amber'}",
                ),
                html.Span(task.name_vi if lang == "vi" else task.name_en, className="alert-subject"),
                html.Span(
                    f"{fmt.signed(task.gap, 1, lang, ' điểm %' if lang == 'vi' else ' pp')} · "
                    + (
                        f"{t('overdue_by', lang)} {(today - task.deadline).days} {t('days', lang)}"
                        if task.status == "overdue"
                        else f"{t('days_left', lang)} {(task.deadline - today).days} {t('days', lang)}"
                    ),
                    className="alert-detail",
                ),
            ]
        )
        for task in attention
    ]

    columns = 4
    rows_n = max(1, (len(tasks) + columns - 1) // columns)
    figure = make_subplots(
        rows=rows_n,
        cols=columns,
        subplot_titles=[_short(task.name_vi if lang == "vi" else task.name_en) for task in tasks],
        vertical_spacing=0.18 if rows_n > 1 else 0.1,
    )
    for index, task in enumerate(tasks):
        r, c = index // columns + 1, index % columns + 1
        points = [(iso_week_label(w), v) for w, v in task.trend if v is not None]
        figure.add_scatter(
            x=[p[0] for p in points],
            y=[p[1] for p in points],
            mode="lines",
            row=r,
            col=c,
            line={"color": LIGHT[status_colour(task.status)], "width": 2},
            showlegend=index == 0,
            name=t("actual", lang),
            legendgroup="actual",
            hovertemplate="%{x}: %{y:.1f}%<extra></extra>",
        )
        figure.add_scatter(
            x=[iso_week_label(w) for w, _ in task.plan],
            y=[v for _, v in task.plan],
            mode="lines",
            row=r,
            col=c,
            line={"color": "#5b6475", "width": 1.5, "dash": "dot"},
            showlegend=index == 0,
            name=t("plan", lang),
            legendgroup="plan",
            hovertemplate="%{x}: %{y:.1f}%<extra></extra>",
        )
        figure.update_yaxes(range=[0, 105], ticksuffix="%", row=r, col=c)
        figure.update_xaxes(showticklabels=False, row=r, col=c)
    figure.update_layout(template=TEMPLATE, margin={"t": 40})
    figure.update_annotations(font_size=13)
    return [
        units,
        week_picker(snap, PATH, query, lang),
        section(
            t("nav_project06", lang),
            table,
            freshness_line(snap.project06.freshness, lang),
            downloads("de-an-06", lang, query),
        ),
        section(
            f"{t('needs_attention', lang)} ({len(attention)})",
            html.Ul(attention_items or [html.Li(t("no_alerts", lang))], className="alerts", id="project06-attention"),
        ),
        section(t("plan_vs_actual", lang), chart(figure, "project06-trend", 300 * rows_n), note=t("plan_note", lang)),
    ]


def _short(name: str, limit: int = 42) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"
