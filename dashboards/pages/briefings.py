"""Weekly briefings: build an edition now, every edition built (downloads checked against their
SHA-256), which units confirmed their figures for a week (?week=), and the e-mails sent or
being retried."""

from __future__ import annotations

import time
from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update

from base import i18n
from base.i18n import N_, _
from base.localtime import WEEK, iso_week_label, last_full_week
from briefings.archive import BuildFailed
from dashboards import access, links, tables
from dashboards.actions import Actions
from dashboards.components import FILTERS, confirmation_note, downloads, picker, section, with_filters
from dashboards.page import Page, Query
from dashboards.reader import Reader
from dashboards.table import grid

MINISTRY = "BO"  # the scope picker's value for the ministry-wide edition (a dropdown has no empty value)
WEEKS = 6  # finished weeks offered


def render(reader: Reader, query: Query) -> list:
    return _page(reader, query)


def _page(reader: Reader, query: Query, result: list | None = None) -> list:
    """The page; result is what the build control says after building (the page is drawn again
    then, so the new edition is in the list)."""
    catalogue = reader.config.catalogue
    last_full = last_full_week(time.time())
    weeks = [last_full - i * WEEK for i in range(WEEKS)]
    chosen = next((w for w in weeks if iso_week_label(w) == query.get("week")), last_full)
    label = iso_week_label(chosen)
    weeks_picker = picker(
        [
            (
                iso_week_label(w),
                with_filters(links.BRIEFINGS, query, week="" if w == last_full else iso_week_label(w)),
                iso_week_label(w),
            )
            for w in weeks
        ],
        label,
        "briefing-week",
    )
    scopes = [{"label": _("Ministry"), "value": MINISTRY}] + [
        {"label": f"{code} — {unit.name()}", "value": code} for code, unit in catalogue.units.items()
    ]
    who = access.person()
    may_build = who is not None and access.BRIEFING_OFFICE.allows(who)
    build = section(
        _("Build the briefing of week {week}").format(week=label),
        html.Div(
            [
                dcc.Dropdown(
                    id="build-scope", options=scopes, value=MINISTRY, clearable=False, className="build-scope"
                ),
                dcc.RadioItems(
                    id="build-lang",
                    options=[{"label": i18n.LANGUAGE_NAMES[lang], "value": lang} for lang in i18n.LANGUAGES],
                    value=i18n.current(),
                    inline=True,
                    className="build-lang",
                ),
                html.Button(_("Build"), id="build-button", n_clicks=0, className="confirm-button"),
                dcc.Store(id="build-target", data={"week": label, "query": dict(query)}),
            ],
            className="confirm-row",
        ),
        dcc.Loading(html.Div(result, id="build-result", className="note")),
        note=_(
            "Build a new edition from the data as it is now, e.g. after units confirmed their figures; "
            "earlier editions are kept as they are."
        ),
    )
    return [
        *([build] if may_build else []),
        section(
            _("Editions built"),
            grid(tables.briefing_editions(reader, {}), "briefing-editions"),
            downloads("ban-tin"),
            note=_(
                "Each edition is kept with its SHA-256 and data version; old editions are never rewritten. "
                "By hand: python -m briefings weekly."
            ),
        ),
        section(
            _("Units' confirmation of their figures") + " — " + _("Week {week}").format(week=label),
            weeks_picker,
            grid(tables.confirmations(reader, {"week": label}), "briefing-confirmations"),
            downloads("xac-nhan", {"week": label}),
            note=confirmation_note(),
        ),
        section(_("E-mail deliveries"), grid(tables.deliveries(reader, {}), "briefing-deliveries")),
    ]


def register(app: Dash, reader: Reader, actions: Actions) -> None:
    """The page's own callback: build an edition now (the office, after units confirmed). The
    week, scope and language the page sent are checked by the command, not trusted."""

    @app.callback(
        Output("briefings-body", "children", allow_duplicate=True),
        Input("build-button", "n_clicks"),
        State("build-scope", "value"),
        State("build-lang", "value"),
        State("build-target", "data"),
        prevent_initial_call=True,
    )
    def build(clicks: int, scope: str | None, lang: str | None, target: dict | None) -> Any:
        if not clicks or not isinstance(target, dict):
            return no_update
        scope = "" if scope in (None, MINISTRY) else str(scope)
        try:
            edition = actions.build_edition(str(target.get("week", "")), scope, str(lang or ""))
        except BuildFailed as error:
            said = _("Not built: {reason}").format(reason=error)
            result: list = [html.Span(said, className="error", id="build-error")]
        else:
            files = [
                html.A(f.upper(), href=links.briefing_file(edition.id, f), id=f"built-{f}", className="file-link")
                for f in ("pdf", "docx", "xlsx")
            ]
            result = [_("Edition {id} built:").format(id=edition.id), " ", files[0], " · ", files[1], " · ", files[2]]
        sent = target.get("query")
        query = {k: str(sent[k])[:64] for k in FILTERS if k in sent} if isinstance(sent, dict) else {}
        return _page(reader, query, result)  # drawn again: the new edition is listed


PAGE = Page("briefings", links.BRIEFINGS, N_("Weekly briefings"), render, register=register, live=True)
