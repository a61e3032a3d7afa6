"""What a wall screen shows: its playlist turned into slides of at most six tiles, a grid or
alerts, every figure formatted for Vietnamese readers with its as-of time and staleness.

Built from the same cached read-model snapshot as the pages; the browser only lays it out.
"""

from __future__ import annotations

import math
import time
from typing import Any

from dashboards import format as fmt
from dashboards.text import t
from metrics.health import Freshness, combine
from metrics.read_models import Figure, Snapshot
from metrics.settings import Config

MAX_TILES = 6


def freshness(f: Freshness, lang: str = "vi") -> dict[str, Any]:
    return {
        "as_of": f"{t('as_of', lang)} {fmt.when(f.as_of)}",
        "stale": f.stale,
        "stale_text": f"{t('stale', lang)} · {fmt.age(f.as_of, lang)}" if f.stale else "",
        "partial_text": t("partial_stale", lang).format(n=len(f.stale_sources), total=f.sources) if f.partial else "",
    }


def tile(
    title: str, value: str, f: Freshness, colour: str, change: str = "", target: str = "", lang: str = "vi"
) -> dict:
    return {
        "title": title,
        "value": value,
        "colour": "none" if f.stale else colour,
        "change": change,
        "target": target,
        **freshness(f, lang),
    }


def _change(figure: Figure, lang: str, points: bool = True) -> str:
    if figure.change is None:
        return ""
    unit = (" điểm %" if lang == "vi" else " pp") if points else ""
    return f"{fmt.signed(figure.change, 1, lang, unit)} {t('vs_last_week', lang)}"


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


def overview_tiles(snap: Snapshot, config: Config, lang: str) -> list[dict]:
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
    return [
        tile(
            t("effectiveness_score", lang),
            fmt.number(eff.value, 1, lang),
            eff.freshness,
            catalogue.colour(eff.value),
            _change(eff, lang, points=False),
            lang=lang,
        ),
        tile(
            t("project06_completion", lang),
            fmt.percent(p06.value, 1, lang),
            p06.freshness,
            catalogue.colour(p06.value),
            _change(p06, lang),
            f"{t('target', lang)} {fmt.percent(100, 0, lang)}",
            lang,
        ),
        tile(
            t("databases_complete", lang),
            f"{complete}/{len(snap.databases)}",
            db_fresh,
            "green" if complete == len(snap.databases) else ("amber" if complete else "red"),
            target=f"{t('databases_mean', lang)} {fmt.number(sum(scored) / len(scored) if scored else None, 1, lang)}",
            lang=lang,
        ),
        tile(
            t("wall_red_databases", lang),
            str(len(red_dbs)),
            db_fresh,
            "red" if red_dbs else "green",
            target=", ".join(db.code for db in red_dbs[:4]),
            lang=lang,
        ),
        tile(
            t("wall_overdue_tasks", lang),
            str(len(overdue)),
            p06.freshness,
            "red" if overdue else "green",
            target="; ".join(_short(catalogue.tasks[task.code].name(lang)) for task in overdue[:2]),
            lang=lang,
        ),
        tile(
            t("sources_healthy", lang),
            f"{len(snap.health) - stale}/{len(snap.health)}",
            all_sources,
            "green" if not stale else ("amber" if stale * 4 < len(snap.health) else "red"),
            lang=lang,
        ),
    ]


def indicator_tiles(snap: Snapshot, config: Config, lang: str) -> list[dict]:
    return [
        tile(
            row.name_vi if lang == "vi" else row.name_en,
            fmt.percent(row.ministry.value, 1, lang),
            row.ministry.freshness,
            config.catalogue.attainment_colour(config.catalogue.indicators[row.code], row.ministry.value),
            _change(row.ministry, lang),
            f"{t('target', lang)} {fmt.percent(row.target, 0, lang)}",
            lang,
        )
        for row in snap.indicators
    ]


