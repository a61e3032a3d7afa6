"""Effectiveness: the Decision 766 indicators, their trend and each unit's figures."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import html

from dashboards import format as fmt
from dashboards.components import (
    chart,
    downloads,
    freshness_line,
    heat_cell,
    section,
    stale_badge,
    tile,
    week_of,
    week_picker,
)
from dashboards.text import t
from dashboards.theme import TEMPLATE
from metrics.health import Freshness, combine
from metrics.timebuckets import iso_week_label

PATH = "/hieu-qua"
NAME = "nav_effectiveness"


def render(reader, lang: str = "vi", query: dict | None = None) -> list:
    snap = reader.snapshot(week_of(query))
    catalogue = reader.config.catalogue
    tiles = html.Div(
        [
            tile(
                row.name_vi if lang == "vi" else row.name_en,
                fmt.percent(row.ministry.value, 1, lang),
                row.ministry.freshness,
                lang,
                catalogue.attainment_colour(catalogue.indicators[row.code], row.ministry.value),
                detail=f"{t('target', lang)} {fmt.percent(row.target, 0, lang)}",
                change=f"{fmt.signed(row.ministry.change, 1, lang)} {t('vs_last_week', lang)}"
                if row.ministry.change is not None
                else None,
                tile_id=f"tile-{row.code}",
            )
            for row in snap.indicators
        ],
        className="tiles tiles-small",
    )

    figure = go.Figure(layout={"template": TEMPLATE})
    for row in snap.indicators:
        weeks = [w for w, v in row.trend if v is not None]
        figure.add_scatter(
            x=[iso_week_label(w) for w in weeks],
            y=[v for _, v in row.trend if v is not None],
            mode="lines",
            name=row.name_vi if lang == "vi" else row.name_en,
            hovertemplate="%{y:.1f}%<extra>%{fullData.name}</extra>",
        )
    figure.update_yaxes(ticksuffix="%", range=[0, 100])

    header = (
        [t("unit", lang)]
        + [row.name_vi if lang == "vi" else row.name_en for row in snap.indicators]
        + [t("score_766", lang), ""]
    )
    body = []
    ranked = sorted(catalogue.units.values(), key=lambda u: -(snap.unit_effectiveness[u.code].value or -1))
    for unit in ranked:
        figure_u = snap.unit_effectiveness[unit.code]
        cells = [html.Td(unit.name(lang), className="name")]
        for row in snap.indicators:
            value = row.by_unit[unit.code]
            cells.append(heat_cell(value, catalogue.attainment_colour(catalogue.indicators[row.code], value), lang))
        cells.append(heat_cell(figure_u.value, catalogue.colour(figure_u.value), lang))
        cells.append(html.Td(stale_badge(figure_u.freshness, lang) if figure_u.freshness.stale else ""))
        body.append(html.Tr(cells))
    table = html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(body)],
        className="grid heatgrid",
        id="effectiveness-units",
    )
    formulas = html.Ul(
        [
            html.Li(
                [
                    html.B(row.name_vi if lang == "vi" else row.name_en),
                    " = ",
                    catalogue.indicators[row.code].formula(lang),
                ]
            )
            for row in snap.indicators
        ],
        className="formulas",
    )
    use = _ioc_use(reader, snap, lang)
    return [
        week_picker(snap, PATH, query, lang),
        tiles,
        section(
            t("by_unit_week", lang),
            table,
            freshness_line(snap.effectiveness.freshness, lang),
            downloads("hieu-qua", lang, query),
        ),
        section(t("trend_26w", lang), chart(figure, "effectiveness-trend", 360)),
        section(t("formula", lang), formulas),
        section(t("ioc_use", lang), *use),
    ]


def _ioc_use(reader, snap, lang: str) -> list:
    """The IOC's own effectiveness: who looks at it, which screens are alive, how fresh it is."""
    import statistics
    import time

    from dashboards.pages import PAGES

    now = time.time()
    views = reader.store.views_by_page(now - 7 * 86400)
    seen = reader.store.screens_seen()
    alive = {s["screen"] for s in seen if now - s["last_seen"] < 5 * 60}
    fresh = [h for h in snap.health.values() if not h.stale and h.as_of]
    ages = [now - h.as_of for h in fresh]
    everything = combine(
        [Freshness(h.as_of, h.stale, (h.source_id,) if h.stale else (), 1) for h in snap.health.values()]
    )
    tiles = html.Div(
        [
            tile(
                t("views_7d", lang),
                fmt.number(sum(views.values()), 0, lang),
                everything,
                lang,
                "none",
                tile_id="use-views",
            ),
            tile(
                t("screens_alive", lang),
                f"{len(alive)}/{len(reader.screens.screens)}",
                everything,
                lang,
                "green" if len(alive) == len(reader.screens.screens) else "amber",
                tile_id="use-screens",
            ),
            tile(
                t("sources_fresh", lang),
                f"{len(fresh)}/{len(snap.health)}",
                everything,
                lang,
                "green" if len(fresh) == len(snap.health) else "amber",
                tile_id="use-fresh",
            ),
            tile(
                t("median_data_age", lang),
                fmt.age(now - statistics.median(ages), lang) if ages else "—",
                everything,
                lang,
                "none",
                tile_id="use-age",
            ),
        ],
        className="tiles tiles-small",
    )
    names = {page.PATH: t(page.NAME, lang) for page in PAGES}
    ordered = sorted(views.items(), key=lambda item: -item[1])
    figure = go.Figure(layout={"template": TEMPLATE})
    figure.add_bar(
        x=[names.get(path, path) for path, _ in ordered],
        y=[count for _, count in ordered],
        hovertemplate="%{x}: %{y}<extra></extra>",
    )
    return [tiles, chart(figure, "use-views-by-page", 240)]
