"""Weekly briefings: every edition built (downloads checked against their SHA-256), the e-mails
sent or being retried, and which units confirmed their figures for a week (?week=)."""

from __future__ import annotations

import time

from dash import Input, Output, State, dcc, html, no_update

from briefings.archive import BuildFailed, build_edition
from dashboards import format as fmt
from dashboards.components import downloads, picker, section, with_filters
from dashboards.text import t
from metrics import editions
from metrics.read_models import unit_figures
from metrics.timebuckets import WEEK, iso_week_label, last_full_week

PATH = "/ban-tin"
NAME = "nav_briefings"
LIVE = True  # small tables that change without a data version (a new edition): never cached
MINISTRY = "BO"  # the scope picker's value for the ministry-wide edition (a dropdown has no empty value)


def download_href(edition_id: int, fmt_: str) -> str:
    return f"/ban-tin/tai-ve/{edition_id}.{fmt_}"


def render(reader, lang: str = "vi", query: dict | None = None, result: list | None = None) -> list:
    """The page; result is what the build control says after building (the page is drawn again
    then, so the new edition is in the list)."""
    catalogue = reader.config.catalogue
    store = reader.store
    rows = []
    for e in editions.editions(store, 300):
        scope = catalogue.units[e["scope"]].name(lang) if e["scope"] in catalogue.units else t("ministry", lang)
        if e["status"] == "built":
            files = [
                html.A(f.upper(), href=download_href(e["id"], f), id=f"edition-{e['id']}-{f}", className="file-link")
                for f in ("pdf", "docx", "xlsx")
                if f in e["files"]
            ]
            files = [part for link in files for part in (link, " · ")][:-1]
            detail = html.Code(e["files"]["pdf"]["sha256"][:16], title=e["files"]["pdf"]["sha256"])
        else:
            files = [html.Span(t("edition_failed", lang), className="badge badge-red")]
            detail = html.Span(e["error"] or "", className="error")
        rows.append(
            html.Tr(
                [
                    html.Td(e["week"], className="code"),
                    html.Td(scope),
                    html.Td(e["lang"]),
                    html.Td(fmt.when(e["built_at"])),
                    html.Td(fmt.number(e["data_version"], 0, lang), className="num"),
                    html.Td(t(f"trigger_{e['trigger']}", lang)),
                    html.Td(files),
                    html.Td(detail),
                ],
                id=f"edition-{e['id']}",
                className=f"edition edition-{e['status']}",
            )
        )
    header = [
        t("week", lang),
        t("scope", lang),
        t("language", lang),
        t("built_at", lang),
        t("data_version", lang),
        t("trigger", lang),
        t("files", lang),
        "SHA-256 (PDF)",
    ]
    table = html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in header])),
            html.Tbody(rows or [html.Tr(html.Td(t("none", lang), colSpan=len(header)))]),
        ],
        className="grid",
        id="briefing-editions",
    )

    sent = editions.deliveries(store)[:100]
    d_rows = [
        html.Tr(
            [
                html.Td(d["recipient"]),
                html.Td(f"#{d['edition_id']}"),
                html.Td(
                    html.Span(
                        t(f"delivery_{d['status']}", lang),
                        className=f"badge badge-{ {'sent': 'green', 'pending': 'amber'}.get(d['status'], 'red') }",
                    )
                ),
                html.Td(str(d["attempts"]), className="num"),
                html.Td(fmt.when(d["sent_at"] or d["updated_at"])),
                html.Td(d["last_error"] or "", className="error"),
            ]
        )
        for d in sent
    ]
    d_header = [
        t("recipient", lang),
        t("edition", lang),
        t("status", lang),
        t("attempts", lang),
        t("when", lang),
        t("last_error", lang),
    ]
    d_table = html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in d_header])),
            html.Tbody(d_rows or [html.Tr(html.Td(t("none", lang), colSpan=len(d_header)))]),
        ],
        className="grid",
        id="briefing-deliveries",
    )

    last_full = last_full_week(time.time())
    weeks = [last_full - i * WEEK for i in range(6)]
    chosen = next((w for w in weeks if iso_week_label(w) == (query or {}).get("week")), last_full)
    label = iso_week_label(chosen)
    weeks_picker = picker(
        [
            (
                iso_week_label(w),
                with_filters(PATH, query, week="" if w == last_full else iso_week_label(w)),
                iso_week_label(w),
            )
            for w in weeks
        ],
        label,
        "briefing-week",
    )
    snapshot = reader.snapshot(chosen)
    confirmed = editions.confirmations_of(store, label)
    c_rows = []
    for code, unit in catalogue.units.items():
        entry = confirmed.get(code)
        if entry is None:
            state = html.Span(t("not_confirmed", lang), className="badge badge-none")
        elif entry["figures"] == unit_figures(snapshot, code):
            state = html.Span(t("confirmation_valid", lang), className="badge badge-green")
        else:
            state = html.Span(t("confirmation_changed", lang), className="badge badge-amber")
        c_rows.append(
            html.Tr(
                [
                    html.Td(code, className="code", title=unit.name(lang)),
                    html.Td(unit.name(lang)),
                    html.Td(state),
                    html.Td(entry["confirmed_by"] if entry else ""),
                    html.Td(fmt.when(entry["confirmed_at"]) if entry else ""),
                ],
                id=f"confirmation-{code}",
            )
        )
    c_table = html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(h)
                        for h in (t("unit", lang), "", t("status", lang), t("confirmed_by", lang), t("when", lang))
                    ]
                )
            ),
            html.Tbody(c_rows),
        ],
        className="grid",
        id="briefing-confirmations",
    )
    scopes = [{"label": t("ministry", lang), "value": MINISTRY}] + [
        {"label": f"{code} — {unit.name(lang)}", "value": code} for code, unit in catalogue.units.items()
    ]
    build = section(
        t("build_title", lang).format(week=label),
        html.Div(
            [
                dcc.Dropdown(
                    id="build-scope", options=scopes, value=MINISTRY, clearable=False, className="build-scope"
                ),
                dcc.RadioItems(
                    id="build-lang",
                    options=[{"label": "Tiếng Việt", "value": "vi"}, {"label": "English", "value": "en"}],
                    value=lang,
                    inline=True,
                    className="build-lang",
                ),
                html.Button(t("build_button", lang), id="build-button", n_clicks=0, className="confirm-button"),
                dcc.Store(id="build-target", data={"week": chosen, "lang": lang, "query": query or {}}),
            ],
            className="confirm-row",
        ),
        dcc.Loading(html.Div(result, id="build-result", className="note")),
        note=t("build_help", lang),
    )
    return [
        build,
        section(t("editions", lang), table, downloads("ban-tin", lang), note=t("editions_note", lang)),
        section(
            f"{t('confirmations', lang)} — {t('week', lang)} {label}",
            weeks_picker,
            c_table,
            downloads("xac-nhan", lang, {"week": label}),
            note=t("confirm_help", lang),
        ),
        section(t("deliveries", lang), d_table),
    ]


def register(app, reader) -> None:
    """The page's own callback: build an edition now (the office, after units confirmed)."""

    @app.callback(
        Output("briefings-body", "children", allow_duplicate=True),
        Input("build-button", "n_clicks"),
        State("build-scope", "value"),
        State("build-lang", "value"),
        State("build-target", "data"),
        prevent_initial_call=True,
    )
    def build(clicks: int, scope: str | None, lang: str | None, target: dict):
        if not clicks or not target:
            return no_update
        ui = target.get("lang", "vi")
        scope = "" if scope in (None, MINISTRY) else scope
        try:
            edition = build_edition(reader.store, reader.config, target["week"], scope, lang or "vi", trigger="manual")
        except BuildFailed as error:
            result = [html.Span(f"{t('edition_failed', ui)}: {error}", className="error", id="build-error")]
        else:
            links = [
                html.A(f.upper(), href=download_href(edition.id, f), id=f"built-{f}", className="file-link")
                for f in ("pdf", "docx", "xlsx")
            ]
            result = [t("built_edition", ui).format(id=edition.id), " ", links[0], " · ", links[1], " · ", links[2]]
        return render(reader, ui, target.get("query") or {}, result)  # drawn again: the new edition is listed
