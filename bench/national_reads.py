"""Reads at national size, side by side with the best SQL written by hand on the same store.

Build the store first with bench/national_dataset.py, then:

    python bench/national_reads.py sqlite:////tmp/national.sqlite3
    python bench/national_reads.py postgresql+psycopg://postgres@127.0.0.1:5432/national

Prints, for each read, our time and the hand-written SQL's (median of several runs) and the
ratio: the latest value of every series (ours rolled up over provinces, from the latest-value
table; by hand: a per-series seek on the raw samples, and the latest table read as it is),
weekly figures over three years (one series, one metric, every metric), and the cold snapshot
of every page. Not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402
from store import timed as timed_runs  # noqa: E402  (bench/store.py: the median of several runs)

from metrics.read_models import build_snapshot  # noqa: E402
from metrics.series_reads import latest_frame, weekly_frame  # noqa: E402
from metrics.settings import load_config  # noqa: E402
from metrics.store import Store  # noqa: E402

WEEKS = 160  # three years


def timed(function, repeat: int = 7) -> float:
    return timed_runs(function, repeat)


def hand(store: Store, sql: str, **params):
    def run():
        with store.engine.connect() as connection:
            return connection.execute(text(sql), params).all()

    return run


def line(what: str, ours: float, theirs: float, by: str) -> None:
    print(f"  {what:58} ours {ours * 1000:8.1f} ms   {by:28} {theirs * 1000:8.1f} ms   ratio {ours / theirs:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    args = parser.parse_args()
    config = load_config()
    catalogue = config.catalogue
    store = Store(args.url)
    print(f"{store.describe()}: {store.count_samples():,} samples")
    every_metric = list(catalogue.metrics)

    ours = timed(lambda: latest_frame(store, catalogue, every_metric))
    seek = timed(
        hand(
            store,
            "SELECT r.id, s.ts, s.value FROM series r JOIN samples s ON s.series_id = r.id "
            "AND s.ts = (SELECT MAX(ts) FROM samples WHERE series_id = r.id)",
        )
    )
    table = timed(
        hand(
            store,
            # the same answer: every roll-up function in one pass, each metric takes its own
            "SELECT r.metric, r.unit, r.database, MAX(l.ts), SUM(l.value), AVG(l.value), MIN(l.value), "
            "MAX(l.value) FROM series_latest l JOIN series r ON r.id = l.series_id "
            "GROUP BY r.metric, r.unit, r.database",
        )
    )
    line("latest of every series, rolled up", ours, seek, "hand: per-series seek, raw")
    line("latest of every series, rolled up", ours, table, "hand: latest table, GROUP BY")
    one_sum = timed(
        hand(
            store,
            "SELECT r.metric, r.unit, r.database, MAX(l.ts), SUM(l.value) FROM series_latest l "
            "JOIN series r ON r.id = l.series_id GROUP BY r.metric, r.unit, r.database",
        )
    )
    line("latest of every series, rolled up", ours, one_sum, "hand: same, SUM only")

    with store.engine.connect() as connection:
        one = connection.execute(text("SELECT id, metric FROM series WHERE metric = 'tthc_received' LIMIT 1")).one()
        since = connection.execute(text("SELECT MAX(start) FROM weekly_rollups")).scalar_one() - (WEEKS - 1) * 604800
    series_weeks = timed(
        hand(
            store,
            "SELECT start, total / sample_count FROM weekly_rollups WHERE series_id = :id AND start >= :since",
            id=one.id,
            since=since,
        )
    )
    raw_weeks = timed(
        hand(
            store,
            "SELECT (ts + 277200) / 604800, AVG(value) FROM samples WHERE series_id = :id AND ts >= :since "
            "GROUP BY (ts + 277200) / 604800",
            id=one.id,
            since=since,
        )
    )
    line("weekly means over 3 years, one series", series_weeks, raw_weeks, "hand: raw samples")
    metric_raw = timed(
        hand(
            store,
            "SELECT r.unit, (s.ts + 277200) / 604800 AS w, SUM(s.value) FROM samples s JOIN series r "
            "ON r.id = s.series_id WHERE r.metric = 'tthc_received' AND s.ts >= :since GROUP BY r.unit, w",
            since=since,
        ),
        3,
    )
    metric_rollup = timed(
        hand(
            store,
            "SELECT r.unit, w.start, SUM(w.total) FROM weekly_rollups w JOIN series r ON r.id = w.series_id "
            "WHERE r.metric = 'tthc_received' AND w.start >= :since GROUP BY r.unit, w.start",
            since=since,
        )
    )
    line("weekly totals over 3 years, one metric, every unit", metric_rollup, metric_raw, "hand: raw samples")
    all_weeks = timed(lambda: weekly_frame(store, catalogue, WEEKS), 3)
    all_hand = timed(
        hand(
            store,
            "SELECT r.metric, r.unit, r.database, w.start, SUM(w.total), AVG(w.last_value) "
            "FROM weekly_rollups w JOIN series r ON r.id = w.series_id WHERE w.start >= :since "
            "GROUP BY r.metric, r.unit, r.database, w.start",
            since=since,
        ),
        3,
    )
    line("weekly figures over 3 years, every metric rolled up", all_weeks, all_hand, "hand: one GROUP BY, rollups")
    started = time.perf_counter()
    build_snapshot(store, config)
    cold = time.perf_counter() - started
    warm = timed(lambda: build_snapshot(store, config), 3)
    print(f"  snapshot of every page: first {cold * 1000:.0f} ms, then {warm * 1000:.0f} ms (median of 3)")


if __name__ == "__main__":
    main()
