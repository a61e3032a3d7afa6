"""What the pages and briefings read: one snapshot per view, built from the store.

Each function takes the store and the configuration and returns plain dataclasses and
frames (picklable, so the web layer can cache them keyed by the store's data version).
Every figure carries its Freshness: the time it is as of and whether a source is stale.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import pandas as pd

from base.catalogue import Catalogue, Ratio
from base.localtime import WEEK, iso_week_label, local, midnight, week_start
from metrics import directives
from metrics.directives import Directive, FollowUp
from metrics.health import BackfillProgress, Freshness, SourceHealth, backfill_progress, freshness, source_health
from metrics.series_reads import latest_frame, series_sources, weekly_by_province, weekly_frame
from metrics.settings import Config
from metrics.store import Store

TREND_WEEKS = 26
AT_RISK_DAYS = 60


@dataclass(frozen=True)
class Figure:
    value: float | None
    freshness: Freshness
    previous: float | None = None
    target: float | None = None

    @property
    def change(self) -> float | None:
        return None if self.value is None or self.previous is None else self.value - self.previous


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    name_vi: str
    name_en: str
    formula_vi: str
    target: float
    ministry: Figure
    by_unit: dict[str, float | None]
    trend: list[tuple[int, float | None]]


@dataclass(frozen=True)
class TaskRow:
    code: str
    name_vi: str
    name_en: str
    owner: str
    rule_vi: str
    deadline: dt.date
    sla_hours: float | None
    numerator: float | None
    denominator: float | None
    actual: Figure
    status: str  # met | on_track | at_risk | overdue | no_data
    trend: list[tuple[int, float | None]]
    plan: list[tuple[int, float]] = field(default_factory=list)  # the straight path to target by the deadline

    @property
    def gap(self) -> float | None:
        return (
            None if self.actual.value is None or self.actual.target is None else self.actual.value - self.actual.target
        )


@dataclass(frozen=True)
class DatabaseRow:
    code: str
    name_vi: str
    name_en: str
    owner: str
    stage: int | None
    scores: dict[str, float | None]
    score: float | None
    colour: str
    records: float | None
    records_target: int
    complete: bool
    freshness: Freshness
    previous_score: float | None = None  # at the end of the week before

    @property
    def change(self) -> float | None:
        return None if self.score is None or self.previous_score is None else self.score - self.previous_score


@dataclass(frozen=True)
class Alert:
    severity: str  # red | amber
    kind: str  # stale_source | unusable_source | database_red | task_overdue | task_at_risk | directive_overdue
    subject: str
    value: float | None = None  # the score or rate that raised it (a stale source: its as-of time)
    detail: str = ""  # e.g. the source's last error


@dataclass(frozen=True)
class Snapshot:
    """Everything the pages show, computed once per data version."""

    built_at: float
    week: int
    week_label: str
    weeks: list[int]  # the weeks with data, oldest first (what a period filter offers)
    health: dict[str, SourceHealth]
    backfill: BackfillProgress
    indicators: list[IndicatorRow]
    effectiveness: Figure
    unit_effectiveness: dict[str, Figure]
    tasks: list[TaskRow]
    project06: Figure
    databases: list[DatabaseRow]
    alerts: list[Alert] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)  # every directive, open ones first
    follow_up: dict[str, FollowUp] = field(default_factory=dict)  # each unit's, as of built_at
    province: str = ""  # the province the figures are narrowed to ("" the ministry's)
    # Each indicator's figure of the week in each province that reports it (the ministry's
    # snapshot only): indicator code → {province code: percent}.
    by_province: dict[str, dict[str, float | None]] = field(default_factory=dict)


class WeeklySums:
    """Weekly totals by (week, metric) and (week, unit, metric), looked up without re-grouping."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.ministry = frame.groupby(["week", "metric"])["value"].sum().to_dict()
        self.by_unit = frame.groupby(["week", "unit", "metric"])["value"].sum().to_dict()

    def ratio(
        self, ratio: Ratio, week: int, unit: str | None = None
    ) -> tuple[float | None, float | None, float | None]:
        """(numerator, denominator, percent) of ratio over week, for one unit or all units."""
        if unit is None:
            num, den = self.ministry.get((week, ratio.numerator)), self.ministry.get((week, ratio.denominator))
        else:
            num, den = (
                self.by_unit.get((week, unit, ratio.numerator)),
                self.by_unit.get((week, unit, ratio.denominator)),
            )
        if num is None or den is None:
            return None, None, None
        return float(num), float(den), (100.0 * num / den if den > 0 else None)


