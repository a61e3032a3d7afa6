"""Pieces every page shares: tiles, freshness lines, stale badges, sections, charts, filters.

Everything is worded in the request's language (dashboards/languages.py sets it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from dash import dcc, html

from base import formatting as fmt
from base.i18n import _, ngettext
from base.localtime import iso_week_label, parse_week_label
from base.provinces import provinces
from dashboards.page import Query
from dashboards.reader import Reader
from metrics.health import Freshness
from metrics.read_models import Snapshot

# The filters a shared URL carries from page to page and into downloads (tinh: a province's code).
FILTERS = ("unit", "db", "week", "tinh")


def as_of(moment: float | None) -> str:
    return _("As of {time}").format(time=fmt.when(moment))


def freshness_line(freshness: Freshness) -> html.Div:
    """'Số liệu đến 14:05 25/11/2026' and, when a source is stale, a badge with its age."""
    parts: list[Any] = [html.Span(as_of(freshness.as_of), className="as-of")]
    if freshness.stale_sources:
        parts.append(stale_badge(freshness))
    return html.Div(parts, className="freshness")


def stale_text(freshness: Freshness) -> str:
    """'dữ liệu cũ · 2 ngày trước', or '1/12 nguồn dữ liệu cũ' when part of the figure is stale."""
    if freshness.partial:
        return ngettext("{n}/{total} source stale", "{n}/{total} sources stale", len(freshness.stale_sources)).format(
            n=len(freshness.stale_sources), total=freshness.sources
        )
    return _("stale data") + " · " + fmt.age(freshness.as_of)


def stale_badge(freshness: Freshness) -> html.Span:
    badge = "badge-partial" if freshness.partial else "badge-stale"
    return html.Span(stale_text(freshness), className=f"badge {badge}", title=", ".join(freshness.stale_sources))


def tile(
    title: str,
    value: str,
    freshness: Freshness,
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
    body.append(freshness_line(freshness))
    identity: dict[str, Any] = {"id": tile_id} if tile_id else {}
    return html.Div(body, className=classes, **identity)


def downloads(name: str, query: Query | None = None, keys: Sequence[str] | None = None) -> html.Div:
    """Links to a table as CSV and XLSX (dashboards/exports.py), with the page's filters."""
    return html.Div(
        [
            html.Span(_("Download") + ": "),
            html.A("CSV", href=with_filters(f"/tai-ve/{name}.csv", query, keys), id=f"csv-{name}"),
            " · ",
            html.A("XLSX", href=with_filters(f"/tai-ve/{name}.xlsx", query, keys), id=f"xlsx-{name}"),
        ],
        className="downloads",
    )


def with_filters(path: str, query: Query | None, keys: Sequence[str] | None = None, **changes: str) -> str:
    """path with the URL's filters (or the given keys), some of them changed (an empty value drops one)."""
    current = {k: (query or {}).get(k, "") for k in keys or FILTERS}
    params = {k: v for k, v in {**current, **changes}.items() if v}
    return f"{path}?{urlencode(params)}" if params else path


def picker(options: Sequence[tuple[str, str, str]], current: str, id_prefix: str) -> html.Div:
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


def province_of(query: Query | None) -> str:
    """The province a URL asks for (?tinh=79), "" for the whole country or a code that is none
    (province_notice says so on the page)."""
    code = (query or {}).get("tinh", "")
    return code if code in provinces() else ""


def snapshot_of(reader: Reader, query: Query | None) -> Snapshot:
    """The snapshot of the week and province the URL asks for."""
    return reader.snapshot(week_of(query), province_of(query))


def province_notice(query: Query | None) -> html.Div | None:
    """A clear word when ?tinh= names no province: the page shows the whole country instead."""
    asked = (query or {}).get("tinh", "")
    if not asked or asked in provinces():
        return None
    return html.Div(
        _("There is no province with the code '{code}': the figures are the whole country's.").format(code=asked[:20]),
        className="notice notice-warning",
        id="province-notice",
    )


def province_picker(path: str, query: Query | None, keys: Sequence[str] | None = None) -> html.Details:
    """The province the figures are narrowed to, and links to the others (the 34 provinces);
    keys: the URL's parameters the links keep (the shared filters by default)."""
    current = province_of(query)
    known = provinces()
    options = [(_("Whole country"), with_filters(path, query, keys, tinh=""), "")]
    options += [(p.short_name(), with_filters(path, query, keys, tinh=code), code) for code, p in known.items()]
    shown = known[current].name() if current else _("Whole country")
    return html.Details(
        [
            html.Summary([html.Span(_("Province") + ": ", className="picker-label"), html.B(shown)]),
            picker(options, current, "province"),
        ],
        className="province-picker",
        id="province-picker",
    )


def week_of(query: Query | None) -> int | None:
    """The week a URL asks for (?week=2026-W47) as its local Monday in epoch seconds, or None."""
    return parse_week_label((query or {}).get("week", ""))


def week_label(snap: Snapshot) -> str:
    """'Tuần 2026-W48 (đến nay)' for the running week, 'Tuần 2026-W47' for a past one."""
    if not snap.weeks or snap.week >= snap.weeks[-1]:
        return _("Week {week} (to date)").format(week=snap.week_label)
    return _("Week {week}").format(week=snap.week_label)


def week_picker(snap: Snapshot, path: str, query: Query | None, count: int = 8, by_province: bool = True) -> html.Div:
    """Links to the last weeks with data, keeping the URL's other filters, and the province
    (where figures come per province: not the databases, which are national)."""
    latest = snap.weeks[-1] if snap.weeks else snap.week
    options = []
    for week in reversed(snap.weeks[-count:]):
        label = iso_week_label(week)
        options.append((label, with_filters(path, query, week="" if week == latest else label), label))
    return html.Div(
        [
            html.Div(
                [html.Span(_("Period") + ":", className="picker-label"), picker(options, snap.week_label, "week")],
                className="week-picker",
            ),
            html.Div(week_label(snap), className="week-label", id="week-label"),
            province_picker(path, query) if by_province else None,
            province_notice(query) if by_province else None,
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


def change_against_last_week(change: float | None, points: bool = False) -> str | None:
    """'+1,2 so với tuần trước' ('+1,2 điểm % …' for a change of a percentage)."""
    if change is None:
        return None
    if points:
        return _("{change} pp vs last week").format(change=fmt.signed(change, 1))
    return _("{change} vs last week").format(change=fmt.signed(change, 1))


def confirmation_note() -> str:
    """What a confirmation means, where a unit head confirms and where the office sees it."""
    return _(
        "The unit head confirms the unit's figures of the week; briefings print them as confirmed until they change."
    )


def note_lines(lines: Mapping[str, str]) -> html.Ul:
    """A list of 'name: text' lines (formulas, criteria)."""
    return html.Ul([html.Li([html.B(name), text]) for name, text in lines.items()], className="formulas")
