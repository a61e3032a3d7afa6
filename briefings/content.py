"""What a weekly briefing says (briefings/model.py), computed once from the read models. The
PDF, the DOCX, the XLSX appendix and the narrative all print these same values, so a number in
a sentence is the number in the table.

A briefing is evaluated at the moment the store's data last changed (not at the wall-clock
time of the build): built twice from the same data it says the same thing, and only its build
time differs. It is worded in its own language, whatever the language of who asked for it.
"""

from __future__ import annotations

from dataclasses import replace

from base import formatting as fmt
from base import labels
from base.formatting import nfc
from base.i18n import _, language
from base.localtime import WEEK, iso_week_label
from base.problems import word
from briefings.model import (
    Briefing,
    BriefingError,
    DatabaseLine,
    FlagLine,
    Headline,
    QuarantineLine,
    StaleSource,
    TaskLine,
    UnitLine,
)
from briefings.narrative import narrative
from metrics import editions
from metrics.health import week_quality
from metrics.read_models import Snapshot, build_snapshot, effectiveness_trend, unit_figures
from metrics.settings import Config
from metrics.store import Store


def build_briefing(store: Store, config: Config, week: int, scope: str = "", lang: str = "vi") -> Briefing:
    """The briefing of one ISO week (its Monday, epoch seconds), ministry-wide or for one unit,
    worded in lang."""
    with language(lang):
        return _build(store, config, week, scope, lang)


def _build(store: Store, config: Config, week: int, scope: str, lang: str) -> Briefing:
    catalogue = config.catalogue
    if scope and scope not in catalogue.units:
        raise BriefingError("briefing.unknown_unit", unit=scope[:40])
    version, changed_at = store.data_state()
    if week >= changed_at:
        raise BriefingError("briefing.week_without_data", week=iso_week_label(week))
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

    headlines = _headlines(snap, before, catalogue, scope, is_confirmed(scope) if scope else all_confirmed)
    if all(h.value is None for h in headlines):
        if scope:
            raise BriefingError("briefing.empty_unit", week=label, unit=scope)
        raise BriefingError("briefing.empty_ministry", week=label)

    tasks = [
        TaskLine(
            task.code,
            nfc(catalogue.tasks[task.code].name()),
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
                nfc(catalogue.databases[db.code].name()),
                db.owner,
                db.stage,
                stage.name() if stage else "—",
                [db.scores[c.code] for c in criteria],
                [catalogue.colour(db.scores[c.code]) for c in criteria],
                db.score,
                db.change,
                db.colour,
                is_confirmed(db.owner),
            )
        )
    ranked = sorted(units_with_figures, key=lambda u: -(snap.unit_effectiveness[u].value or 0))
    units = [
        UnitLine(
            code,
            nfc(unit.name()),
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
        _("Ministry"),
        [row.ministry.value for row in snap.indicators],
        snap.effectiveness.value,
        None,
        all_confirmed,
    )

    stale = [
        StaleSource(h.source_id, h.unit, h.as_of, nfc(word(h.last_error)))
        for h in snap.health.values()
        if h.stale and in_scope(h.unit)
    ]
    quality = week_quality(store, week, week + WEEK)
    source_units = {h.source_id: h.unit for h in snap.health.values()}
    quarantined = [
        QuarantineLine(source, entry["count"], nfc(word(entry["top_reason"])))
        for source, entry in sorted(quality["quarantined"].items())
        if in_scope(source_units.get(source, ""))
    ]
    metric_names = {code: nfc(metric.name()) for code, metric in catalogue.metrics.items()}
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
        scope_name=nfc(catalogue.units[scope].name()) if scope else _("Ministry of Health"),
        week_label=label,
        week_start=week,
        data_version=version,
        data_until=data_until,
        evaluated_at=now,
        criteria=[nfc(c.name()) for c in criteria],
        indicators=[(nfc(catalogue.indicators[row.code].name()), row.target) for row in snap.indicators],
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
        directives=[
            (
                nfc(f"{catalogue.units[d.unit].name() if d.unit in catalogue.units else d.unit}: {d.text}"),
                labels.label(labels.ALERT_KIND, "directive_overdue")
                if d.overdue(now)
                else labels.label(labels.DIRECTIVE_STATE, d.state),
                fmt.day(d.due_end - 1),
            )
            for d in snap.directives
            if d.state != "closed" and (not scope or d.unit == scope)
        ],
    )
    return replace(briefing, narrative=[nfc(s) for s in narrative(briefing)])  # written from the finished figures


def _confirmed_units(store: Store, snap: Snapshot, label: str, units) -> set[str]:
    """Units whose confirmation of the week still matches their figures."""
    confirmations = editions.confirmations_of(store, label)
    return {
        unit for unit, entry in confirmations.items() if unit in units and entry["figures"] == unit_figures(snap, unit)
    }


def _headlines(snap: Snapshot, before: Snapshot, catalogue, scope: str, confirmed: bool) -> list[Headline]:
    points = " " + _("points")
    if scope:
        score = Headline(
            _("766 score"),
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
                _("Service effectiveness (766)"),
                snap.effectiveness.value,
                points,
                snap.effectiveness.change,
                None,
                catalogue.colour(snap.effectiveness.value),
                confirmed,
                "score",
            ),
            Headline(
                _("Project 06 completion"),
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
                _("Mean database score"),
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
        before_value = previous[row.code].by_unit[scope] if scope else previous[row.code].ministry.value
        lines.append(
            Headline(
                nfc(catalogue.indicators[row.code].name()),
                value,
                "%",
                _difference(value, before_value),
                row.target,
                catalogue.attainment_colour(catalogue.indicators[row.code], value),
                confirmed,
            )
        )
    return lines


def _difference(value: float | None, earlier: float | None) -> float | None:
    return None if value is None or earlier is None else value - earlier