def _sources(frame: pd.DataFrame, metrics: list[str], unit: str | None = None) -> list[str]:
    rows = frame[frame["metric"].isin(metrics)]
    if unit is not None:
        rows = rows[rows["unit"] == unit]
    return rows["source_id"].unique().tolist()


def _effectiveness_score(values: dict[str, float | None], catalogue: Catalogue) -> float | None:
    """766-style score: each group's points times the mean rate of its indicators, scaled to
    the groups that have indicators with data."""
    total_points, score = 0.0, 0.0
    for group in catalogue.groups.values():
        rates = [
            min(100.0, v)
            for code, v in values.items()
            if v is not None and catalogue.indicators[code].group == group.code
        ]
        if rates:
            total_points += group.points
            score += group.points * sum(rates) / len(rates) / 100.0
    return 100.0 * score / total_points if total_points else None


def plan_path(trend: list[tuple[int, float | None]], target: float, deadline: dt.date) -> list[tuple[int, float]]:
    """The plan a task is held to: a straight line from its first measured week to the target
    at the deadline, then the target (no official intermediate milestones were published)."""
    known = [(w, v) for w, v in trend if v is not None]
    if not known:
        return []
    start_week, start_value = known[0]
    end = midnight(deadline)
    span = end - start_week
    return [
        (w, target if span <= 0 or w >= end else start_value + (target - start_value) * (w - start_week) / span)
        for w, _ in trend
    ]


def _task_status(task, actual: float | None, today: dt.date) -> str:
    if actual is None:
        return "no_data"
    if actual >= task.target:
        return "met"
    if task.deadline < today:
        return "overdue"
    return "at_risk" if (task.deadline - today).days <= AT_RISK_DAYS else "on_track"


