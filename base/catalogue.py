"""The catalogue: units, databases, criteria, metrics, indicators and Project 06 tasks.

Read from TOML files under config/catalogue/ and validated as a whole: a wrong key, a
duplicate code or a reference to something unknown raises ConfigError naming file and key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from base import i18n
from base.config_errors import ConfigError, parse, read_toml

Code = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,39}$")]
Text = Annotated[str, Field(min_length=1, max_length=300)]


def in_language(lang: str | None, vi: str, en: str) -> str:
    """A catalogue name in lang (the current language by default): names are data, kept per language."""
    return {"vi": vi, "en": en}[lang or i18n.current()]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Named(Strict):
    code: Code
    name_vi: Text
    name_en: Text

    def name(self, lang: str | None = None) -> str:
        return in_language(lang, self.name_vi, self.name_en)


class Unit(Named):
    pass


class Database(Named):
    owner: Code
    records_target: int = Field(gt=0)


class Criterion(Named):
    metric: Code
    weight: float = Field(gt=0)
    indicator_vi: Text
    indicator_en: Text

    def indicator(self, lang: str | None = None) -> str:
        return in_language(lang, self.indicator_vi, self.indicator_en)


class Stage(Strict):
    number: int = Field(ge=1, le=20)
    name_vi: Text
    name_en: Text

    def name(self, lang: str | None = None) -> str:
        return in_language(lang, self.name_vi, self.name_en)


class Thresholds(Strict):
    green: float = Field(ge=0, le=100)
    amber: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.amber > self.green:
            raise ValueError("amber must not be above green")
        return self


class Metric(Named):
    unit_of_measure: Text  # in Vietnamese, as the units report it
    unit_of_measure_en: Text
    kind: Literal["count", "gauge"]
    bucket: Literal["day", "hour"]
    min: float
    max: float
    scope: Literal["unit", "database"]
    several_per_period: Literal["sum", "latest", "conflict"]  # metrics/validation.py
    # How the ministry's figure comes from the provinces' (and a unit's from its series): counts
    # add; a gauge declares it (facilities connected add, a 0-100 score is a mean, a stage the
    # lowest reached). Rates are never rolled up: they are recomputed from these.
    rollup: Literal["sum", "mean", "min", "max"] | None = None

    def measure(self, lang: str | None = None) -> str:
        return in_language(lang, self.unit_of_measure, self.unit_of_measure_en)

    @model_validator(mode="after")
    def _range(self) -> Metric:
        if self.min > self.max:
            raise ValueError("min is above max")
        if self.kind == "gauge" and self.rollup is None:
            raise ValueError('a gauge declares how it rolls up over provinces: rollup = "sum", "mean", "min" or "max"')
        if self.kind == "count" and self.rollup not in (None, "sum"):
            raise ValueError('a count rolls up by adding (rollup = "sum", or leave it out)')
        return self

    @property
    def across(self) -> str:
        """The roll-up function over series: "sum", "mean", "min" or "max"."""
        return self.rollup or "sum"


class IndicatorGroup(Named):
    points: float = Field(gt=0, le=100)


class Ratio(Named):
    """A figure defined as numerator / denominator x 100 over a period. Its colour comes from
    its attainment (value / target x 100) against its own thresholds, or the default ones."""

    numerator: Code
    denominator: Code
    target: float = Field(ge=0, le=100)
    thresholds: Thresholds | None = None


class Indicator(Ratio):
    group: Code
    formula_vi: Text
    formula_en: Text

    def formula(self, lang: str | None = None) -> str:
        return in_language(lang, self.formula_vi, self.formula_en)


class Task(Ratio):
    owner: Code
    rule_vi: Text
    rule_en: Text
    sla_hours: float | None = Field(default=None, gt=0)
    deadline: dt.date

    def rule(self, lang: str | None = None) -> str:
        return in_language(lang, self.rule_vi, self.rule_en)


class UnitsFile(Strict):
    units: list[Unit] = Field(min_length=1)


class DatabasesFile(Strict):
    thresholds: Thresholds
    criteria: list[Criterion] = Field(min_length=1)
    stages: list[Stage] = Field(min_length=1)
    databases: list[Database] = Field(min_length=1)


class MetricsFile(Strict):
    metrics: list[Metric] = Field(min_length=1)


class IndicatorsFile(Strict):
    groups: list[IndicatorGroup] = Field(min_length=1)
    indicators: list[Indicator] = Field(min_length=1)


class TasksFile(Strict):
    tasks: list[Task] = Field(min_length=1)


FILES = {
    "units": ("units.toml", UnitsFile),
    "databases": ("databases.toml", DatabasesFile),
    "metrics": ("metrics.toml", MetricsFile),
    "indicators": ("indicators.toml", IndicatorsFile),
    "tasks": ("project06.toml", TasksFile),
}


@dataclass(frozen=True)
class Catalogue:
    units: dict[str, Unit]
    databases: dict[str, Database]
    criteria: dict[str, Criterion]
    stages: dict[int, Stage]
    thresholds: Thresholds
    metrics: dict[str, Metric]
    groups: dict[str, IndicatorGroup]
    indicators: dict[str, Indicator]
    tasks: dict[str, Task]

    def databases_of(self, unit: str) -> list[Database]:
        return [db for db in self.databases.values() if db.owner == unit]

    def tasks_of(self, unit: str) -> list[Task]:
        return [task for task in self.tasks.values() if task.owner == unit]

    def reported_by(self, unit: str) -> list[tuple[Metric, str]]:
        """(metric, database code or "") a unit reports: every indicator's figures, its tasks'
        figures and its databases' criteria, stage and records."""
        codes = [m for ind in self.indicators.values() for m in (ind.numerator, ind.denominator)]
        codes += [m for task in self.tasks_of(unit) for m in (task.numerator, task.denominator)]
        pairs = [(self.metrics[c], "") for c in dict.fromkeys(codes)]
        for db in self.databases_of(unit):
            pairs += [(m, db.code) for m in self.metrics.values() if m.scope == "database"]
        return pairs

    def colour(self, score: float | None, thresholds: Thresholds | None = None) -> str:
        """Traffic light of a 0-100 score: green, amber, red (or none without a score)."""
        if score is None:
            return "none"
        limits = thresholds or self.thresholds
        if score >= limits.green:
            return "green"
        return "amber" if score >= limits.amber else "red"

    def attainment_colour(self, ratio: Ratio, value: float | None) -> str:
        """The colour of an indicator's or task's value: its attainment of the target, against
        the ratio's own thresholds where the catalogue gives them."""
        if value is None or not ratio.target:
            return self.colour(value, ratio.thresholds)
        return self.colour(100.0 * value / ratio.target, ratio.thresholds)


