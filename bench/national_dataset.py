"""A national-size store for the scale work of issue 12: every metric each unit reports, per
province (the 34 provinces of the `vietnam-provinces` package, as the series' labels
"tinh=<code>"), one sample a day for three years: about 9,000 series and 10 million samples.

    python bench/national_dataset.py --sqlite /tmp/national.sqlite3 [--years 3]
    python bench/national_dataset.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/national

The schema comes from the store's own migrations; series are owned by the demo sources of
config/sources.toml (one run each); samples go in by the driver's fastest path (executemany in
one transaction on SQLite, COPY on PostgreSQL), in primary-key order, then the daily and weekly
rollups and latest values are built by the store's own rebuild. Values are deterministic
(seeded): counts around a per-series level with weekly rhythm, gauges within the metric's range.
Prints the counts and the time each step took. Not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from base import localtime  # noqa: E402
from metrics.schema import collection_runs, series  # noqa: E402
from metrics.settings import load_config  # noqa: E402
from metrics.store import Store  # noqa: E402

DAY = 86400


def provinces() -> list[str]:
    """The 34 provinces' codes, from the package that keeps Vietnam's divisions (not typed here)."""
    from vietnam_provinces import Province

    return [f"{int(p.code.value):02d}" for p in Province.iter_all()]


def values(metric, key: str, days: int) -> np.ndarray:
    """A series' daily values: deterministic from its key."""
    seed = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "little")
    rng = np.random.default_rng(seed)
    if metric.kind == "count":
        level = rng.uniform(20, 2000)
        weekly = np.where(np.arange(days) % 7 >= 5, 0.3, 1.0)  # weekends are quiet
        return np.round(rng.poisson(level, days) * weekly)
    low, high = metric.min, metric.max if metric.max < 1e12 else metric.min + 100
    centre = rng.uniform(low + 0.6 * (high - low), high)
    walk = np.cumsum(rng.normal(0, (high - low) * 0.002, days))
    return np.clip(centre + walk, low, high).round(2)


def main() -> None:
    parser = argparse.ArgumentParser()
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--sqlite", help="path of the SQLite file to create")
    target.add_argument("--postgres", help="SQLAlchemy URL of an empty PostgreSQL database")
    parser.add_argument("--years", type=float, default=3.1)  # 1,132 days: over 10 million samples
    args = parser.parse_args()
    url = f"sqlite:///{args.sqlite}" if args.sqlite else args.postgres
    config = load_config()
    started = time.perf_counter()
    store = Store(url)
    store.upgrade()
    days = int(args.years * 365.25)
    end = localtime.midnight(localtime.local_date(time.time()))
    times = end - DAY * np.arange(days, 0, -1, dtype=np.int64)
    codes = provinces()
    owners = {s.options.unit: s.id for s in config.sources}  # type: ignore[union-attr]
    now = time.time()
    with store.engine.begin() as connection:
        runs = {}
        for unit, source_id in owners.items():
            runs[unit] = connection.execute(
                insert(collection_runs).values(
                    source_id=source_id,
                    kind="backfill",
                    started_at=now,
                    finished_at=now,
                    status="ok",
                    rows_written=0,
                )
            ).inserted_primary_key[0]
        wanted = []
        for unit in config.catalogue.units:
            for metric, database in config.catalogue.reported_by(unit):
                for province in codes:
                    wanted.append(
                        {
                            "metric": metric.code,
                            "unit": unit,
                            "database": database,
                            "labels": f"tinh={province}",
                            "source_id": owners[unit],
                        }
                    )
        connection.execute(insert(series), wanted)
        found = connection.execute(select(series.c.id, series.c.metric, series.c.unit, series.c.labels)).all()
    print(f"schema and {len(found)} series in {time.perf_counter() - started:.1f} s")
    loading = time.perf_counter()
    total = 0
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if args.sqlite:
            cursor.execute("PRAGMA synchronous=OFF")
        for index, row in enumerate(sorted(found, key=lambda r: r.id)):
            metric = config.catalogue.metrics[row.metric]
            daily = values(metric, f"{row.metric}|{row.unit}|{row.labels}", days)
            run = runs[row.unit]
            if args.sqlite:
                cursor.executemany(
                    "INSERT INTO samples (series_id, ts, value, run_id) VALUES (?, ?, ?, ?)",
                    zip([row.id] * days, times.tolist(), daily.tolist(), [run] * days, strict=True),
                )
            else:
                buffer = io.StringIO()
                for ts, value in zip(times.tolist(), daily.tolist(), strict=True):
                    buffer.write(f"{row.id}\t{ts}\t{value}\t{run}\n")
                with cursor.copy("COPY samples (series_id, ts, value, run_id) FROM STDIN") as copy:
                    copy.write(buffer.getvalue())
            total += days
            if index % 1000 == 999:
                print(f"  {total:,} samples, {time.perf_counter() - loading:.0f} s", flush=True)
        raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    print(f"{total:,} samples in {time.perf_counter() - loading:.1f} s", flush=True)
    rolling = time.perf_counter()
    store.rebuild_rollups()  # the product's own rebuild (python -m metrics rollups rebuild)
    with store.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    store.engine.dispose()
    print(f"rollups rebuilt in {time.perf_counter() - rolling:.1f} s; total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