def build_snapshot(
    store: Store, config: Config, now: float | None = None, week: int | None = None, province: str = ""
) -> Snapshot:
    """Every page's figures; week (its Monday, epoch seconds) chooses the week shown, the
    current one by default; province narrows them to one province's series (the ministry's
    figures are the provinces' rolled up); freshness and alerts are always as of now."""
    now = now or time.time()
    catalogue = config.catalogue
    health = source_health(store, config, now)
    frame = weekly_frame(store, catalogue, TREND_WEEKS, now, province)
    fed_by = series_sources(store, province)
    week = week_start(week if week is not None else now)
    previous = week - WEEK
    weeks = sorted(frame["week"].unique().tolist()) if len(frame) else [week]
    sums = WeeklySums(frame)

    indicators, ministry_values, previous_values = [], {}, {}
    unit_values: dict[str, dict[str, float | None]] = {u: {} for u in catalogue.units}
    for ind in catalogue.indicators.values():
        metrics = [ind.numerator, ind.denominator]
        _, _, value = sums.ratio(ind, week)
        _, _, before = sums.ratio(ind, previous)
        by_unit = {}
        for unit in catalogue.units:
            by_unit[unit] = sums.ratio(ind, week, unit)[2]
            unit_values[unit][ind.code] = by_unit[unit]
        ministry_values[ind.code], previous_values[ind.code] = value, before
        indicators.append(
            IndicatorRow(
                ind.code,
                ind.name_vi,
                ind.name_en,
                ind.formula_vi,
                ind.target,
                Figure(value, freshness(_sources(fed_by, metrics), health), before, ind.target),
                by_unit,
                [(w, sums.ratio(ind, w)[2]) for w in weeks],
            )
        )
    indicator_metrics = [m for ind in catalogue.indicators.values() for m in (ind.numerator, ind.denominator)]
    effectiveness = Figure(
        _effectiveness_score(ministry_values, catalogue),
        freshness(_sources(fed_by, indicator_metrics), health),
        _effectiveness_score(previous_values, catalogue),
    )
    unit_effectiveness = {
        unit: Figure(
            _effectiveness_score(values, catalogue), freshness(_sources(fed_by, indicator_metrics, unit), health)
        )
        for unit, values in unit_values.items()
    }

    today = local(now).date()
    tasks = []
    for task in catalogue.tasks.values():
        num, den, actual = sums.ratio(task, week, task.owner)
        before = sums.ratio(task, previous, task.owner)[2]
        fresh = freshness(_sources(fed_by, [task.numerator, task.denominator], task.owner), health)
        trend = [(w, sums.ratio(task, w, task.owner)[2]) for w in weeks]
        tasks.append(
            TaskRow(
                task.code,
                task.name_vi,
                task.name_en,
                task.owner,
                task.rule_vi,
                task.deadline,
                task.sla_hours,
                num,
                den,
                Figure(actual, fresh, before, task.target),
                _task_status(task, actual, today),
                trend,
                plan_path(trend, task.target, task.deadline),
            )
        )
    attainment = [
        min(1.0, t.actual.value / t.actual.target) * 100
        for t in tasks
        if t.actual.value is not None and t.actual.target
    ]
    attainment_before = [
        min(1.0, t.actual.previous / t.actual.target) * 100
        for t in tasks
        if t.actual.previous is not None and t.actual.target
    ]
    project06 = Figure(
        sum(attainment) / len(attainment) if attainment else None,
        freshness([s for t in tasks for s in _sources(fed_by, [catalogue.tasks[t.code].numerator], t.owner)], health),
        sum(attainment_before) / len(attainment_before) if attainment_before else None,
        100.0,
    )

    # Databases report states, not flows: the week's figure is the newest sample before its end.
    week_end = week + WEEK
    databases = _database_rows(store, config, health, week_end if week_end <= now else None, week, province, fed_by)
    alerts = _alerts(config, health, databases, tasks)
    every_directive = directives.listed(store)
    alerts += [Alert("red", "directive_overdue", str(d.id), None, d.unit) for d in every_directive if d.overdue(now)]
    return Snapshot(
        built_at=now,
        week=week,
        week_label=iso_week_label(week),
        weeks=weeks,
        health=health,
        backfill=backfill_progress(store, config),
        indicators=indicators,
        effectiveness=effectiveness,
        unit_effectiveness=unit_effectiveness,
        tasks=tasks,
        project06=project06,
        databases=databases,
        alerts=alerts,
        directives=every_directive,
        follow_up=directives.follow_up(every_directive, catalogue.units, now),
        province=province,
        by_province={} if province else _indicators_by_province(store, catalogue, week),
    )


def _indicators_by_province(store: Store, catalogue: Catalogue, week: int) -> dict[str, dict[str, float | None]]:
    """Each indicator's rate in each province, recomputed from the province's numerator and
    denominator of the week."""
    metrics = sorted({m for ind in catalogue.indicators.values() for m in (ind.numerator, ind.denominator)})
    frame = weekly_by_province(store, catalogue, week, metrics)
    values = {(row.metric, row.province): row.value for row in frame.itertuples()}
    found = sorted(frame["province"].unique().tolist()) if len(frame) else []
    rates: dict[str, dict[str, float | None]] = {}
    for ind in catalogue.indicators.values():
        mine = {}
        for code in found:
            num, den = values.get((ind.numerator, code)), values.get((ind.denominator, code))
            if num is not None and den is not None:
                mine[code] = 100.0 * num / den if den > 0 else None
        if mine:
            rates[ind.code] = mine
    return rates