def _by_code(items: list, file: Path, list_key: str, field: str = "code") -> dict:
    seen: dict = {}
    for index, item in enumerate(items):
        code = getattr(item, field)
        if code in seen:
            raise ConfigError(
                file,
                f"{list_key}[{index}].{field}",
                f"duplicate code '{code}' (already used by {list_key}[{seen[code][0]}])",
            )
        seen[code] = (index, item)
    return {code: item for code, (_, item) in seen.items()}


def _check_ref(known: dict, code: str, file: Path, key: str, what: str) -> None:
    if code not in known:
        raise ConfigError(file, key, f"unknown {what} '{code}'")


def load_catalogue(directory: Path) -> Catalogue:
    """Read and cross-check every catalogue file in directory."""
    paths = {name: directory / file for name, (file, _) in FILES.items()}
    units_f = parse(UnitsFile, read_toml(paths["units"]), paths["units"])
    dbs_f = parse(DatabasesFile, read_toml(paths["databases"]), paths["databases"])
    metrics_f = parse(MetricsFile, read_toml(paths["metrics"]), paths["metrics"])
    ind_f = parse(IndicatorsFile, read_toml(paths["indicators"]), paths["indicators"])
    tasks_f = parse(TasksFile, read_toml(paths["tasks"]), paths["tasks"])

    units = _by_code(units_f.units, paths["units"], "units")
    metrics = _by_code(metrics_f.metrics, paths["metrics"], "metrics")
    dbs_path = paths["databases"]
    databases = _by_code(dbs_f.databases, dbs_path, "databases")
    criteria = _by_code(dbs_f.criteria, dbs_path, "criteria")
    stages = _by_code(dbs_f.stages, dbs_path, "stages", field="number")
    for i, db in enumerate(dbs_f.databases):
        _check_ref(units, db.owner, dbs_path, f"databases[{i}].owner", "unit")
    for i, criterion in enumerate(dbs_f.criteria):
        _check_ref(metrics, criterion.metric, dbs_path, f"criteria[{i}].metric", "metric")
        if metrics[criterion.metric].scope != "database":
            raise ConfigError(
                dbs_path,
                f"criteria[{i}].metric",
                f"metric '{criterion.metric}' is not per database (scope = \"database\")",
            )

    ind_path = paths["indicators"]
    groups = _by_code(ind_f.groups, ind_path, "groups")
    indicators = _by_code(ind_f.indicators, ind_path, "indicators")
    for i, indicator in enumerate(ind_f.indicators):
        _check_ref(groups, indicator.group, ind_path, f"indicators[{i}].group", "indicator group")
    tasks_path = paths["tasks"]
    tasks = _by_code(tasks_f.tasks, tasks_path, "tasks")
    for i, task in enumerate(tasks_f.tasks):
        _check_ref(units, task.owner, tasks_path, f"tasks[{i}].owner", "unit")
    for path, key, ratios in ((ind_path, "indicators", ind_f.indicators), (tasks_path, "tasks", tasks_f.tasks)):
        for i, ratio in enumerate(ratios):
            for side in ("numerator", "denominator"):
                code = getattr(ratio, side)
                _check_ref(metrics, code, path, f"{key}[{i}].{side}", "metric")
                if metrics[code].scope != "unit":
                    raise ConfigError(path, f"{key}[{i}].{side}", f"metric '{code}' is not per unit")
            if metrics[ratio.numerator].kind != metrics[ratio.denominator].kind:
                raise ConfigError(path, f"{key}[{i}]", "numerator and denominator must both be counts or both gauges")

    return Catalogue(
        units=units,
        databases=databases,
        criteria=criteria,
        stages=stages,
        thresholds=dbs_f.thresholds,
        metrics=metrics,
        groups=groups,
        indicators=indicators,
        tasks=tasks,
    )
