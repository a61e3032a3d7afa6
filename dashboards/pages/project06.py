"""Project 06: each task's target, actual, rule, deadline and trend, by lead unit (?unit=)."""

from __future__ import annotations

from dash import html
from plotly.subplots import make_subplots

from base import formatting as fmt
from base import labels, localtime
from base.i18n import N_, _, ngettext
from base.localtime import iso_week_label
from base.palette import LIGHT, MUTED
from dashboards import links, tables
from dashboards.components import (
    chart,
    downloads,
    freshness_line,
    picker,
    section,
    snapshot_of,
    week_picker,
    with_filters,
)
from dashboards.page import Page, Query
from dashboards.reader import Reader
from dashboards.table import grid
from dashboards.theme import TEMPLATE, status_colour
from metrics.read_models import TaskRow

COLUMNS = 4  # small charts per row


def render(reader: Reader, query: Query) -> list:
    snap = snapshot_of(reader, query)
    catalogue = reader.config.catalogue
    chosen = query.get("unit", "")
    owners = list(dict.fromkeys(task.owner for task in snap.tasks))
    tasks = [task for task in snap.tasks if not chosen or task.owner == chosen]
    units = picker(
        [(_("All"), with_filters(links.PROJECT06, query, unit=""), "")]
        + [(code, with_filters(links.PROJECT06, query, unit=code), code) for code in owners],
        chosen,
        "p06-unit",
    )
    today = localtime.local_date(snap.built_at)
    attention = [task for task in tasks if task.status in ("overdue", "at_risk")]
    attention_items = [
        html.Li(
            [
                html.Span(
                    labels.task_status(task.status),
                    className=f"alert-kind alert-{'red' if task.status == 'overdue' else 'amber'}",
                ),
                html.Span(catalogue.tasks[task.code].name(), className="alert-subject"),
                html.Span(_attention_detail(task, today), className="alert-detail"),
            ]
        )
        for task in attention
    ]
    return [
        units,
        week_picker(snap, links.PROJECT06, query),
        section(
            _("Project 06"),
            grid(tables.project06(reader, query), "project06-tasks"),
            freshness_line(snap.project06.freshness),
            downloads("de-an-06", query),
        ),
        section(
            _("Overdue and at risk ({n})").format(n=len(attention)),
            html.Ul(attention_items or [html.Li(_("No alerts"))], className="alerts", id="project06-attention"),
        ),
        section(
            _("Plan versus actual by week"),
            _trend_chart(reader, tasks),
            note=_(
                "Plan: a straight line from the first measured week to the target on the deadline "
                "(no official milestones)."
            ),
        ),
    ]


def _attention_detail(task: TaskRow, today) -> str:
    gap = _("{gap} pp").format(gap=fmt.signed(task.gap, 1))
    if task.status == "overdue":
        days = (today - task.deadline).days
        return f"{gap} · " + ngettext("overdue by {n} day", "overdue by {n} days", days).format(n=days)
    days = (task.deadline - today).days
    return f"{gap} · " + ngettext("{n} day left", "{n} days left", days).format(n=days)


def _trend_chart(reader: Reader, tasks: list[TaskRow]):
    catalogue = reader.config.catalogue
    rows = max(1, (len(tasks) + COLUMNS - 1) // COLUMNS)
    figure = make_subplots(
        rows=rows,
        cols=COLUMNS,
        subplot_titles=[_short(catalogue.tasks[task.code].name()) for task in tasks],
        vertical_spacing=0.18 if rows > 1 else 0.1,
    )
    for index, task in enumerate(tasks):
        r, c = index // COLUMNS + 1, index % COLUMNS + 1
        points = [(iso_week_label(w), v) for w, v in task.trend if v is not None]
        figure.add_scatter(
            x=[p[0] for p in points],
            y=[p[1] for p in points],
            mode="lines",
            row=r,
            col=c,
            line={"color": LIGHT[status_colour(task.status)], "width": 2},
            showlegend=index == 0,
            name=_("Actual"),
            legendgroup="actual",
            hovertemplate="%{x}: %{y:.1f}%<extra></extra>",
        )
        figure.add_scatter(
            x=[iso_week_label(w) for w, _v in task.plan],
            y=[v for _w, v in task.plan],
            mode="lines",
            row=r,
            col=c,
            line={"color": MUTED, "width": 1.5, "dash": "dot"},
            showlegend=index == 0,
            name=_("Plan"),
            legendgroup="plan",
            hovertemplate="%{x}: %{y:.1f}%<extra></extra>",
        )
        figure.update_yaxes(range=[0, 105], ticksuffix="%", row=r, col=c)
        figure.update_xaxes(showticklabels=False, row=r, col=c)
    figure.update_layout(template=TEMPLATE, margin={"t": 40})
    figure.update_annotations(font_size=13)
    return chart(figure, "project06-trend", 300 * rows)


def _short(name: str, limit: int = 42) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


PAGE = Page("project06", links.PROJECT06, N_("Project 06"), render)
