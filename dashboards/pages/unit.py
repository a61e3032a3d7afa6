"""Unit: everything of one unit for its head — indicators and how they compare, tasks,
databases, sources and quarantined data, and the confirmation of its week's figures. The unit
is in the URL (?unit=KCB), so a view can be shared."""

from __future__ import annotations

import base64
import binascii
import time
from typing import Any

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html, no_update

from base import formatting as fmt
from base import labels
from base.i18n import N_, _
from base.localtime import WEEK, iso_week_label, last_full_week
from base.problems import Problem
from dashboards import access, links, tables
from dashboards.actions import Actions
from dashboards.components import (
    chart,
    confirmation_note,
    downloads,
    picker,
    section,
    snapshot_of,
    tile,
    week_picker,
    with_filters,
)
from dashboards.page import Page, Query
from dashboards.reader import Reader
from dashboards.table import grid
from dashboards.theme import ACCENT, GRID, TEMPLATE
from metrics import uploads
from metrics.commands import Confirmation, Refused, confirmable_week
from metrics.read_models import Snapshot, unit_figures


def render(reader: Reader, query: Query) -> list:
    snap = snapshot_of(reader, query)
    catalogue = reader.config.catalogue
    code = query.get("unit") or next(iter(catalogue.units))
    if code not in catalogue.units:
        return [html.P(_("There is no unit '{code}'.").format(code=code[:40]), className="note")]
    unit = catalogue.units[code]
    own = {**query, "unit": code}  # the unit's rows of each table, for downloads
    units = picker(
        [(u.code, with_filters(links.UNIT, query, unit=u.code), u.code) for u in catalogue.units.values()],
        code,
        "unit-link",
    )
    ranked = sorted(catalogue.units, key=lambda u: -(snap.unit_effectiveness[u].value or -1))
    mine = snap.unit_effectiveness[code]
    rank = ranked.index(code) + 1 if mine.value is not None else None
    tiles = [
        tile(
            _("766 score"),
            fmt.number(mine.value, 1),
            mine.freshness,
            catalogue.colour(mine.value),
            detail=_("Rank {rank}/{total}").format(rank=rank, total=len(ranked)) if rank else None,
            tile_id="unit-score",
        )
    ]
    for row in snap.indicators:
        value = row.by_unit[code]
        tiles.append(
            tile(
                catalogue.indicators[row.code].name(),
                fmt.percent(value, 1),
                mine.freshness,
                catalogue.attainment_colour(catalogue.indicators[row.code], value),
                detail=_("Ministry {value} · target {target}").format(
                    value=fmt.percent(row.ministry.value, 1), target=fmt.percent(row.target, 0)
                ),
                tile_id=f"unit-{row.code}",
            )
        )
    compare = go.Figure(layout={"template": TEMPLATE})
    compare.add_bar(
        x=ranked,
        y=[snap.unit_effectiveness[u].value for u in ranked],
        marker_color=[ACCENT if u == code else GRID for u in ranked],
        hovertemplate="%{x}: %{y:.1f}<extra></extra>",
    )
    compare.update_yaxes(range=[0, 100])
    return [
        units,
        week_picker(snap, links.UNIT, own),
        html.H1(unit.name(), className="unit-name", id="unit-name"),
        html.Div(tiles, className="tiles tiles-small"),
        section(_("766 score compared across units"), chart(compare, "unit-compare", 260), downloads("hieu-qua", own)),
        section(_("Project 06"), grid(tables.project06(reader, own), "unit-tasks"), downloads("de-an-06", own)),
        section(
            _("12 databases"),
            grid(tables.databases(reader, own), "unit-databases", "grid heatgrid"),
            downloads("co-so-du-lieu", own),
        ),
        section(_("Data sources"), grid(tables.sources(reader, own), "unit-sources"), downloads("nguon-du-lieu", own)),
        section(
            _("Recently quarantined records"),
            grid(tables.quarantine(reader, own), "unit-quarantine"),
            downloads("cach-ly", own),
        ),
        _directives(reader, code, snap),
        _confirmation(reader, code, snap),
        _upload(reader, code),
    ]


def _directives(reader: Reader, code: str, snap: Snapshot) -> html.Section:
    """The leadership's directives for the unit that are not closed, and where to answer them."""
    now = time.time()
    items = [
        html.Li(
            [
                html.Span(
                    labels.label(labels.ALERT_KIND, "directive_overdue")
                    if d.overdue(now)
                    else labels.label(labels.DIRECTIVE_STATE, d.state),
                    className=f"directive-state directive-{'overdue' if d.overdue(now) else d.state}",
                ),
                f" #{d.id} · " + _("Due {date}").format(date=fmt.day(d.due_end - 1)) + " · ",
                d.text[:300],
            ],
            id=f"unit-directive-{d.id}",
        )
        for d in snap.directives
        if d.unit == code and d.state != "closed"
    ]
    return section(
        _("Leadership directives"),
        html.Ul(items or [html.Li(_("No directive is open."))], className="directive-list", id="unit-directives"),
        dcc.Link(
            _("Reply and follow up"), href=with_filters(links.DIRECTIVES, {"unit": code}), id="unit-directives-link"
        ),
    )


