"""The figures the pages show, from the same snapshot: the effectiveness indicators (Decision
766), the 12 databases' scores and Project 06's progress, of a week and (where figures come
per province) of a province.

A consumer's scope narrows them where that keeps them true: tasks and databases to its units,
indicators to those whose metrics it reads. A figure of the whole ministry combines every
unit, so a token limited to some units is refused it rather than given a part as the whole.
"""

from __future__ import annotations

from base.i18n import _
from base.localtime import iso_week_label, parse_week_label
from dashboards.api import models as m
from dashboards.api.calls import ApiError, Call, number, utc
from metrics.read_models import Snapshot


def _snapshot(call: Call, by_province: bool) -> Snapshot:
    query, scope = call.query, call.scope
    province = getattr(query, "province", None)
    if province is not None:
        call.filter("provinces", province)  # known and in scope, or refused
    elif scope.provinces and by_province:
        raise ApiError(
            "out-of-scope",
            _("This token reads provinces {codes} only: ask with province=…").format(
                codes=", ".join(sorted(scope.provinces))
            ),
        )
    elif scope.provinces:
        raise ApiError(
            "out-of-scope", _("These figures are the whole country's; this token reads some provinces only.")
        )
    week = parse_week_label(query.week) if query.week else None
    if query.week and week is None:
        raise ApiError("invalid-parameter", _("'{week}' is not an ISO week.").format(week=query.week))
    # Only weeks with figures: each other week asked would be a snapshot built for nothing.
    if week is not None and week not in call.reader.snapshot().weeks:
        raise ApiError("not-found", _("There are no figures for the week {week}.").format(week=query.week))
    return call.reader.snapshot(week, province or "")


def _whole_ministry(call: Call) -> None:
    if call.scope.units:
        raise ApiError(
            "out-of-scope",
            _("These figures combine every unit's; this token reads units {codes} only.").format(
                codes=", ".join(sorted(call.scope.units))
            ),
        )


def indicators(call: Call) -> m.IndicatorFigures:
    _whole_ministry(call)
    snap = _snapshot(call, by_province=True)
    catalogue, scope = call.reader.config.catalogue, call.scope
    items = []
    for row in snap.indicators:
        indicator = catalogue.indicators.get(row.code)
        if indicator is None or not (
            scope.allows("metrics", indicator.numerator) and scope.allows("metrics", indicator.denominator)
        ):
            continue
        items.append(
            m.IndicatorFigure(
                code=row.code,
                name_vi=row.name_vi,
                name_en=row.name_en,
                target=row.target,
                value=number(row.ministry.value),
                previous=number(row.ministry.previous),
                by_unit={unit: number(value) for unit, value in row.by_unit.items()},
                as_of=utc(row.ministry.freshness.as_of),
                stale=row.ministry.freshness.stale,
            )
        )
    whole = not scope.metrics  # the index weighs every indicator
    return m.IndicatorFigures(
        week=snap.week_label,
        province=snap.province or None,
        effectiveness=number(snap.effectiveness.value) if whole else None,
        as_of=utc(snap.effectiveness.freshness.as_of),
        stale=snap.effectiveness.freshness.stale,
        items=items,
    )


def databases(call: Call) -> m.DatabaseScores:
    scope = call.scope
    if scope.metrics:
        raise ApiError(
            "out-of-scope", _("A database's score weighs every criterion's metric; this token reads some metrics only.")
        )
    snap = _snapshot(call, by_province=False)  # the databases' figures are national
    return m.DatabaseScores(
        week=snap.week_label,
        items=[
            m.DatabaseScore(
                code=d.code,
                name_vi=d.name_vi,
                name_en=d.name_en,
                owner=d.owner,
                stage=d.stage,
                score=number(d.score),
                scores={criterion: number(value) for criterion, value in d.scores.items()},
                colour=d.colour,  # type: ignore[arg-type]  # the catalogue's traffic light
                records=number(d.records),
                records_target=d.records_target,
                complete=d.complete,
                as_of=utc(d.freshness.as_of),
                stale=d.freshness.stale,
            )
            for d in snap.databases
            if scope.allows("units", d.owner)
        ],
    )


def project06(call: Call) -> m.Project06Progress:
    snap = _snapshot(call, by_province=True)
    catalogue, scope = call.reader.config.catalogue, call.scope
    items = []
    for row in snap.tasks:
        task = catalogue.tasks.get(row.code)
        if task is None or not (
            scope.allows("units", row.owner)
            and scope.allows("metrics", task.numerator)
            and scope.allows("metrics", task.denominator)
        ):
            continue
        items.append(
            m.TaskProgress(
                code=row.code,
                name_vi=row.name_vi,
                name_en=row.name_en,
                owner=row.owner,
                deadline=row.deadline,
                target=task.target,
                numerator=number(row.numerator),
                denominator=number(row.denominator),
                value=number(row.actual.value),
                status=row.status,  # type: ignore[arg-type]  # read_models' statuses
                as_of=utc(row.actual.freshness.as_of),
                stale=row.actual.freshness.stale,
            )
        )
    return m.Project06Progress(
        week=snap.week_label or iso_week_label(snap.week), province=snap.province or None, items=items
    )
