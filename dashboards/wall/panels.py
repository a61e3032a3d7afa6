"""What a wall screen shows: its playlist turned into slides of at most six tiles, a grid or
alerts, every figure formatted for its readers with its as-of time and staleness.

Built from the same cached read-model snapshot as the pages, in the current language; the
browser only lays it out.
"""

from __future__ import annotations

import math
import time
from typing import Any

from base import formatting as fmt
from base import labels, localtime
from base.i18n import N_, _
from dashboards import tables
from dashboards.components import as_of, change_against_last_week, stale_text
from dashboards.screens import Screen, ScreensFile
from dashboards.table import Cell, Column, shown
from metrics.health import Freshness, combine
from metrics.read_models import Snapshot
from metrics.settings import Config

MAX_TILES = 6
PANEL_TITLES = {
    "tong-quan": N_("Ministry overview"),
    "hieu-qua": N_("Service effectiveness (Decision 766)"),
    "de-an-06": N_("Project 06 progress"),
    "csdl": N_("12 databases — six criteria"),
    "canh-bao": N_("Alerts for decision"),
}


def freshness(f: Freshness) -> dict[str, Any]:
    return {
        "as_of": as_of(f.as_of),
        "stale": f.stale,
        "stale_text": stale_text(f) if f.stale else "",
        "partial_text": stale_text(f) if f.partial else "",
    }


def tile(title: str, value: str, f: Freshness, colour: str, change: str = "", target: str = "") -> dict:
    return {
        "title": title,
        "value": value,
        "colour": "none" if f.stale else colour,
        "change": change,
        "target": target,
        **freshness(f),
    }


def _target(value: float | None, decimals: int = 0) -> str:
    return _("Target {target}").format(target=fmt.percent(value, decimals))


def _short(text: str, limit: int = 30) -> str:
    """Cut at a word boundary, with an ellipsis: a name cut mid-word reads as a typo on a wall."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;") + "…"


def _split(items: list, size: int = MAX_TILES) -> list[list]:
    """Even slides of at most size items (7 tiles become 4 + 3, not 6 + 1)."""
    if not items:
        return [[]]
    count = math.ceil(len(items) / size)
    per = math.ceil(len(items) / count)
    return [items[i : i + per] for i in range(0, len(items), per)]


def overview_tiles(snap: Snapshot, config: Config) -> list[dict]:
    catalogue = config.catalogue
    eff, p06 = snap.effectiveness, snap.project06
    complete = sum(db.complete for db in snap.databases)
    red_dbs = [db for db in snap.databases if db.colour == "red"]
    overdue = [task for task in snap.tasks if task.status == "overdue"]
    db_fresh = combine(db.freshness for db in snap.databases)
    scored = [db.score for db in snap.databases if db.score is not None]
    all_sources = combine(
        [Freshness(h.as_of, h.stale, (h.source_id,) if h.stale else (), 1) for h in snap.health.values()]
    )
    stale = sum(h.stale for h in snap.health.values())
    mean = fmt.number(sum(scored) / len(scored) if scored else None, 1)
    return [
        tile(
            _("Service effectiveness (766)"),
            fmt.number(eff.value, 1),
            eff.freshness,
            catalogue.colour(eff.value),
            change_against_last_week(eff.change) or "",
        ),
        tile(
            _("Project 06 completion"),
            fmt.percent(p06.value, 1),
            p06.freshness,
            catalogue.colour(p06.value),
            change_against_last_week(p06.change, points=True) or "",
            _target(100),
        ),
        tile(
            _("Databases meeting all six criteria"),
            f"{complete}/{len(snap.databases)}",
            db_fresh,
            "green" if complete == len(snap.databases) else ("amber" if complete else "red"),
            target=_("Mean database score: {score}").format(score=mean),
        ),
        tile(
            _("Databases in red"),
            str(len(red_dbs)),
            db_fresh,
            "red" if red_dbs else "green",
            target=", ".join(db.code for db in red_dbs[:4]),
        ),
        tile(
            _("Project 06 tasks overdue"),
            str(len(overdue)),
            p06.freshness,
            "red" if overdue else "green",
            target="; ".join(_short(catalogue.tasks[task.code].name()) for task in overdue[:2]),
        ),
        tile(
            _("Sources delivering"),
            f"{sum(h.state == 'ok' for h in snap.health.values())}/"
            f"{sum(h.state != 'disabled' for h in snap.health.values())}",
            all_sources,
            "red"
            if stale * 4 >= len(snap.health)
            else ("amber" if stale or any(h.state == "unusable" for h in snap.health.values()) else "green"),
        ),
    ]


def indicator_tiles(snap: Snapshot, config: Config) -> list[dict]:
    catalogue = config.catalogue
    return [
        tile(
            catalogue.indicators[row.code].name(),
            fmt.percent(row.ministry.value, 1),
            row.ministry.freshness,
            catalogue.attainment_colour(catalogue.indicators[row.code], row.ministry.value),
            change_against_last_week(row.ministry.change) or "",
            _target(row.target),
        )
        for row in snap.indicators
    ]


def task_tiles(snap: Snapshot, config: Config) -> list[dict]:
    catalogue = config.catalogue
    tiles = []
    for task in snap.tasks:
        item = tile(
            catalogue.tasks[task.code].name(),
            fmt.percent(task.actual.value, 1),
            task.actual.freshness,
            catalogue.attainment_colour(catalogue.tasks[task.code], task.actual.value),
            change_against_last_week(task.actual.change) or "",
            _target(task.actual.target) + " · " + _("Deadline {date}").format(date=fmt.date(task.deadline)),
        )
        item["status"] = labels.task_status(task.status)
        item["alert"] = task.status == "overdue"
        tiles.append(item)
    return tiles


def database_grid(snap: Snapshot, config: Config) -> dict:
    """The overview's database grid (dashboards/tables.py, database_heat) for the wall to draw."""
    heat = tables.database_heat(snap, config.catalogue)
    columns = [c for c in heat.columns if c.key != "stale"]
    criteria = columns[2:-1]

    def light(cell: Cell, column: Column) -> dict[str, Any]:
        return {"value": shown(column, cell.value), "colour": cell.colour}

    rows = []
    for row, db in zip(heat.rows, snap.databases, strict=True):
        cells = dict(zip([c.key for c in heat.columns], row.cells, strict=True))
        rows.append(
            {
                "code": db.code,
                "stage": cells["stage"].text,
                "stale": db.freshness.stale,
                "stale_text": _("stale data") if db.freshness.stale else "",
                "cells": [light(cells[c.key], c) for c in criteria],
                "score": light(cells["score"], columns[-1]),
            }
        )
    return {
        "header": [c.label for c in columns],
        "rows": rows,
        **freshness(combine(db.freshness for db in snap.databases)),
    }


