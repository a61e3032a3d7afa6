"""Store speed, side by side: our ingest vs the raw driver, our snapshot vs raw SQL.

python bench/store.py [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from metrics.collection import Collector, backfill  # noqa: E402
from metrics.read_models import build_snapshot  # noqa: E402
from metrics.settings import load_config  # noqa: E402
from metrics.store import Sample, SeriesKey, Store  # noqa: E402

ROWS = 50_000


def timed(function, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def ingest(store: Store, raw_insert) -> None:
    rows = [
        Sample(SeriesKey("tthc_received", f"U{i % 50}", ""), 1_700_000_000 + (i // 50) * 86400, float(i))
        for i in range(ROWS)
    ]

    def ours():
        run_id = store.start_run("bench", "collect", None, None)
        store.finish_run(run_id, "bench", "ok", rows)

    ours()  # creates the series once
    ours_s = timed(ours, 3)
    series_ids = list(range(1, 51))
    raw_rows = [(series_ids[i % 50], 1_800_000_000 + (i // 50) * 86400, float(i), 1) for i in range(ROWS)]
    raw_s = timed(lambda: raw_insert(raw_rows), 3)
    print(
        f"  ingest {ROWS:,} samples: ours {ROWS / ours_s:,.0f} rows/s, raw executemany {ROWS / raw_s:,.0f} rows/s, "
        f"ratio ours/raw time = {ours_s / raw_s:.2f}"
    )


def sqlite_raw(path: str):
    import sqlite3

    def insert(rows):
        connection = sqlite3.connect(path)
        with connection:
            connection.executemany(
                "INSERT INTO samples (series_id, ts, value, run_id) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value",
                rows,
            )
        connection.close()

    return insert


def postgres_raw(url: str):
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")

    def insert(rows):
        with psycopg.connect(dsn) as connection, connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO samples (series_id, ts, value, run_id) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value",
                rows,
            )

    return insert


def reads(store: Store, config) -> None:
    collector = Collector(config, store)
    started = time.perf_counter()
    backfill(collector, 26)
    print(
        f"  backfill 26 weeks x {len(config.sources)} sources: {time.perf_counter() - started:.1f} s, "
        f"{store.count_samples():,} samples"
    )
    raw_sql = text(
        "SELECT r.metric, r.unit, (s.ts + 280800) / 604800 AS wk, SUM(s.value) FROM samples s "
        "JOIN series r ON r.id = s.series_id GROUP BY r.metric, r.unit, wk"
    )

    def raw():
        with store.engine.connect() as connection:
            connection.execute(raw_sql).all()

    raw_s = timed(raw)
    snap_s = timed(lambda: build_snapshot(store, config))
    print(
        f"  page snapshot (every page's figures): {snap_s * 1000:.0f} ms; raw weekly SQL: {raw_s * 1000:.0f} ms; "
        f"ratio = {snap_s / raw_s:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    config = load_config()
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/bench.sqlite3"
        print("SQLite")
        store = Store(f"sqlite:///{path}")
        store.upgrade()
        ingest(store, sqlite_raw(path))
        store = Store(f"sqlite:///{folder}/reads.sqlite3")
        store.upgrade()
        reads(store, dataclasses.replace(config, data_dir=Path(folder)))
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    name = f"ioc_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = args.postgres.rsplit("/", 1)[0] + "/" + name
        print("PostgreSQL")
        store = Store(url)
        store.upgrade()
        ingest(store, postgres_raw(url))
        store.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
