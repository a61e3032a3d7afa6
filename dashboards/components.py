"""Pieces every page shares: tiles, freshness lines, stale badges, heat cells, tables."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboards import format as fmt
from dashboards.text import t
from metrics.health import Freshness


def freshness_line(freshness: Freshness, lang: str = "vi") -> html.Div:
    """'Số liệu đến 14:05 25/11/2026' and, when a source is stale, a badge with its age."""
    parts: list[Any] = [html.Span(f"{t('as_of', lang)} {fmt.when(freshness.as_of)}", className="as-of")]
    if freshness.stale_sources:
        parts.append(stale_badge(freshness, lang))
    return html.Div(parts, className="freshness")


def stale_badge(freshness: Freshness, lang: str = "vi") -> html.Span:
    """'dữ liệu cũ · 2 ngày trước' when the figure is stale; '1/12 nguồn dữ liệu cũ' when part of it is."""
    title = ", ".join(freshness.stale_sources)
    if freshness.partial:
        text = t("partial_stale", lang).format(n=len(freshness.stale_sources), total=freshness.sources)
        return html.Span(text, className="badge badge-partial", title=title)
    return html.Span(
        f"{t('stale', lang)} · {fmt.age(freshness.as_of, lang)}", className="badge badge-stale", title=title
    )


def tile(
    title: str,
    value: str,
    freshness: Freshness,
    lang: str = "vi",
    colour: str = "none",
    detail: str | None = None,
    change: str | None = None,
    tile_id: str | None = None,
) -> html.Div:
    classes = f"tile tile-{colour}" + (" tile-stale" if freshness.stale else "")
    body = [html.Div(title, className="tile-title"), html.Div(value, className="tile-value")]
    if change:
        body.append(html.Div(change, className="tile-change"))
    if detail:
        body.append(html.Div(detail, className="tile-detail"))
    body.append(freshness_line(freshness, lang))
    return html.Div(body, className=classes, **({"id": tile_id} if tile_id else {}))


def heat_cell(
    value: float | None, colour: str, lang: str = "vi", decimals: int = 1, link: str | None = None
) -> html.Td:
    text = fmt.number(value, decimals, lang)
    return html.Td(
        dcc.Link(text, href=link, className="figure-link") if link and value is not None else text,
        className=f"heat heat-{colour}",
    )


def table(header: list[str], rows: list[list[Any]], class_name: str = "grid") -> html.Table:
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in header])),
            html.Tbody([html.Tr(row) if rows and isinstance(row, list) else row for row in rows]),
        ],
        className=class_name,
    )


def downloads(name: str, lang: str = "vi", query: dict | None = None, keys: tuple[str, ...] | None = None) -> html.Div:
    """Links to the table as CSV and XLSX (dashboards/exports.py)."""
    label = "Tải về" if lang == "vi" else "Download"
    return html.Div(
        [
            html.Span(f"{label}: "),
            html.A("CSV", href=with_filters(f"/tai-ve/{name}.csv", query, keys), id=f"csv-{name}"),
            " · ",
            html.A("XLSX", href=with_filters(f"/tai-ve/{name}.xlsx", query, keys), id=f"xlsx-{name}"),
        ],
        className="downloads",
    )


FILTERS = ("unit", "db", "week")  # the filters a shared URL carries from page to page and into downloads


def with_filters(path: str, query: dict | None, keys: tuple[str, ...] | None = None, **changes: str) -> str:
    """path with the URL's filters (or the given keys), some of them changed (an empty value drops one)."""
    from urllib.parse import urlencode

    params = {k: v for k, v in {**{k: (query or {}).get(k, "") for k in keys or FILTERS}, **changes}.items() if v}
    return f"{path}?{urlencode(params)}" if params else path


def picker(options: list[tuple[str, str, str]], current: str, id_prefix: str) -> html.Div:
    """A row of links (label, href, code) that sets a filter in the URL; current is highlighted."""
    return html.Div(
        [
            dcc.Link(
                label,
                href=href,
                className="unit-link" + (" on" if code == current else ""),
                id=f"{id_prefix}-{code or 'all'}",
            )
            for label, href, code in options
        ],
        className="unit-picker",
    )


def week_of(query: dict | None) -> int | None:
    """The week a URL asks for (?week=2026-W47) as its local Monday in epoch seconds, or None."""
    import datetime as dt

    text = (query or {}).get("week", "")
    try:
        year, week = text.split("-W")
        monday = dt.date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None
    return int(dt.datetime.combine(monday, dt.time(), dt.timezone(dt.timedelta(hours=7))).timestamp())


def week_picker(snap, path: str, query: dict | None, lang: str = "vi", count: int = 8) -> html.Div:
    """Links to the last weeks with data, keeping the URL's other filters."""
    from metrics.timebuckets import iso_week_label

    latest = snap.weeks[-1] if snap.weeks else snap.week
    options = []
    for week in reversed(snap.weeks[-count:]):
        label = iso_week_label(week)
        options.append((label, with_filters(path, query, week="" if week == latest else label), label))
    current = not snap.weeks or snap.week >= snap.weeks[-1]
    return html.Div(
        [
            html.Div(
                [
                    html.Span(t("period", lang) + ":", className="picker-label"),
                    picker(options, snap.week_label, "week"),
                ],
                className="week-picker",
            ),
            html.Div(
                f"{t('week', lang)} {snap.week_label}" + (f" ({t('to_date', lang)})" if current else ""),
                className="week-label",
                id="week-label",
            ),
        ]
    )


def section(title: str, *children: Any, note: str | None = None) -> html.Section:
    parts: list[Any] = [html.H2(title)]
    if note:
        parts.append(html.P(note, className="note"))
    return html.Section(parts + list(children), className="panel")


def chart(figure: Any, graph_id: str, height: int = 320) -> dcc.Graph:
    figure.update_layout(height=height)
    return dcc.Graph(id=graph_id, figure=figure, config={"displayModeBar": False})


def page_frame(body_id: str) -> html.Div:
    """A page: its body is filled, and refilled whenever the store has new data."""
    return html.Div(html.Div("…", className="loading"), id=body_id, className="page-body")
