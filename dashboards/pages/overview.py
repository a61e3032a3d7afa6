"""Overview: the ministry in one view, for leadership."""

from __future__ import annotations

from dash import html

from base import formatting as fmt
from base import labels
from base.i18n import N_, _, ngettext
from dashboards import links, tables
from dashboards.components import (
    change_against_last_week,
    downloads,
    freshness_line,
    section,
    snapshot_of,
    tile,
    week_label,
    week_of,
    week_picker,
)
from dashboards.page import Page, Query
from dashboards.reader import Reader
from dashboards.table import grid
from metrics.health import combine, freshness
from metrics.read_models import Alert


def render(reader: Reader, query: Query) -> list:
    snap = snapshot_of(reader, query)
    national = reader.snapshot(week_of(query)) if snap.province else snap  # the databases are national
    catalogue = reader.config.catalogue
    eff, p06 = snap.effectiveness, snap.project06
    complete = sum(db.complete for db in national.databases)
    scored = [db.score for db in national.databases if db.score is not None]
    db_fresh = combine(db.freshness for db in national.databases)
    active = [h for h in snap.health.values() if h.state != "disabled"]
    healthy = sum(h.state == "ok" for h in active)
    stale = sum(h.stale for h in snap.health.values())
    unusable = sum(h.state == "unusable" for h in snap.health.values())
    all_sources = freshness(list(snap.health), snap.health)
    tiles = html.Div(
        [
            tile(
                _("Service effectiveness (766)"),
                fmt.number(eff.value, 1),
                eff.freshness,
                catalogue.colour(eff.value),
                detail=week_label(snap),
                change=change_against_last_week(eff.change),
                tile_id="tile-effectiveness",
            ),
            tile(
                _("Project 06 completion"),
                fmt.percent(p06.value, 1),
                p06.freshness,
                catalogue.colour(p06.value),
                detail=ngettext("{n} task", "{n} tasks", len(snap.tasks)).format(n=len(snap.tasks)),
                change=change_against_last_week(p06.change, points=True),
                tile_id="tile-project06",
            ),
            tile(
                _("Databases meeting all six criteria"),
                f"{complete}/{len(national.databases)}",
                db_fresh,
                "green" if complete == len(national.databases) else ("amber" if complete else "red"),
                detail=_("Mean database score: {score}").format(
                    score=fmt.number(sum(scored) / len(scored) if scored else None, 1)
                ),
                tile_id="tile-databases",
            ),
            tile(
                _("Sources delivering"),
                f"{healthy}/{len(active)}",
                all_sources,
                "red" if stale else ("amber" if unusable else "green"),
                detail=", ".join(
                    part
                    for part in (
                        ngettext("{n} stale", "{n} stale", stale).format(n=stale) if stale else "",
                        ngettext("{n} sending nothing usable", "{n} sending nothing usable", unusable).format(
                            n=unusable
                        )
                        if unusable
                        else "",
                    )
                    if part
                )
                or None,
                tile_id="tile-sources",
            ),
        ],
        className="tiles",
    )
    heat = tables.database_heat(snap, catalogue)
    alert_items = [
        html.Li(
            [
                html.Span(labels.label(labels.ALERT_KIND, a.kind), className=f"alert-kind alert-{a.severity}"),
                html.Span(_subject(a, reader), className="alert-subject"),
                html.Span(_figure(a), className="alert-detail", title=a.detail),
            ]
        )
        for a in snap.alerts
    ]
    alerts = html.Ul(alert_items or [html.Li(_("No alerts"))], className="alerts", id="overview-alerts")
    return [
        week_picker(snap, links.OVERVIEW, query),
        tiles,
        html.Div(
            [
                section(
                    _("12 databases") + (" · " + _("whole country") if snap.province else ""),
                    grid(heat, "overview-db-grid", "grid heatgrid"),
                    freshness_line(db_fresh),
                    downloads("co-so-du-lieu", query),
                ),
                section(_("Alerts ({n})").format(n=len(snap.alerts)), alerts),
            ],
            className="two-columns",
        ),
    ]


def _figure(alert: Alert) -> str:
    if alert.kind == "directive_overdue":
        return alert.detail  # the responsible unit
    if alert.kind in ("stale_source", "unusable_source"):
        return fmt.age(alert.value)
    return fmt.percent(alert.value, 1) if alert.kind.startswith("task_") else fmt.number(alert.value, 1)


def _subject(alert: Alert, reader: Reader) -> str:
    catalogue, health = reader.config.catalogue, reader.snapshot().health
    if alert.kind.startswith("task_") and alert.subject in catalogue.tasks:
        return catalogue.tasks[alert.subject].name()
    if alert.kind == "database_red" and alert.subject in catalogue.databases:
        return catalogue.databases[alert.subject].name()
    if alert.kind == "directive_overdue":
        found = next((d for d in reader.snapshot().directives if str(d.id) == alert.subject), None)
        return f"#{alert.subject} · {found.text[:80]}" if found else f"#{alert.subject}"
    if alert.kind in ("stale_source", "unusable_source") and alert.subject in health:
        unit = catalogue.units.get(health[alert.subject].unit)
        return f"{unit.name()} · {alert.subject}" if unit else alert.subject
    return alert.subject


PAGE = Page("overview", links.OVERVIEW, N_("Overview"), render)
