"""The 12 key databases against the six criteria, with their stage, the week's change and
records; filtered by owner (?unit=) and week (?week=) in the URL."""

from __future__ import annotations

from dash import dcc, html

from dashboards import format as fmt
from dashboards.components import (
    downloads,
    freshness_line,
    heat_cell,
    picker,
    section,
    week_of,
    week_picker,
    with_filters,
)
from dashboards.pages import database, lineage
from dashboards.text import t

PATH = "/co-so-du-lieu"
NAME = "nav_databases"


def render(reader, lang: str = "vi", query: dict | None = None) -> list:
    snap = reader.snapshot(week_of(query))
    catalogue = reader.config.catalogue
    chosen = (query or {}).get("unit", "")
    owners = list(dict.fromkeys(db.owner for db in snap.databases))
    units = picker(
        [(t("all_units", lang), with_filters(PATH, query, unit=""), "")]
        + [(code, with_filters(PATH, query, unit=code), code) for code in owners],
        chosen,
        "db-unit",
    )
    criteria = list(catalogue.criteria.values())
    header = (
        [t("database", lang), t("owner", lang), t("stage", lang)]
        + [c.name(lang) for c in criteria]
        + [t("score", lang), t("week_change", lang), t("records", lang), t("complete", lang), t("as_of", lang)]
    )
    rows = []
    for db in snap.databases:
        if chosen and db.owner != chosen:
            continue
        stage = catalogue.stages.get(db.stage) if db.stage else None
        cells = [
            html.Td(
                [
                    dcc.Link(
                        db.code,
                        href=with_filters(database.PATH, query, db=db.code, unit=""),
                        className="code",
                        id=f"db-{db.code}",
                    ),
                    html.Div(db.name_vi if lang == "vi" else db.name_en, className="small"),
                ]
            ),
            html.Td(catalogue.units[db.owner].code, title=catalogue.units[db.owner].name(lang)),
            html.Td(f"{db.stage}. {stage.name(lang)}" if stage else "—", className="stage"),
        ]
        cells += [
            heat_cell(
                db.scores[c.code],
                catalogue.colour(db.scores[c.code]),
                lang,
                link=lineage.href(c.metric, db.owner, db.code),
            )
            for c in criteria
        ]
        cells.append(heat_cell(db.score, db.colour, lang))
        cells.append(html.Td(fmt.signed(db.change, 1, lang) if db.change is not None else "—", className="num change"))
        share = None if db.records is None else 100 * db.records / db.records_target
        cells.append(
            html.Td(
                [
                    html.Div(f"{fmt.number(db.records, 0, lang)} / {fmt.number(db.records_target, 0, lang)}"),
                    html.Div(fmt.percent(share, 1, lang), className="small"),
                ],
                className="num",
            )
        )
        cells.append(html.Td("✔" if db.complete else "", className="complete"))
        cells.append(html.Td(freshness_line(db.freshness, lang)))
        rows.append(html.Tr(cells))
    table = html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(rows)],
        className="grid heatgrid",
        id="databases-grid",
    )
    thresholds = catalogue.thresholds
    legend = html.P(
        f"{t('score', lang)} = Σ (trọng số × điểm tiêu chí) / Σ trọng số. Xanh ≥ {fmt.number(thresholds.green, 0, lang)}, "
        f"vàng {fmt.number(thresholds.amber, 0, lang)}–{fmt.number(thresholds.green, 0, lang)}, đỏ < {fmt.number(thresholds.amber, 0, lang)}."
        if lang == "vi"
        else f"Score = Σ (weight × criterion score) / Σ weights. Green ≥ {thresholds.green:g}, amber {thresholds.amber:g}–{thresholds.green:g}, red < {thresholds.amber:g}.",
        className="note",
    )
    criteria_list = html.Ul(
        [
            html.Li(
                [
                    html.B(c.name(lang)),
                    f" (×{fmt.number(c.weight, 1, lang)}): ",
                    c.indicator_vi if lang == "vi" else c.indicator_en,
                ]
            )
            for c in criteria
        ],
        className="formulas",
    )
    return [
        html.Div([units, week_picker(snap, PATH, query, lang)], className="filters"),
        section(
            t("nav_databases", lang),
            table,
            legend,
            downloads("co-so-du-lieu", lang, query),
            note=t("db_assumption", lang),
        ),
        section(t("formula", lang), criteria_list),
    ]
