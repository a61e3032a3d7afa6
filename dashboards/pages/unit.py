"""Unit: everything of one unit for its head — indicators and how they compare, tasks,
databases, sources and quarantined data. The unit is in the URL (?unit=KCB), so a view can
be shared."""

from __future__ import annotations

import time

import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html, no_update

from dashboards import format as fmt
from dashboards.components import (
    chart,
    downloads,
    freshness_line,
    heat_cell,
    picker,
    section,
    tile,
    week_of,
    week_picker,
    with_filters,
)
from dashboards.text import t
from dashboards.theme import ACCENT, GRID, TEMPLATE, status_colour
from metrics import editions
from metrics.read_models import unit_figures
from metrics.timebuckets import WEEK, iso_week_label, last_full_week

PATH = "/don-vi"
NAME = "nav_unit"


def render(reader, lang: str = "vi", query: dict | None = None) -> list:
    snap = reader.snapshot(week_of(query))
    catalogue = reader.config.catalogue
    code = (query or {}).get("unit") or next(iter(catalogue.units))
    if code not in catalogue.units:
        return [html.P(f"{t('unit', lang)} '{code}' ?", className="note")]
    unit = catalogue.units[code]
    own_rows = {**(query or {}), "unit": code}  # the unit's rows of each table, for downloads
    units = picker(
        [(u.code, with_filters(PATH, query, unit=u.code), u.code) for u in catalogue.units.values()], code, "unit-link"
    )

    ranked = sorted(catalogue.units, key=lambda u: -(snap.unit_effectiveness[u].value or -1))
    mine = snap.unit_effectiveness[code]
    rank = ranked.index(code) + 1 if mine.value is not None else None
    tiles = [
        tile(
            t("score_766", lang),
            fmt.number(mine.value, 1, lang),
            mine.freshness,
            lang,
            catalogue.colour(mine.value),
            detail=f"{t('rank', lang)} {rank}/{len(ranked)}" if rank else None,
            tile_id="unit-score",
        )
    ]
    for row in snap.indicators:
        value = row.by_unit[code]
        tiles.append(
            tile(
                row.name_vi if lang == "vi" else row.name_en,
                fmt.percent(value, 1, lang),
                mine.freshness,
                lang,
                catalogue.attainment_colour(catalogue.indicators[row.code], value),
                detail=f"{t('ministry', lang)} {fmt.percent(row.ministry.value, 1, lang)} · {t('target', lang)} {fmt.percent(row.target, 0, lang)}",
                tile_id=f"unit-{row.code}",
            )
        )

    compare = go.Figure(layout={"template": TEMPLATE})
    names = [catalogue.units[u].code for u in ranked]
    compare.add_bar(
        x=names,
        y=[snap.unit_effectiveness[u].value for u in ranked],
        marker_color=[ACCENT if u == code else GRID for u in ranked],
        hovertemplate="%{x}: %{y:.1f}<extra></extra>",
    )
    compare.update_yaxes(range=[0, 100])

    task_rows = [
        html.Tr(
            [
                html.Td(task.name_vi if lang == "vi" else task.name_en),
                html.Td(fmt.percent(task.actual.target, 0, lang), className="num"),
                html.Td(fmt.percent(task.actual.value, 1, lang), className="num big"),
                html.Td(fmt.date(task.deadline)),
                html.Td(
                    html.Span(t(f"status_{task.status}", lang), className=f"badge badge-{status_colour(task.status)}")
                ),
                html.Td(freshness_line(task.actual.freshness, lang)),
            ]
        )
        for task in snap.tasks
        if task.owner == code
    ]
    criteria = list(catalogue.criteria.values())
    db_rows = [
        html.Tr(
            [
                html.Td(
                    html.Div(
                        [
                            html.Div(db.code, className="code"),
                            html.Div(db.name_vi if lang == "vi" else db.name_en, className="small"),
                        ]
                    )
                ),
                html.Td(str(db.stage or "—")),
            ]
            + [heat_cell(db.scores[c.code], catalogue.colour(db.scores[c.code]), lang) for c in criteria]
            + [heat_cell(db.score, db.colour, lang), html.Td(freshness_line(db.freshness, lang))]
        )
        for db in snap.databases
        if db.owner == code
    ]
    health = [h for h in snap.health.values() if h.unit == code]
    source_rows = [
        html.Tr(
            [
                html.Td(h.source_id, className="code"),
                html.Td(t(f"state_{h.state}", lang)),
                html.Td(fmt.when(h.last_live_success)),
                html.Td(h.last_error or "", className="error"),
                html.Td(fmt.number(h.quarantined_total, 0, lang), className="num"),
            ]
        )
        for h in health
    ]
    mine_sources = {h.source_id for h in health}
    quarantined = [q for q in reader.quarantine() if q["source_id"] in mine_sources][:20]
    q_rows = [
        html.Tr([html.Td(fmt.when(q["received_at"])), html.Td(q["reason"]), html.Td(html.Code(q["raw"][:300]))])
        for q in quarantined
    ]

    def table(header, rows, table_id):
        return html.Table(
            [
                html.Thead(html.Tr([html.Th(h) for h in header])),
                html.Tbody(rows or [html.Tr(html.Td(t("none", lang), colSpan=len(header)))]),
            ],
            className="grid",
            id=table_id,
        )

    return [
        units,
        week_picker(snap, PATH, {**(query or {}), "unit": code}, lang),
        html.H1(unit.name(lang), className="unit-name", id="unit-name"),
        html.Div(tiles, className="tiles tiles-small"),
        section(t("compare_units", lang), chart(compare, "unit-compare", 260), downloads("hieu-qua", lang, own_rows)),
        section(
            t("nav_project06", lang),
            table(
                [
                    t("task", lang),
                    t("target", lang),
                    t("actual", lang),
                    t("deadline", lang),
                    t("status", lang),
                    t("as_of", lang),
                ],
                task_rows,
                "unit-tasks",
            ),
            downloads("de-an-06", lang, own_rows),
        ),
        section(
            t("nav_databases", lang),
            table(
                [t("database", lang), t("stage", lang)]
                + [c.name(lang) for c in criteria]
                + [t("score", lang), t("as_of", lang)],
                db_rows,
                "unit-databases",
            ),
            downloads("co-so-du-lieu", lang, own_rows),
        ),
        section(
            t("nav_sources", lang),
            table(
                [
                    t("source", lang),
                    t("state", lang),
                    t("last_success", lang),
                    t("last_error", lang),
                    t("quarantine", lang),
                ],
                source_rows,
                "unit-sources",
            ),
            downloads("nguon-du-lieu", lang, own_rows),
        ),
        section(
            t("quarantined_records", lang),
            table([t("received", lang), t("reason", lang), t("raw_value", lang)], q_rows, "unit-quarantine"),
            downloads("cach-ly", lang, own_rows),
        ),
        _confirmation(reader, code, snap, lang),
    ]


