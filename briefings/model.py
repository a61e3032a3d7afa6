"""What a weekly briefing says: the content model, computed once (content.py) and printed by
every document (layout.py lays it out for the PDF, the DOCX and the XLSX appendix) and by the
narrative, so a number in a sentence is the number in the table. Names and words in it are
already in the briefing's language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from base.localtime import WEEK
from base.problems import Problem


class BriefingError(Exception):
    """A briefing that cannot be built honestly (no data for the week, unknown unit…): a
    Problem (base/problems.py), worded for whoever reads it."""

    def __init__(self, code: str, **params: Any) -> None:
        self.problem = Problem(code, params)
        super().__init__(code)

    def __str__(self) -> str:
        return self.problem.text()


@dataclass(frozen=True)
class Headline:
    label: str
    value: float | None
    suffix: str  # "%" or " điểm", in the briefing's language
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
    directives: list[tuple[str, str, str]] = field(default_factory=list)  # (unit: text, state, due day), open ones
    narrative: list[str] = field(default_factory=list)

    @property
    def week_end(self) -> int:
        return self.week_start + WEEK
