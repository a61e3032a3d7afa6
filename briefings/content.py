"""What a weekly briefing says, computed once from the read models. The PDF, the DOCX, the
XLSX appendix and the narrative all print these same values, so a number in a sentence is the
number in the table.

A briefing is evaluated at the moment the store's data last changed (not at the wall-clock
time of the build): built twice from the same data it says the same thing, and only its build
time differs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from briefings.narrative import narrative
from briefings.text import nfc, t
from metrics import editions
from metrics.health import week_quality
from metrics.read_models import Snapshot, build_snapshot, effectiveness_trend, unit_figures
from metrics.settings import Config
from metrics.store import Store
from metrics.timebuckets import WEEK, iso_week_label, local, week_start


class BriefingError(Exception):
    """A briefing that cannot be built honestly (no data for the week, unknown unit…)."""


@dataclass(frozen=True)
class Headline:
    label: str
    value: float | None
    suffix: str  # "%" or " điểm"
    change: float | None  # against the previous week
    target: float | None
    colour: str
    confirmed: bool
    kind: str = "indicator"  # score | project06 | databases | indicator (a Decision 766 ratio)

    @property
    def gap(self) -> float | None:
        return None if self.value is None or self.target is None else self.value - self.target


@dataclass(frozen=True)
class TaskLine:
    code: str
    name: str
    owner: str
    target: float | None
    actual: float | None
    change: float | None
    numerator: float | None
    denominator: float | None
    sla_hours: float | None
    deadline: dt.date
    status: str
    colour: str
    confirmed: bool


@dataclass(frozen=True)
class DatabaseLine:
    code: str
    name: str
    owner: str
    stage: int | None
    stage_name: str
    scores: list[float | None]  # in the order of Briefing.criteria
    score_colours: list[str]
    score: float | None
    change: float | None
    colour: str
    confirmed: bool


@dataclass(frozen=True)
class UnitLine:
    code: str
    name: str
    values: list[float | None]  # in the order of Briefing.indicators
    score: float | None
    rank: int | None
    confirmed: bool


@dataclass(frozen=True)
class StaleSource:
    source_id: str
    unit: str
    as_of: float | None
    last_error: str


@dataclass(frozen=True)
class QuarantineLine:
    source_id: str
    count: int
    reason: str


@dataclass(frozen=True)
class FlagLine:
    ts: float
    metric: str
    unit: str
    value: float
    median: float


@dataclass(frozen=True)
class Briefing:
    lang: str
    scope: str  # "" for the ministry, else a unit code
    scope_name: str
    week_label: str
    week_start: int
    data_version: int
    data_until: float
    evaluated_at: float
    criteria: list[str]
    indicators: list[tuple[str, float]]  # (name, target)
    headlines: list[Headline]
    tasks: list[TaskLine]
    databases: list[DatabaseLine]
    units: list[UnitLine]
    ministry: UnitLine
    stale_sources: list[StaleSource]
    quarantined: list[QuarantineLine]
    flags: list[FlagLine]
    trend: list[tuple[str, float | None]]  # (week label, effectiveness score), oldest first
    confirmed_units: int
    total_units: int
    directives: list[tuple[str, str, str]] = field(default_factory=list)  # none are recorded yet
    narrative: list[str] = field(default_factory=list)

    @property
    def week_end(self) -> int:
        return self.week_start + WEEK

    @property
    def provisional(self) -> bool:
        return any(not line.confirmed for line in [*self.headlines, *self.tasks, *self.databases, *self.units])


def parse_week(label: str) -> int:
    """'2026-W47' → its local Monday 00:00 in epoch seconds."""
    try:
        year, week = label.split("-W")
        monday = dt.date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise BriefingError(f"tuần '{label}' không hợp lệ (dạng 2026-W47)") from None
    return week_start(int(dt.datetime.combine(monday, dt.time(12)).replace(tzinfo=local(0).tzinfo).timestamp()))


def build_briefing(store: Store, config: Config, week: int, scope: str = "", lang: str = "vi") -> Briefing:
    """The briefing of one ISO week (its Monday, epoch seconds), ministry-wide or for one unit."""
    catalogue = config.catalogue
    if scope and scope not in catalogue.units:
        raise BriefingError(f"đơn vị '{scope}' không có trong danh mục")
    version, changed_at = store.data_state()
    if week >= changed_at:
        raise BriefingError(f"tuần {iso_week_label(week)} chưa có số liệu")
    now = changed_at
    snap = build_snapshot(store, config, now=now, week=week)
    before = build_snapshot(store, config, now=now, week=week - WEEK)
    label = snap.week_label
    confirmed = _confirmed_units(store, snap, label, catalogue.units)

    def is_confirmed(unit: str) -> bool:
        return unit in confirmed

    units_with_figures = [u for u in catalogue.units if snap.unit_effectiveness[u].value is not None]
    all_confirmed = all(is_confirmed(u) for u in units_with_figures)
    in_scope = (lambda unit: unit == scope) if scope else (lambda unit: True)

    headlines = _headlines(snap, before, catalogue, scope, lang, is_confirmed(scope) if scope else all_confirmed)
    if all(h.value is None for h in headlines):
        raise BriefingError(f"tuần {label} không có số liệu nào cho {scope or 'toàn Bộ'}: không lập bản tin rỗng")

    tasks = [
        TaskLine(
            task.code,
            _name(task, lang),
            task.owner,
            task.actual.target,
            task.actual.value,
            task.actual.change,
            task.numerator,
            task.denominator,
            task.sla_hours,
            task.deadline,
            task.status,
            catalogue.attainment_colour(catalogue.tasks[task.code], task.actual.value),
            is_confirmed(task.owner),
        )
        for task in snap.tasks
        if in_scope(task.owner)
    ]
    criteria = list(catalogue.criteria.values())
    databases = []
    for db in snap.databases:
        if not in_scope(db.owner):
            continue
        stage = catalogue.stages.get(db.stage) if db.stage else None
        databases.append(
            DatabaseLine(
                db.code,
                _name(db, lang),
                db.owner,
                db.stage,
                stage.name(lang) if stage else "—",
                [db.scores[c.code] for c in criteria],
                [catalogue.colour(db.scores[c.code]) for c in criteria],
                db.score,
                db.change,
                db.colour,
                is_confirmed(db.owner),
            )
        )
    ranked = sorted(units_with_figures, key=lambda u: -snap.unit_effectiveness[u].value)
    units = [
        UnitLine(
            code,
            unit.name(lang),
            [row.by_unit[code] for row in snap.indicators],
            snap.unit_effectiveness[code].value,
            ranked.index(code) + 1 if code in ranked else None,
            is_confirmed(code),
        )
        for code, unit in catalogue.units.items()
        if in_scope(code)
    ]
    ministry = UnitLine(
        "",
        t("ministry", lang),
        [row.ministry.value for row in snap.indicators],
        snap.effectiveness.value,
        None,
        all_confirmed,
    )

    stale = [
        StaleSource(h.source_id, h.unit, h.as_of, nfc(h.last_error or ""))
        for h in snap.health.values()
        if h.stale and in_scope(h.unit)
    ]
    quality = week_quality(store, week, week + WEEK)
    source_units = {h.source_id: h.unit for h in snap.health.values()}
    quarantined = [
        QuarantineLine(source, entry["count"], nfc(entry["top_reason"]))
        for source, entry in sorted(quality["quarantined"].items())
        if in_scope(source_units.get(source, ""))
    ]
    metric_names = {code: metric.name(lang) for code, metric in catalogue.metrics.items()}
    flags = [
        FlagLine(f["ts"], metric_names.get(f["metric"], f["metric"]), f["unit"], f["value"], f["median"])
        for f in quality["flags"]
        if in_scope(f["unit"])
    ]
    trend = [(iso_week_label(w), v) for w, v in effectiveness_trend(snap, catalogue)][-8:]  # the ministry's

    data_until = min(float(week + WEEK - 60), now)  # 23:59 on the week's Sunday at the latest
    briefing = Briefing(
        lang=lang,
        scope=scope,
        scope_name=catalogue.units[scope].name(lang) if scope else t("ministry_scope", lang),
        week_label=label,
        week_start=week,
        data_version=version,
        data_until=data_until,
        evaluated_at=now,
        criteria=[c.name(lang) for c in criteria],
        indicators=[(_name(row, lang), row.target) for row in snap.indicators],
        headlines=headlines,
        tasks=tasks,
        databases=databases,
        units=units,
        ministry=ministry,
        stale_sources=stale,
        quarantined=quarantined,
        flags=flags,
        trend=trend,
        confirmed_units=len([u for u in catalogue.units if is_confirmed(u)]),
        total_units=len(catalogue.units),
    )
    return replace(briefing, narrative=[nfc(s) for s in narrative(briefing)])  # written from the finished figures


def _name(item, lang: str) -> str:
    return nfc(item.name_vi if lang == "vi" else item.name_en)


def _confirmed_units(store: Store, snap: Snapshot, label: str, units) -> set[str]:
    """Units whose confirmation of the week still matches their figures."""
    confirmations = editions.confirmations_of(store, label)
    return {
        unit for unit, entry in confirmations.items() if unit in units and entry["figures"] == unit_figures(snap, unit)
    }


def _headlines(snap: Snapshot, before: Snapshot, catalogue, scope: str, lang: str, confirmed: bool) -> list[Headline]:
    points = " " + t("points", lang)
    if scope:
        score = Headline(
            t("score_766", lang),
            snap.unit_effectiveness[scope].value,
            points,
            _difference(snap.unit_effectiveness[scope].value, before.unit_effectiveness[scope].value),
            None,
            catalogue.colour(snap.unit_effectiveness[scope].value),
            confirmed,
            "score",
        )
        lines = [score]
    else:
        lines = [
            Headline(
                t("effectiveness_score", lang),
                snap.effectiveness.value,
                points,
                snap.effectiveness.change,
                None,
                catalogue.colour(snap.effectiveness.value),
                confirmed,
                "score",
            ),
            Headline(
                t("project06_completion", lang),
                snap.project06.value,
                "%",
                snap.project06.change,
                100.0,
                catalogue.colour(snap.project06.value),
                confirmed,
                "project06",
            ),
        ]
        scored = [db.score for db in snap.databases if db.score is not None]
        earlier = [db.previous_score for db in snap.databases if db.previous_score is not None]
        mean = sum(scored) / len(scored) if scored else None
        mean_before = sum(earlier) / len(earlier) if earlier else None
        lines.append(
            Headline(
                t("mean_db_score", lang),
                mean,
                points,
                _difference(mean, mean_before),
                None,
                catalogue.colour(mean),
                confirmed,
                "databases",
            )
        )
    previous = {row.code: row for row in before.indicators}
    for row in snap.indicators:
        value = row.by_unit[scope] if scope else row.ministry.value
        earlier = previous[row.code].by_unit[scope] if scope else previous[row.code].ministry.value
        lines.append(
            Headline(
                _name(row, lang),
                value,
                "%",
                _difference(value, earlier),
                row.target,
                catalogue.attainment_colour(catalogue.indicators[row.code], value),
                confirmed,
            )
        )
    return lines


def _difference(value: float | None, earlier: float | None) -> float | None:
    return None if value is None or earlier is None else value - earlier
