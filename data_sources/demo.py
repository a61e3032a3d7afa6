"""A deterministic simulator of one unit's systems (kind = "demo").

Figures are a pure function of (seed, unit or database, metric, day), so collecting the same
period twice yields the same values, and the history looks the same on every machine. The
metric models and magnitudes come from a profile file (config/demo_profile.toml); the unit
and its databases and tasks from the catalogue. Options can give the unit's system trouble:
an outage (it stops delivering), slowness and hangs, and records out of range.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import threading
import time
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from base import localtime
from base.catalogue import Catalogue
from base.config_errors import ConfigError, parse, read_toml
from base.provinces import provinces
from data_sources.base import (
    OptionError,
    Options,
    Record,
    Source,
    SourceError,
    Window,
    check_codes,
    reported_series,
)

DAY = dt.timedelta(days=1)
SNAPSHOT_HOUR_LOCAL = 10  # a backfilled gauge is the unit's 10:00 snapshot of each day
WEEKDAY_FACTOR = (1.08, 1.04, 1.0, 1.0, 0.94, 0.22, 0.08)  # Mon..Sun: offices close at weekends


class DemoOptions(Options):
    unit: str
    profile: str = "demo_profile.toml"
    outage_hours: float = Field(default=0, ge=0)
    delay_seconds: float = Field(default=0, ge=0, le=600)
    hang_every: int = Field(default=0, ge=0)
    hang_seconds: float = Field(default=45, ge=0, le=3600)
    bad_record_every: int = Field(default=0, ge=0)
    spike_metric: str = ""  # a data-entry slip: this count is spike_factor times too large ...
    spike_days_ago: int = Field(default=1, ge=0)  # ... on the local day this many days ago
    spike_factor: float = Field(default=4.0, gt=0)
    # The unit's system is national: its daily counts come per province (the 34 provinces),
    # each province with its own size and quality; gauges stay the unit's.
    by_province: bool = False


class MetricModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    model: Literal["daily_count", "share", "level", "progress", "score", "stage"]
    base: float = 0
    of: str | None = None
    start: float = 0
    end: float = 0
    every_unit: bool = False


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    seed: int = 0
    trend_start: dt.date = dt.date(2026, 1, 1)
    trend_end: dt.date = dt.date(2027, 6, 30)
    history_weeks: int = 26
    unit_spread: float = Field(default=0.3, ge=0, lt=1)
    noise: float = Field(default=0.05, ge=0, lt=0.5)
    metrics: dict[str, MetricModel]


def load_profile(path: Path, catalogue) -> Profile:
    profile = parse(Profile, read_toml(path), path)
    for code, model in profile.metrics.items():
        if code not in catalogue.metrics:
            raise ConfigError(path, f"metrics.{code}", f"unknown metric '{code}'")
        if model.model == "share" and model.of not in profile.metrics:
            raise ConfigError(
                path, f"metrics.{code}.of", f"'of' must name another metric of the profile, not '{model.of}'"
            )
    return profile


def _uniform(*key: Any) -> float:
    """A stable pseudo-random number in [0, 1) for key (no global random state)."""
    digest = hashlib.blake2b("|".join(map(str, key)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _normal(*key: Any) -> float:
    """Roughly standard normal, from four uniforms (Irwin-Hall)."""
    return (sum(_uniform(*key, i) for i in range(4)) - 2.0) * math.sqrt(3)


class DemoSource(Source[DemoOptions]):
    options_model = DemoOptions
    can_backfill = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._calls = 0
        self._lock = threading.Lock()
        now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
        self.outage_since = now - dt.timedelta(hours=self.options.outage_hours) if self.options.outage_hours else None

    @classmethod
    def declared_series(cls, options: DemoOptions, catalogue: Catalogue) -> set[tuple[str, str, str]]:
        return reported_series(catalogue, options.unit)

    @classmethod
    def check_options(cls, options: DemoOptions, catalogue, config_dir: Path) -> None:
        check_codes(
            catalogue,
            unit=options.unit,
            metrics={"spike_metric": options.spike_metric} if options.spike_metric else None,
        )
        path = config_dir / options.profile
        if not path.is_file():
            raise OptionError("profile", f"profile file not found: {path}")
        load_profile(path, catalogue)

    @cached_property
    def profile(self) -> Profile:
        return load_profile(self.config_dir / self.options.profile, self.catalogue)

    @cached_property
    def produced(self) -> list[tuple[str, str, str]]:
        """(metric, unit, database) triples this unit's systems report."""
        unit = self.options.unit
        task_metrics = {m for task in self.catalogue.tasks_of(unit) for m in (task.numerator, task.denominator)}
        triples = []
        for code, model in self.profile.metrics.items():
            metric = self.catalogue.metrics[code]
            if metric.scope == "database":
                triples += [(code, unit, db.code) for db in self.catalogue.databases_of(unit)]
            elif model.every_unit or code in task_metrics:
                triples.append((code, unit, ""))
        return triples

    # -- the simulated systems ------------------------------------------------------------

    def fetch(self, window: Window) -> list[Record]:
        options = self.options
        with self._lock:  # trouble comes every nth scheduled collection; backfills don't count
            self._calls += window.is_live
            call = self._calls
        if self.outage_since is not None and (window.is_live or window.start >= self.outage_since):
            raise SourceError("source.unit_down", since=self.outage_since.timestamp())
        if self.outage_since is not None:  # its archive still answers for the time before the outage
            window = Window(window.start, min(window.end, self.outage_since))
        if window.is_live:
            if options.hang_every and call % options.hang_every == 0:
                time.sleep(options.hang_seconds)
            time.sleep(options.delay_seconds)
        now = dt.datetime.now(dt.UTC)
        records = [record for triple in self.produced for record in self._series(triple, window, now)]
        if window.is_live and options.bad_record_every and call % options.bad_record_every == 0 and records:
            victim = records[int(_uniform(self.source_id, call) * len(records))]
            metric = self.catalogue.metrics[victim.metric]
            good = victim.value if isinstance(victim.value, float) else 0.0
            records.append(victim._replace(value=metric.max * 1.5 + 1 if metric.kind == "gauge" else -good - 1))
        return records

    def _series(self, triple: tuple[str, str, str], window: Window, now: dt.datetime) -> list[Record]:
        metric_code, unit, database = triple
        metric = self.catalogue.metrics[metric_code]
        end = min(window.end, now)
        out = []
        day = window.start.astimezone(localtime.zone()).date()
        while True:
            day_start = dt.datetime.combine(day, dt.time(), localtime.zone())
            if day_start > end:
                break
            if metric.kind == "count":
                fraction = min(1.0, (end - day_start) / DAY)
                spiked = metric_code == self.options.spike_metric and day == (
                    now.astimezone(localtime.zone()).date() - dt.timedelta(days=self.options.spike_days_ago)
                )
                for province, weight in self._provinces(metric.scope):
                    entity = f"{unit}/{province}" if province else unit
                    value = self._value(metric_code, entity, database, day, fraction, weight)
                    if spiked:
                        value = float(round(value * self.options.spike_factor))
                    out.append(
                        Record(metric_code, day_start.astimezone(dt.UTC), value, unit, database, province=province)
                    )
            else:
                snapshot = day_start + dt.timedelta(hours=SNAPSHOT_HOUR_LOCAL)
                if window.start <= snapshot <= end:
                    out.append(
                        Record(
                            metric_code,
                            snapshot.astimezone(dt.UTC),
                            self._value(metric_code, unit, database, day, 1.0),
                            unit,
                            database,
                        )
                    )
            day += DAY
        if metric.kind == "gauge" and window.is_live:
            out.append(
                Record(
                    metric_code,
                    now,
                    self._value(metric_code, unit, database, now.astimezone(localtime.zone()).date(), 1.0),
                    unit,
                    database,
                )
            )
        return out

    def _provinces(self, scope: str) -> list[tuple[str, float]]:
        """(province code, its share of the unit's size) for a national system's per-unit figures;
        [("", 1.0)] for a unit's own."""
        if not self.options.by_province or scope != "unit":
            return [("", 1.0)]
        return self._province_shares

    @cached_property
    def _province_shares(self) -> list[tuple[str, float]]:
        sizes = {code: 0.3 + _uniform(self.profile.seed, "population", code) for code in provinces()}
        total = sum(sizes.values())
        return [(code, size / total) for code, size in sizes.items()]

    def _progress(self, day: dt.date, lag_key: str = "") -> float:
        """Where the trends stand on day, 0 at trend_start and 1 at trend_end, per-entity lag."""
        profile = self.profile
        span = (profile.trend_end - profile.trend_start).days
        lag = 0.35 * _uniform(profile.seed, "lag", lag_key) if lag_key else 0.0
        return min(1.0, max(0.0, (day - profile.trend_start).days / span - lag))

    def _value(self, code: str, unit: str, database: str, day: dt.date, fraction: float, portion: float = 1.0) -> float:
        """portion: the part of the unit's size (a province's) a count has."""
        profile = self.profile
        model = profile.metrics[code]
        seed = profile.seed
        jitter = 1 + profile.noise * _normal(seed, code, unit, database, day)
        if model.model == "daily_count":
            scale = 1 + profile.unit_spread * (2 * _uniform(seed, "size", unit) - 1) if model.every_unit else 1.0
            weeks = (day - profile.trend_start).days / 7
            full = model.base * portion * scale * WEEKDAY_FACTOR[day.weekday()] * (1 + 0.004 * weeks) * jitter
            return float(max(0, round(full * fraction)))
        if model.model == "share":
            whole = self._value(
                model.of or code, unit, database, day, fraction, portion
            )  # the profile's check names it
            quality = 0.08 * (2 * _uniform(seed, "quality", unit, code) - 1)
            share = model.start + (model.end - model.start) * self._progress(day, unit + code) + quality
            share = min(1.0, max(0.0, share * (1 + profile.noise / 4 * _normal(seed, "s", code, unit, day))))
            return float(math.floor(whole * share))
        if model.model == "level":
            value = model.start + (model.end - model.start) * self._progress(day)
            return float(round(value))
        target = self.catalogue.databases[database].records_target
        p = self._progress(day, database)
        if model.model == "progress":
            return float(
                round(
                    target
                    * (model.start + (model.end - model.start) * p)
                    * (1 + 0.004 * _normal(seed, code, database, day))
                )
            )
        if model.model == "stage":
            steps = model.end - model.start + 1
            return float(
                min(model.end, model.start + math.floor(steps * p * (0.7 + 0.6 * _uniform(seed, "st", database))))
            )
        # score: a criterion in 0-100, each database with its own offset and slight daily noise
        offset = 14 * (2 * _uniform(seed, "off", code, database) - 1)
        value = model.start + (model.end - model.start) * p + offset + 1.2 * _normal(seed, code, database, day)
        return round(min(100.0, max(0.0, value)), 1)