def _confirmation(reader, code: str, snap, lang: str) -> html.Section:
    """The unit head confirms the unit's figures of a finished week (the one shown, or the last
    one when the week shown is still running) for the weekly briefing."""
    week = snap.week if snap.week + WEEK <= time.time() else last_full_week(time.time())
    label = iso_week_label(week)
    entry = editions.confirmations_of(reader.store, label).get(code)
    if entry is None:
        state = t("not_confirmed", lang)
    else:
        valid = entry["figures"] == unit_figures(reader.snapshot(week), code)
        state = (
            t("confirm_done", lang).format(by=entry["confirmed_by"], at=fmt.when(entry["confirmed_at"]))
            + " "
            + t("confirmation_valid" if valid else "confirmation_changed", lang)
            + "."
        )
    return section(
        t("confirm_title", lang).format(week=label),
        html.Div(
            [
                dcc.Input(
                    id="confirm-name",
                    type="text",
                    maxLength=120,
                    placeholder=t("confirm_name", lang),
                    className="confirm-name",
                ),
                html.Button(t("confirm_button", lang), id="confirm-button", n_clicks=0, className="confirm-button"),
                dcc.Store(id="confirm-target", data={"unit": code, "week": week, "lang": lang}),
            ],
            className="confirm-row",
        ),
        html.P(state, id="confirm-status", className="note"),
        note=t("confirm_help", lang),
    )


def register(app, reader) -> None:
    """The page's own callback: a unit head confirming the week's figures."""

    @app.callback(
        Output("confirm-status", "children"),
        Input("confirm-button", "n_clicks"),
        State("confirm-name", "value"),
        State("confirm-target", "data"),
        prevent_initial_call=True,
    )
    def confirm(clicks: int, name: str | None, target: dict):
        if not clicks or not target:
            return no_update
        lang = target.get("lang", "vi")
        name = (name or "").strip()
        if not name:
            return t("confirm_need_name", lang)
        figures = unit_figures(reader.snapshot(target["week"]), target["unit"])
        editions.confirm(reader.store, iso_week_label(target["week"]), target["unit"], name, figures)
        return (
            t("confirm_done", lang).format(by=name, at=fmt.when(time.time()))
            + " "
            + t("confirmation_valid", lang)
            + "."
        )