def _upload(reader: Reader, code: str) -> html.Section | None:
    """Sending the unit's report file: for who may act for the unit."""
    who = access.person()
    if who is None or not who.may_act_for(code):
        return None
    title = _("Send the unit's report")
    if uploads.source_for(reader.config, code) is None:
        said = Problem.of("upload.no_source", unit=code).text()
        return section(title, html.P(said[:1].upper() + said[1:], className="note"))
    return section(
        title,
        dcc.Upload(
            html.Div([_("Drop the report file here, or "), html.A(_("choose it"))]),
            id="upload-report",
            max_size=uploads.MAX_UPLOAD_BYTES,
            multiple=False,
            className="upload-box",
        ),
        dcc.Store(id="upload-target", data={"unit": code}),
        dcc.Loading(html.Pre(id="upload-result", className="upload-result")),
        html.A(_("The report template"), href=f"/mau-bao-cao/{code}.xlsx", className="file-link"),
        note=_(
            "Excel (.xlsx, .xls, .xlsb), LibreOffice (.ods) or CSV, at most 10 MB. It is read as a file "
            "dropped in the unit's folder would be; what was taken and what was refused shows here at once."
        ),
    )


def _confirmable(snap: Snapshot) -> int:
    """The week a unit head confirms: the one shown when it is over, else the last full week."""
    return snap.week if snap.week + WEEK <= time.time() else last_full_week(time.time())


def _confirmation(reader: Reader, code: str, snap: Snapshot) -> html.Section:
    week = _confirmable(snap)
    label = iso_week_label(week)
    entry = reader.confirmations(label).get(code)
    if entry is None:
        state = labels.label(labels.CONFIRMATION_STATE, "none")
    else:
        valid = entry["figures"] == unit_figures(reader.snapshot(week), code)
        state = _said(Confirmation(label, code, entry["confirmed_by"], entry["confirmed_at"]), valid)
    who = access.person()
    controls: html.Div | html.P
    if who is not None and who.may_act_for(code):
        controls = html.Div(
            [
                html.Span(_("Your name and the time are recorded with the confirmation."), className="note"),
                html.Button(_("Confirm"), id="confirm-button", n_clicks=0, className="confirm-button"),
                dcc.Store(id="confirm-target", data={"unit": code, "week": label}),
            ],
            className="confirm-row",
        )
    else:
        controls = html.P(_("Only the unit's head (or the focal point) confirms its figures."), className="note")
    return section(
        _("Confirm the figures of week {week}").format(week=label),
        controls,
        html.P(state, id="confirm-status", className="note"),
        note=confirmation_note(),
    )


def _said(confirmation: Confirmation, valid: bool) -> str:
    done = _("Confirmed by {by} at {at}.").format(by=confirmation.confirmed_by, at=fmt.when(confirmation.confirmed_at))
    state = labels.label(labels.CONFIRMATION_STATE, "valid" if valid else "changed")
    return f"{done} {state}."


def register(app: Dash, reader: Reader, actions: Actions) -> None:
    register_upload(app, actions)
    _register_confirm(app, reader, actions)


def _register_confirm(app: Dash, reader: Reader, actions: Actions) -> None:
    """The page's own callback: a unit head confirming the week's figures in their own name.
    What the page sent (unit, week) is checked on the server, not trusted: the week by the
    command, the unit against who is asking."""

    @app.callback(
        Output("confirm-status", "children"),
        Input("confirm-button", "n_clicks"),
        State("confirm-target", "data"),
        prevent_initial_call=True,
    )
    def confirm(clicks: int, target: dict | None) -> Any:
        who = access.person()
        if not clicks or not isinstance(target, dict) or who is None:
            return no_update
        unit, week = str(target.get("unit", ""))[:64], str(target.get("week", ""))[:16]
        try:  # the unit against who asks: in Actions.confirm_week, which logs a refusal too
            snapshot = reader.snapshot(confirmable_week(week))  # the cached figures, once the week is checked
            done = actions.confirm_week(unit, week, who, snapshot)
        except Refused as refusal:
            return refusal.problem.text()
        return _said(done, valid=True)


def register_upload(app: Dash, actions: Actions) -> None:
    """A unit's report file sent from the page: the unit, the file's name and its content are
    all checked on the server (the unit against who asks, the content against its name)."""

    @app.callback(
        Output("upload-result", "children"),
        Input("upload-report", "contents"),
        State("upload-report", "filename"),
        State("upload-target", "data"),
        prevent_initial_call=True,
    )
    def upload(contents: Any, filename: Any, target: Any) -> Any:
        who = access.person()
        if not contents or who is None or not isinstance(target, dict) or not isinstance(contents, str):
            return no_update
        if len(contents) > uploads.MAX_UPLOAD_BYTES * 4 // 3 + 1000:  # base64 of the largest file allowed
            return Problem.of("spreadsheet.too_large", limit=uploads.MAX_UPLOAD_BYTES).text()
        try:
            content = base64.b64decode(contents.partition(",")[2], validate=True)
        except (binascii.Error, ValueError):
            return _("The file did not arrive whole: send it again.")
        unit, name = str(target.get("unit", ""))[:64], str(filename or "")[:200]
        try:
            done = actions.upload_report(unit, name, content, who)
        except uploads.UploadRefused as refused:
            return _("Refused: {reason}").format(reason=refused.problem.text())
        return done.report or _("Received: it is read at the folder's next run.")


PAGE = Page("unit", links.UNIT, N_("Unit"), render, register=register)
