"""Overview: the ministry in one view, for leadership."""

from __future__ import annotations

from dash import html

from dashboards import format as fmt
from dashboards.components import downloads, freshness_line, heat_cell, section, tile, week_of, week_picker
from dashboards.text import t
from metrics.health import combine, freshness

PATH = "/"
NAME = "nav_overview"


def render(reader, lang: str = "vi", query: dict | None = None) -> list:
    snap = reader.snapshot(week_of(query))
    catalogue = reader.config.catalogue
    eff, p06 = snap.effectiveness, snap.project06
    complete = sum(db.complete for db in snap.databases)
    scored = [db.score for db in snap.databases if db.score is not None]
    db_fresh = combine(db.freshness for db in snap.databases)
    healthy = sum(not h.stale and h.state != "waiting" for h in snap.health.values())
    stale = sum(h.stale for h in snap.health.values())
    all_sources = freshness(list(snap.health), snap.health)
    current = not snap.weeks or snap.week >= snap.weeks[-1]
    week = f"{t('week', lang)} {snap.week_label}" + (f" ({t('to_date', lang)})" if current else "")
    tiles = html.Div(
        [
            tile(
                t("effectiveness_score", lang),
                fmt.number(eff.value, 1, lang),
                eff.freshness,
                lang,
                catalogue.colour(eff.value),
                detail=week,
                change=f"{fmt.signed(eff.change, 1, lang)} {t('vs_last_week', lang)}"
                if eff.change is not None
                else None,
                tile_id="tile-effectiveness",
            ),
            tile(
                t("project06_completion", lang),
                fmt.percent(p06.value, 1, lang),
                p06.freshness,
                lang,
                catalogue.colour(p06.value),
                detail=t("tasks_count", lang).format(n=len(snap.tasks)),
                change=f"{fmt.signed(p06.change, 1, lang, ' điểm %' if lang == 'vi' else ' pp')} {t('vs_last_week', lang)}"
                if p06.change is not None
                else None,
                tile_id="tile-project06",
            ),
            tile(
                t("databases_complete", lang),
                f"{complete}/{len(snap.databases)}",
                db_fresh,
                lang,
                "green" if complete == len(snap.databases) else ("amber" if complete else "red"),
                detail=f"{t('databases_mean', lang)}: {fmt.number(sum(scored) / len(scored) if scored else None, 1, lang)}",
                tile_id="tile-databases",
            ),
            tile(
                t("sources_healthy", lang),
                f"{healthy}/{len(snap.health)}",
                all_sources,
                lang,
                "green" if not stale else "red",
                detail=t("stale_count", lang).format(n=stale) if stale else None,
                tile_id="tile-sources",
            ),
        ],
        className="tiles",
    )

    criteria = list(catalogue.criteria.values())
    grid_rows = []
    for db in snap.databases:
        cells = [
            html.Td(db.code, className="code", title=db.name_vi if lang == "vi" else db.name_en),
            html.Td(str(db.stage or "—"), className="stage"),
        ]
        cells += [heat_cell(db.scores[c.code], catalogue.colour(db.scores[c.code]), lang, 0) for c in criteria]
        cells.append(heat_cell(db.score, db.colour, lang, 1))
        cells.append(html.Td(html.Span(t("stale", lang), className="badge badge-stale") if db.freshness.stale else ""))
        grid_rows.append(html.Tr(cells))
    grid = html.Table(
        [
            html.Thead(
                html.Tr(
                    [html.Th(t("database", lang)), html.Th(t("stage", lang))]
                    + [html.Th(c.name(lang)) for c in criteria]
                    + [html.Th(t("score", lang)), html.Th("")]
                )
            ),
            html.Tbody(grid_rows),
        ],
        className="grid heatgrid",
        id="overview-db-grid",
    )

    alert_items = [
        html.Li(
            [
                html.Span(t(f"alert_{a.kind}", lang), className=f"alert-kind alert-{a.severity}"),
                html.Span(_subject(a, catalogue, snap.health, lang), className="alert-subject"),
                html.Span(_figure(a, lang), className="alert-detail", title=a.detail),
            ]
        )
        for a in snap.alerts
    ]
    alerts = html.Ul(alert_items or [html.Li(t("no_alerts", lang))], className="alerts", id="overview-alerts")
    return [
        week_picker(snap, PATH, query, lang),
        tiles,
        html.Div(
            [
                section(
                    t("nav_databases", lang),
                    grid,
                    freshness_line(db_fresh, lang),
                    downloads("co-so-du-lieu", lang, query),
                ),
                section(f"{t('alerts', lang)} ({len(snap.alerts)})", alerts),
            ],
            className="two-columns",
        ),
    ]


def _figure(alert, lang: str) -> str:
    if alert.kind == "stale_source":
        return fmt.age(alert.value, lang)
    return fmt.percent(alert.value, 1, lang) if alert.kind.startswith("task_") else fmt.number(alert.value, 1, lang)


def _subject(alert, catalogue, health, lang: str) -> str:
    if alert.kind.startswith("task_") and alert.subject in catalogue.tasks:
        return catalogue.tasks[alert.subject].name(lang)
    if alert.kind == "database_red" and alert.subject in catalogue.databases:
        return catalogue.databases[alert.subject].name(lang)
    if alert.kind == "stale_source" and alert.subject in health:
        unit = catalogue.units.get(health[alert.subject].unit)
        return f"{unit.name(lang)} · {alert.subject}" if unit else alert.subject
    return alert.subject