def wall_alerts(snap: Snapshot, config: Config, stale_minutes: float, now: float) -> list[dict]:
    catalogue = config.catalogue
    alerts = []
    for task in snap.tasks:
        if task.status == "overdue":
            alerts.append(
                {
                    "kind": labels.label(labels.ALERT_KIND, "task_overdue"),
                    "subject": catalogue.tasks[task.code].name(),
                    "detail": f"{fmt.percent(task.actual.value, 1)} / {fmt.percent(task.actual.target, 0)} · "
                    + _("Deadline {date}").format(date=fmt.date(task.deadline)),
                    "severity": "red",
                }
            )
    for db in snap.databases:
        if db.colour == "red":
            alerts.append(
                {
                    "kind": labels.label(labels.ALERT_KIND, "database_red"),
                    "subject": catalogue.databases[db.code].name(),
                    "detail": _("Score {score}").format(score=fmt.number(db.score, 1)),
                    "severity": "red",
                }
            )
    for directive in snap.directives:
        if directive.state != "open":
            continue
        late = directive.overdue(now)
        unit = catalogue.units.get(directive.unit)
        alerts.append(
            {
                "kind": labels.label(labels.ALERT_KIND, "directive_overdue" if late else "directive_open"),
                "subject": f"{unit.name() if unit else directive.unit} · {directive.text[:120]}",
                "detail": _("Due {date}").format(date=fmt.day(directive.due_end - 1)),
                "severity": "red" if late else "amber",
            }
        )
    for h in snap.health.values():
        unit = catalogue.units.get(h.unit)
        subject = f"{unit.name() if unit else ''} · {h.source_id}"
        if h.stale and (h.as_of is None or now - h.as_of > stale_minutes * 60):
            kind, detail, severity = "stale_source", fmt.age(h.as_of), "red"
        elif h.state == "unusable":
            detail = _("last answer {age}, every record quarantined").format(age=fmt.age(h.last_run))
            kind, severity = "unusable_source", "amber"
        else:
            continue
        alerts.append(
            {"kind": labels.label(labels.ALERT_KIND, kind), "subject": subject, "detail": detail, "severity": severity}
        )
    return alerts


BUILDERS = {"tong-quan": overview_tiles, "hieu-qua": indicator_tiles, "de-an-06": task_tiles}


def build(snap: Snapshot, config: Config, screens: ScreensFile, screen: Screen) -> dict:
    """The whole document a screen shows until its next refresh, in the current language."""
    now = time.time()
    slides: list[dict] = []
    alerts = wall_alerts(snap, config, screens.stale_alert_minutes, now)
    for slide in screen.slides:
        title = _(PANEL_TITLES[slide.panel])
        if slide.panel in BUILDERS:
            groups = _split(BUILDERS[slide.panel](snap, config))
            for index, group in enumerate(groups):
                suffix = f" ({index + 1}/{len(groups)})" if len(groups) > 1 else ""
                slides.append(
                    {
                        "panel": slide.panel,
                        "title": title + suffix,
                        "seconds": slide.seconds,
                        "kind": "tiles",
                        "tiles": group,
                    }
                )
        elif slide.panel == "csdl":
            slides.append(
                {
                    "panel": slide.panel,
                    "title": title,
                    "seconds": slide.seconds,
                    "kind": "grid",
                    "grid": database_grid(snap, config),
                }
            )
        else:
            slides.append(
                {"panel": slide.panel, "title": title, "seconds": slide.seconds, "kind": "alerts", "alerts": alerts}
            )
    return {
        "screen": screen.name,
        "title": screen.heading(),
        "week": _("Week {week}").format(week=snap.week_label),
        "generated": fmt.when(now),
        "slides": slides,
        "alert_count": len(alerts),
        "loading": snap.backfill.loading,
        "refresh_seconds": screens.refresh_seconds,
        "reload_every_hours": screens.reload_every_hours,
        "reload_at_local_hour": screens.reload_at_local_hour,
        "utc_offset_minutes": localtime.offset() // 60,
        "text": {
            "offline": _("Server unreachable — showing figures received at"),
            "alerts": _("Alerts"),
            "no_alerts": _("No alerts"),
        },
    }
