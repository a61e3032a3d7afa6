"""Suspicious but valid values, flagged for follow-up (never dropped), as DHIS2's outlier
analysis does: the modified z-score of Iglewicz and Hoaglin against the series' own history.

    score = 0.6745 * (value - median) / MAD          flagged when |score| > 3.5

A daily count is compared with the same weekday of earlier weeks (offices close at
weekends); a gauge with its last 30 days. With too little history nothing is flagged, nor
is a change smaller than MIN_RELATIVE_CHANGE of the median: a steady trend makes the MAD
small, and a statistically unusual 20% move along a trend is not worth anyone's follow-up.
"""

from __future__ import annotations

import statistics
from typing import NamedTuple

THRESHOLD = 3.5
MIN_RELATIVE_CHANGE = 0.3
MIN_HISTORY = 6
WEEKLY_HISTORY = 8  # same weekday, up to eight weeks back (a trend moves older ones away)
GAUGE_HISTORY_SECONDS = 30 * 86400
WEEK_SECONDS = 7 * 86400


class Candidate(NamedTuple):
    """A sample to check: same_weekday for daily counts, otherwise the recent history."""

    series_id: int
    ts: int
    value: float
    same_weekday: bool


class Outlier(NamedTuple):
    series_id: int
    ts: int
    value: float
    median: float
    score: float


def robust_z(value: float, history: list[float]) -> tuple[float, float] | None:
    """(score, median) of value against history, or None when history cannot judge it."""
    if len(history) < MIN_HISTORY:
        return None
    median = statistics.median(history)
    mad = statistics.median(abs(x - median) for x in history)
    if mad == 0:
        # Half the history is identical: fall back on the mean absolute deviation (Iglewicz-Hoaglin).
        mean_ad = sum(abs(x - median) for x in history) / len(history)
        if mean_ad == 0:
            return None
        return (value - median) / (1.253314 * mean_ad), median
    return 0.6745 * (value - median) / mad, median


def history_of(candidate: Candidate, past: dict[int, float]) -> list[float]:
    """The values of the series before the candidate that it is judged against."""
    if candidate.same_weekday:
        return [past[t] for k in range(1, WEEKLY_HISTORY + 1) if (t := candidate.ts - k * WEEK_SECONDS) in past]
    return [v for t, v in past.items() if candidate.ts - GAUGE_HISTORY_SECONDS <= t < candidate.ts]


def find(candidates: list[Candidate], history: dict[int, dict[int, float]]) -> list[Outlier]:
    """The candidates whose robust z-score exceeds the threshold; history: series -> {ts: value}."""
    found = []
    for candidate in candidates:
        judged = robust_z(candidate.value, history_of(candidate, history.get(candidate.series_id, {})))
        if (
            judged
            and abs(judged[0]) > THRESHOLD
            and abs(candidate.value - judged[1]) >= MIN_RELATIVE_CHANGE * abs(judged[1])
        ):
            found.append(Outlier(candidate.series_id, candidate.ts, candidate.value, judged[1], judged[0]))
    return found
