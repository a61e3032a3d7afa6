"""One database (?db=CODE): its six criteria over time, records against target, stage, the
formula of its score with this week's numbers in it, and the sources that feed it."""

from __future__ import annotations

import time

import plotly.graph_objects as go
from dash import html

from dashboards import format as fmt
from dashboards.components import (
    chart,
    downloads,
    freshness_line,
    heat_cell,
    picker,
    section,
    week_of,
    week_picker,
    with_filters,
)
from dashboards.pages import lineage
from dashboards.text import t
from dashboards.theme import TEMPLATE
from metrics.series_reads import series_history

PATH = "/csdl"
NAME = "nav_database"
HISTORY_DAYS = 182


def render(reader, lang: str = "vi", query: dict | None = None) -> list:
    snap = reader.snapshot(week_of(query))
    catalogue = reader.config.catalogue
    code = (query or {}).get("db") or next(iter(catalogue.databases))
    if code not in catalogue.databases:
        return [html.P(f"{t('database', lang)} '{code}' ?", className="note")]
    db = catalogue.databases[code]
    row = next(r for r in snap.databases if r.code == code)
    databases = picker([(d, with_filters(PATH, query, db=d), d) for d in catalogue.databases], code, "db-link")
    criteria = list(catalogue.criteria.values())
    known = [(c, row.scores[c.code]) for c in criteria if row.scores[c.code] is not None]
    weights = sum(c.weight for c, _ in known)
    terms = " + ".join(f"{fmt.number(c.weight, 1, lang)} × {fmt.number(s, 1, lang)}" for c, s in known)
    formula = (
        f"{t('score', lang)} = Σ ({'trọng số × điểm tiêu chí' if lang == 'vi' else 'weight × criterion score'}) / Σ "
        f"{'trọng số' if lang == 'vi' else 'weights'} = ({terms}) / {fmt.number(weights, 1, lang)} = {fmt.number(row.score, 1, lang)}"
        if known
        else t("no_data", lang)
    )
    stage = catalogue.stages.get(row.stage) if row.stage else None
    since = time.time() - HISTORY_DAYS * 86400
    trends = go.Figure(layout={"template": TEMPLATE})
    for criterion in criteria:
        history = series_history(reader.store, criterion.metric, db.owner, code, since)
        trends.add_scatter(
            x=[fmt.local(ts) for ts in history["ts"]], y=history["value"], mode="lines", name=criterion.name(lang)
        )
    trends.add_hline(y=catalogue.thresholds.green, line={"dash": "dot", "color": "#1b7f3b"})
    trends.add_hline(y=catalogue.thresholds.amber, line={"dash": "dot", "color": "#c62828"})
    trends.update_yaxes(range=[40, 101])
    records = series_history(reader.store, "db_records", db.owner, code, since)
    growth = go.Figure(layout={"template": TEMPLATE})
    growth.add_scatter(
        x=[fmt.local(ts) for ts in records["ts"]], y=records["value"], mode="lines", name=t("records", lang)
    )
    growth.add_hline(
        y=db.records_target,
        line={"dash": "dot", "color": "#5b6475"},
        annotation_text=f"{t('target', lang)} {fmt.number(db.records_target, 0, lang)}",
    )
    cells = html.Table(
        [
            html.Thead(html.Tr([html.Th(c.name(lang)) for c in criteria] + [html.Th(t("score", lang))])),
            html.Tbody(
                html.Tr(
                    [
                        heat_cell(
                            row.scores[c.code],
                            catalogue.colour(row.scores[c.code]),
                            lang,
                            link=lineage.href(c.metric, db.owner, code),
                        )
                        for c in criteria
                    ]
                    + [heat_cell(row.score, row.colour, lang)]
                )
            ),
        ],
        className="grid heatgrid",
        id="database-scores",
    )
    feeding = _sources(reader, code)
    health = [h for h in snap.health.values() if h.source_id in feeding]
    source_list = html.Ul(
        [
            html.Li(
                f"{h.source_id} · {t(f'state_{h.state}', lang)} · {t('last_success', lang)} "
                f"{fmt.when(h.last_live_success)}"
            )
            for h in health
        ],
        id="database-sources",
    )
    return [
        databases,
        week_picker(snap, PATH, {**(query or {}), "db": code}, lang),
        html.H1(f"{db.code} — {db.name(lang)}", className="unit-name", id="database-name"),
        html.P(
            f"{t('owner', lang)}: {catalogue.units[db.owner].name(lang)} · {t('stage', lang)}: "
            f"{row.stage}. {stage.name(lang) if stage else '—'} · {t('records', lang)}: "
            f"{fmt.number(row.records, 0, lang)} / {fmt.number(db.records_target, 0, lang)}"
            + (
                f" · {t('score', lang)} {fmt.signed(row.change, 1, lang)} {t('vs_last_week', lang)}"
                if row.change is not None
                else ""
            ),
            className="note",
        ),
        section(
            t("score", lang),
            cells,
            html.P(formula, className="formula", id="database-formula"),
            freshness_line(row.freshness, lang),
            downloads("co-so-du-lieu", lang, {**(query or {}), "db": code}),
        ),
        section(t("trend_26w", lang).split("(")[0].strip(), chart(trends, "database-trends", 320)),
        section(t("records", lang), chart(growth, "database-records", 260)),
        section(t("nav_sources", lang), source_list),
    ]


def _sources(reader, code: str) -> set[str]:
    """The sources of the owner unit (the ones that report the database's figures)."""
    owner = reader.config.catalogue.databases[code].owner
    return {h.source_id for h in reader.snapshot().health.values() if h.unit == owner}