def _database_rows(
    store: Store,
    config: Config,
    health: dict[str, SourceHealth],
    before: float | None,
    previous_before: float,
    province: str,
    fed_by: pd.DataFrame,
) -> list[DatabaseRow]:
    catalogue = config.catalogue
    criteria = list(catalogue.criteria.values())
    metrics = [c.metric for c in criteria] + ["db_stage", "db_records"]
    latest = latest_frame(store, catalogue, metrics, before, province)
    earlier = latest_frame(store, catalogue, [c.metric for c in criteria], previous_before, province)
    top_stage = max(catalogue.stages)
    rows = []
    for db in catalogue.databases.values():
        mine = latest[latest["database"] == db.code]
        values = dict(zip(mine["metric"], mine["value"], strict=True))
        scores = {c.code: values.get(c.metric) for c in criteria}
        known = [(c.weight, scores[c.code]) for c in criteria if scores[c.code] is not None]
        score = _weighted(criteria, scores)
        theirs = earlier[earlier["database"] == db.code]
        before_values = dict(zip(theirs["metric"], theirs["value"], strict=True))
        previous_score = _weighted(criteria, {c.code: before_values.get(c.metric) for c in criteria})
        stage = int(values["db_stage"]) if "db_stage" in values else None
        complete = (
            stage == top_stage and len(known) == len(criteria) and all(catalogue.colour(s) == "green" for _, s in known)
        )
        rows.append(
            DatabaseRow(
                db.code,
                db.name_vi,
                db.name_en,
                db.owner,
                stage,
                scores,
                score,
                catalogue.colour(score),
                values.get("db_records"),
                db.records_target,
                complete,
                freshness(fed_by[fed_by["database"] == db.code]["source_id"].unique().tolist(), health),
                previous_score,
            )
        )
    return rows


def _weighted(criteria: list, scores: dict[str, float | None]) -> float | None:
    """A database's score: the weighted mean of the criteria it has figures for."""
    known = [(c.weight, scores[c.code]) for c in criteria if scores[c.code] is not None]
    return sum(w * s for w, s in known) / sum(w for w, _ in known) if known else None


def _alerts(
    config: Config, health: dict[str, SourceHealth], databases: list[DatabaseRow], tasks: list[TaskRow]
) -> list[Alert]:
    alerts = []
    for h in health.values():
        if h.stale:
            alerts.append(Alert("red", "stale_source", h.source_id, h.as_of, h.last_error or ""))
        elif h.state == "unusable":
            alerts.append(Alert("amber", "unusable_source", h.source_id, h.last_run))
    for db in databases:
        if db.colour == "red":
            alerts.append(Alert("red", "database_red", db.code, db.score))
    for task in tasks:
        if task.status in ("overdue", "at_risk"):
            alerts.append(
                Alert(
                    "red" if task.status == "overdue" else "amber", f"task_{task.status}", task.code, task.actual.value
                )
            )
    return alerts


def unit_figures(snapshot: Snapshot, unit: str) -> dict[str, float | None]:
    """One unit's figures of the snapshot's week, rounded as printed: what a unit head confirms
    (a confirmation holds while these stay the same)."""

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 2)

    figures = {f"indicator:{row.code}": rounded(row.by_unit.get(unit)) for row in snapshot.indicators}
    figures.update({f"task:{task.code}": rounded(task.actual.value) for task in snapshot.tasks if task.owner == unit})
    figures.update({f"database:{db.code}": rounded(db.score) for db in snapshot.databases if db.owner == unit})
    return figures


def effectiveness_trend(snapshot: Snapshot, catalogue: Catalogue) -> list[tuple[int, float | None]]:
    """The ministry's 766-style score for every week of the snapshot's trend, oldest first."""
    by_week: dict[int, dict[str, float | None]] = {}
    for row in snapshot.indicators:
        for week, value in row.trend:
            by_week.setdefault(week, {})[row.code] = value
    return [
        (week, _effectiveness_score(values, catalogue))
        for week, values in sorted(by_week.items())
        if week <= snapshot.week
    ]
