"""The catalogue as the API gives it: units, provinces, databases, metrics, indicators and
tasks, each with its Vietnamese and English names. The catalogue is not figures: every
caller sees all of it, whatever its scope. The answers' models read the catalogue's objects
by attribute, taking the fields they declare."""

from __future__ import annotations

from base.provinces import provinces
from dashboards.api import models as m
from dashboards.api.calls import Call


def units(call: Call) -> m.UnitList:
    catalogue = call.reader.config.catalogue
    return m.UnitList(items=[m.UnitOut.model_validate(u, from_attributes=True) for u in catalogue.units.values()])


def province_list(call: Call) -> m.ProvinceList:
    return m.ProvinceList(
        items=[m.ProvinceOut(code=p.code, name_vi=p.name("vi"), name_en=p.name("en")) for p in provinces().values()]
    )


def databases(call: Call) -> m.DatabaseList:
    catalogue = call.reader.config.catalogue
    return m.DatabaseList(
        items=[m.DatabaseOut.model_validate(d, from_attributes=True) for d in catalogue.databases.values()]
    )


def metrics(call: Call) -> m.MetricList:
    catalogue = call.reader.config.catalogue
    return m.MetricList(
        items=[
            m.MetricOut(
                code=x.code,
                name_vi=x.name_vi,
                name_en=x.name_en,
                unit_of_measure_vi=x.unit_of_measure,
                unit_of_measure_en=x.unit_of_measure_en,
                kind=x.kind,
                bucket=x.bucket,
                scope=x.scope,
                rollup=x.rollup or "sum",  # a count adds up
                min=x.min,
                max=x.max,
            )
            for x in catalogue.metrics.values()
        ]
    )


def indicators(call: Call) -> m.IndicatorList:
    catalogue = call.reader.config.catalogue
    return m.IndicatorList(
        items=[m.IndicatorOut.model_validate(i, from_attributes=True) for i in catalogue.indicators.values()]
    )


def tasks(call: Call) -> m.TaskList:
    catalogue = call.reader.config.catalogue
    return m.TaskList(items=[m.TaskOut.model_validate(t, from_attributes=True) for t in catalogue.tasks.values()])
