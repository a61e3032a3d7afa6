"""What every kind of source shares: the record it yields, the window it is asked for, its errors.

A source knows one kind of unit system and nothing of the store or the pages. The collection
runner (metrics/collection.py) asks it for a window of time and validates what it returns.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict

from base.catalogue import Catalogue
from base.problems import Problem


class Record(NamedTuple):
    """One figure as a source delivered it, before validation.

    A figure the source found but could not read (a spreadsheet cell with an error, say) has
    the Problem as its value: it is quarantined with that reason like any refused record."""

    metric: str
    ts: dt.datetime | Any  # anything but an aware datetime is quarantined as an unreadable time
    value: float | Problem
    unit: str = ""
    database: str = ""
    origin: str = ""  # where in the source it came from, e.g. "tuan48.xlsx · Số liệu · dòng 12"
    province: str = ""  # the province's code ("01" Hà Nội) when the figure is one province's


@dataclass(frozen=True)
class Window:
    """The period a collection asks for, in UTC."""

    start: dt.datetime
    end: dt.datetime
    last_collected: dt.datetime | None = None  # newest record time this source delivered before
    deadline: float | None = None  # time.monotonic() by which the fetch must be done (the run's timeout)

    @property
    def is_live(self) -> bool:
        """True when the window reaches the present (a scheduled collection, not a backfill)."""
        return self.end >= dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)


class SourceError(Exception):
    """The whole response failed (unreachable, timed out, unreadable); nothing of it is stored.

    It carries a Problem (a code of base/problems.py and its parameters), stored as such and
    worded in each reader's language: SourceError("http.status", status=503, url=...)."""

    def __init__(self, code: str, **params: Any) -> None:
        self.problem = Problem(code, params)
        super().__init__(code)

    def __str__(self) -> str:
        return self.problem.text()


class OptionError(ValueError):
    """An option of a source that cannot work; key is relative to the source's options."""

    def __init__(self, key: str, problem: str) -> None:
        self.key, self.problem = key, problem
        super().__init__(f"{key}: {problem}")


def check_codes(
    catalogue: Catalogue, *, unit: str = "", database: str = "", metrics: dict[str, str] | None = None
) -> None:
    """OptionError for a unit, database or metric code (keyed by its option) the catalogue lacks."""
    if unit and unit not in catalogue.units:
        raise OptionError("unit", f"unknown unit '{unit}'")
    if database and database not in catalogue.databases:
        raise OptionError("database", f"unknown database '{database}'")
    for key, code in (metrics or {}).items():
        if code not in catalogue.metrics:
            raise OptionError(key, f"unknown metric '{code}'")


def series_of(catalogue: Catalogue, unit: str, database: str, metrics: list[str]) -> set[tuple[str, str, str]]:
    """The series that records of these metrics with a fixed unit and database go to (a
    database's figures belong to its owner when no unit is given, as validation does)."""
    found = set()
    for code in metrics:
        metric = catalogue.metrics.get(code)
        if metric is None:
            continue
        if metric.scope == "database":
            owner = unit or (catalogue.databases[database].owner if database in catalogue.databases else "")
            if database:
                found.add((code, owner, database))
        elif unit:
            found.add((code, unit, ""))
    return found


def reported_series(catalogue: Catalogue, unit: str) -> set[tuple[str, str, str]]:
    """The series a unit reports (its template's rows)."""
    return {(metric.code, unit, database) for metric, database in catalogue.reported_by(unit)}


class Options(BaseModel):
    """Base of every kind's declared configuration schema: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


OptionsT = TypeVar("OptionsT", bound=Options)


class Source(ABC, Generic[OptionsT]):
    """A configured unit system. Subclasses declare their options_model and implement fetch:

    class DemoSource(Source[DemoOptions]):
        options_model = DemoOptions
    """

    options_model: ClassVar[type[Options]] = Options  # the kind's declared configuration schema
    can_backfill: ClassVar[bool] = False

    def __init__(
        self, source_id: str, options: OptionsT, catalogue: Catalogue, config_dir: Path, data_dir: Path | None = None
    ) -> None:
        self.source_id = source_id
        self.options = options
        self.catalogue = catalogue
        self.config_dir = config_dir
        self.data_dir = data_dir or Path("data")

    @classmethod
    def check_options(cls, options: OptionsT, catalogue: Catalogue, config_dir: Path) -> None:  # noqa: B027
        """Raise OptionError when options refer to things that do not exist (nothing to check by default)."""

    @classmethod
    def within_timeout(cls, options: OptionsT, timeout_seconds: float) -> OptionsT:
        """The options fitted to the run's timeout_seconds (OptionError when they cannot fit);
        unchanged by default."""
        return options

    @classmethod
    def declared_series(cls, options: OptionsT, catalogue: Catalogue) -> set[tuple[str, str, str]]:
        """(metric, unit, database) of the series this source will write, where its options fix
        them; configuration refuses two sources declaring one series. Empty when they depend
        on what the system sends (the store still refuses a series another source feeds)."""
        return set()

    @abstractmethod
    def fetch(self, window: Window) -> list[Record]:
        """Return the records of window, or raise SourceError."""

    def after_commit(self, rejected: list[tuple[Record, Problem]]) -> None:  # noqa: B027
        """Called once the records of the last fetch are safely stored (rejected: record, reason);
        nothing to do by default."""

    def after_failure(self) -> None:  # noqa: B027
        """Called when the last fetch's records could not be stored; nothing may be lost (nothing
        to do by default)."""