def task_tiles(snap: Snapshot, config: Config, lang: str) -> list[dict]:
    tiles = []
    for task in snap.tasks:
        item = tile(
            task.name_vi if lang == "vi" else task.name_en,
            fmt.percent(task.actual.value, 1, lang),
            task.actual.freshness,
            config.catalogue.attainment_colour(config.catalogue.tasks[task.code], task.actual.value),
            _change(task.actual, lang),
            f"{t('target', lang)} {fmt.percent(task.actual.target, 0, lang)} · {t('deadline', lang)} {fmt.date(task.deadline)}",
            lang,
        )
        item["status"] = t(f"status_{task.status}", lang)
        item["alert"] = task.status == "overdue"
        tiles.append(item)
    return tiles


def database_grid(snap: Snapshot, config: Config, lang: str) -> dict:
    catalogue = config.catalogue
    criteria = list(catalogue.criteria.values())
    rows = [
        {
            "code": db.code,
            "stage": str(db.stage or "—"),
            "stale": db.freshness.stale,
            "stale_text": t("stale", lang) if db.freshness.stale else "",
            "cells": [
                {"value": fmt.number(db.scores[c.code], 0, lang), "colour": catalogue.colour(db.scores[c.code])}
                for c in criteria
            ],
            "score": {"value": fmt.number(db.score, 1, lang), "colour": db.colour},
        }
        for db in snap.databases
    ]
    return {
        "header": [t("database", lang), t("stage", lang)] + [c.name(lang) for c in criteria] + [t("score", lang)],
        "rows": rows,
        **freshness(combine(db.freshness for db in snap.databases), lang),
    }


def wall_alerts(snap: Snapshot, config: Config, stale_minutes: float, lang: str, now: float) -> list[dict]:
    catalogue = config.catalogue
    alerts = []
    for task in snap.tasks:
        if task.status == "overdue":
            alerts.append(
                {
                    "kind": t("alert_task_overdue", lang),
                    "subject": catalogue.tasks[task.code].name(lang),
                    "detail": f"{fmt.percent(task.actual.value, 1, lang)} / {fmt.percent(task.actual.target, 0, lang)} · "
                    f"{t('deadline', lang)} {fmt.date(task.deadline)}",
                    "severity": "red",
                }
            )
    for db in snap.databases:
        if db.colour == "red":
            alerts.append(
                {
                    "kind": t("alert_database_red", lang),
                    "subject": catalogue.databases[db.code].name(lang),
                    "detail": f"{t('score', lang)} {fmt.number(db.score, 1, lang)}",
                    "severity": "red",
                }
            )
    for h in snap.health.values():
        if h.stale and (h.as_of is None or now - h.as_of > stale_minutes * 60):
            unit = catalogue.units.get(h.unit)
            alerts.append(
                {
                    "kind": t("alert_stale_source", lang),
                    "subject": f"{unit.name(lang) if unit else ''} · {h.source_id}",
                    "detail": fmt.age(h.as_of, lang),
                    "severity": "red",
                }
            )
    return alerts


def build(snap: Snapshot, config: Config, screens, screen, lang: str = "vi") -> dict:
    """The whole document a screen shows until its next refresh."""
    now = time.time()
    slides = []
    for slide in screen.slides:
        title = t(f"wall_panel_{slide.panel}", lang)
        if slide.panel in ("tong-quan", "hieu-qua", "de-an-06"):
            builder = {"tong-quan": overview_tiles, "hieu-qua": indicator_tiles, "de-an-06": task_tiles}[slide.panel]
            groups = _split(builder(snap, config, lang))
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
                    "grid": database_grid(snap, config, lang),
                }
            )
        else:
            slides.append(
                {
                    "panel": slide.panel,
                    "title": title,
                    "seconds": slide.seconds,
                    "kind": "alerts",
                    "alerts": wall_alerts(snap, config, screens.stale_alert_minutes, lang, now),
                }
            )
    alerts = wall_alerts(snap, config, screens.stale_alert_minutes, lang, now)
    return {
        "screen": screen.name,
        "title": screen.heading(lang),
        "week": f"{t('week', lang)} {snap.week_label}",
        "generated": fmt.when(now),
        "slides": slides,
        "alert_count": len(alerts),
        "loading": snap.backfill.loading,
        "refresh_seconds": screens.refresh_seconds,
        "reload_every_hours": screens.reload_every_hours,
        "reload_at_local_hour": screens.reload_at_local_hour,
        "text": {"offline": t("wall_offline", lang), "alerts": t("alerts", lang), "no_alerts": t("no_alerts", lang)},
    }
