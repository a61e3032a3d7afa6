"""Effectiveness: the Decision 766 indicators, their trend, each unit's figures, and the IOC's own use."""

from __future__ import annotations

import statistics
import time

import plotly.graph_objects as go
from dash import html

from base import formatting as fmt
from base.catalogue import Catalogue
from base.i18n import N_, _
from base.localtime import iso_week_label
from base.palette import LIGHT, MUTED
from base.provinces import provinces
from dashboards import links, tables
from dashboards.components import (
    change_against_last_week,
    chart,
    downloads,
    freshness_line,
    note_lines,
    picker,
    section,
    snapshot_of,
    tile,
    week_picker,
    with_filters,
)
from dashboards.page import Page, Query, title_of
from dashboards.reader import Reader
from dashboards.table import grid
from dashboards.theme import TEMPLATE
from metrics.health import Freshness, combine
from metrics.read_models import Snapshot

ALIVE_SECONDS = 5 * 60  # a wall screen that polled within this is alive


def render(reader: Reader, query: Query) -> list:
    snap = snapshot_of(reader, query)
    catalogue = reader.config.catalogue
    tiles = html.Div(
        [
            tile(
                catalogue.indicators[row.code].name(),
                fmt.percent(row.ministry.value, 1),
                row.ministry.freshness,
                catalogue.attainment_colour(catalogue.indicators[row.code], row.ministry.value),
                detail=_("Target {target}").format(target=fmt.percent(row.target, 0)),
                change=change_against_last_week(row.ministry.change),
                tile_id=f"tile-{row.code}",
            )
            for row in snap.indicators
        ],
        className="tiles tiles-small",
    )

    figure = go.Figure(layout={"template": TEMPLATE})
    for row in snap.indicators:
        known = [(w, v) for w, v in row.trend if v is not None]
        figure.add_scatter(
            x=[iso_week_label(w) for w, _v in known],
            y=[v for _w, v in known],
            mode="lines",
            name=catalogue.indicators[row.code].name(),
            hovertemplate="%{y:.1f}%<extra>%{fullData.name}</extra>",
        )
    figure.update_yaxes(ticksuffix="%", range=[0, 100])
    formulas = note_lines(
        {
            catalogue.indicators[row.code].name(): " = " + catalogue.indicators[row.code].formula()
            for row in snap.indicators
        }
    )
    return [
        week_picker(snap, links.EFFECTIVENESS, query),
        tiles,
        section(
            _("By unit, this week"),
            grid(tables.effectiveness(reader, query), "effectiveness-units", "grid heatgrid"),
            freshness_line(snap.effectiveness.freshness),
            downloads("hieu-qua", query),
        ),
        *_provinces(snap, catalogue, query),
        section(_("26-week trend (ministry)"), chart(figure, "effectiveness-trend", 360)),
        section(_("Formula"), formulas),
        section(_("Use of the IOC (7 days)"), *_ioc_use(reader, snap)),
        section(
            _("Follow-up of the leadership's directives"),
            grid(tables.follow_up(reader, query), "effectiveness-follow-up"),
            downloads("theo-doi-chi-dao", query),
            note=_(
                "On-time rate: of each unit's directives due by now or already done, the share the unit marked "
                "done by the end of the due day (a directive sent back counts once it is done again)."
            ),
        ),
    ]


def _provinces(snap: Snapshot, catalogue: Catalogue, query: Query) -> list:
    """The provinces ranked on one indicator (?ind=code), for the systems that report per province."""
    if not snap.by_province:
        return []
    codes = [row.code for row in snap.indicators if row.code in snap.by_province]
    chosen = query.get("ind", "") if query.get("ind", "") in codes else codes[0]
    indicator = catalogue.indicators[chosen]
    known = provinces()
    ranked = sorted(
        ((code, value) for code, value in snap.by_province[chosen].items() if value is not None and code in known),
        key=lambda item: item[1],
    )
    figure = go.Figure(layout={"template": TEMPLATE})
    figure.add_bar(
        x=[value for _code, value in ranked],
        y=[known[code].short_name() for code, _value in ranked],
        orientation="h",
        marker_color=[LIGHT[catalogue.attainment_colour(indicator, value)] for _code, value in ranked],
        text=[fmt.percent(value, 1) for _code, value in ranked],
        textposition="outside",
        hovertemplate="%{y}: %{text}<extra></extra>",
    )
    figure.add_vline(
        x=indicator.target,
        line={"dash": "dot", "color": MUTED},
        annotation_text=_("Target {target}").format(target=fmt.percent(indicator.target, 0)),
    )
    figure.update_xaxes(ticksuffix="%", range=[0, 112])
    figure.update_layout(margin={"l": 120})
    options = [
        (catalogue.indicators[code].name(), with_filters(links.EFFECTIVENESS, query, ind=code), code) for code in codes
    ]
    return [
        section(
            _("Provinces compared, this week"),
            picker(options, chosen, "province-indicator"),
            chart(figure, "effectiveness-provinces", 140 + 22 * len(ranked)),
            note=_(
                "Each province's rate is recomputed from its own numerator and denominator, for the units whose "
                "systems report per province. Choose a province above to see every figure of it."
            ),
        )
    ]


def _ioc_use(reader: Reader, snap: Snapshot) -> list:
    """The IOC's own effectiveness: who looks at it, which screens are alive, how fresh it is."""
    now = time.time()
    views = reader.views_by_page(7)
    alive = {s["screen"] for s in reader.screens_seen() if now - s["last_seen"] < ALIVE_SECONDS}
    screens = len(reader.screens.screens)
    fresh = [h for h in snap.health.values() if not h.stale and h.as_of]
    ages = [now - h.as_of for h in fresh if h.as_of]
    everything = combine(
        [Freshness(h.as_of, h.stale, (h.source_id,) if h.stale else (), 1) for h in snap.health.values()]
    )
    tiles = html.Div(
        [
            tile(_("Page views"), fmt.number(sum(views.values()), 0), everything, "none", tile_id="use-views"),
            tile(
                _("Screens alive"),
                f"{len(alive)}/{screens}",
                everything,
                "green" if len(alive) == screens else "amber",
                tile_id="use-screens",
            ),
            tile(
                _("Sources up to date"),
                f"{len(fresh)}/{len(snap.health)}",
                everything,
                "green" if len(fresh) == len(snap.health) else "amber",
                tile_id="use-fresh",
            ),
            tile(
                _("Median age of the data"),
                fmt.age(now - statistics.median(ages)) if ages else fmt.MISSING,
                everything,
                "none",
                tile_id="use-age",
            ),
        ],
        className="tiles tiles-small",
    )
    ordered = sorted(views.items(), key=lambda item: -item[1])
    figure = go.Figure(layout={"template": TEMPLATE})
    figure.add_bar(
        x=[title_of(path) for path, _count in ordered],
        y=[count for _path, count in ordered],
        hovertemplate="%{x}: %{y}<extra></extra>",
    )
    return [tiles, chart(figure, "use-views-by-page", 240)]


PAGE = Page("effectiveness", links.EFFECTIVENESS, N_("Effectiveness"), render)
