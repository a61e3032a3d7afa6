"""Rollups and latest values kept by the writer, against SQLite and the PostgreSQL server."""

from __future__ import annotations

import random

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import select

from base.localtime import DAY, HOUR, WEEK, bucket_start, week_start
from metrics.schema import daily_rollups, samples, series_latest, weekly_rollups
from metrics.store import MIGRATIONS, Sample, SeriesKey, Store

MONDAY = 1_763_917_200  # 2025-11-24 00:00 in Hà Nội
HOURLY = SeriesKey("tthc_received", "KCB", "", "tinh=01")
DAILY = SeriesKey("db_score_dung", "KCB", "KCB", "tinh=79")


def run(store: Store, rows, source="demo-kcb"):
    run_id = store.start_run(source, "collect", 0, 1)
    return store.finish_run(run_id, source, "ok", rows)


def kept(store: Store) -> dict[str, list[tuple]]:
    with store.engine.connect() as connection:
        return {
            table.name: sorted(tuple(r) for r in connection.execute(select(table)))
            for table in (daily_rollups, weekly_rollups, series_latest)
        }


def assert_same(kept_now: dict[str, list[tuple]], expected: dict[str, list[tuple]]) -> None:
    """The same rows; sums equal to the last bits a different order of addition may change."""
    assert {name: len(rows) for name, rows in kept_now.items()} == {name: len(rows) for name, rows in expected.items()}
    for name, rows in expected.items():
        for got, want in zip(kept_now[name], rows, strict=True):
            assert got == pytest.approx(want, rel=1e-12, abs=1e-9), name


def test_the_writer_keeps_day_and_week_sums_counts_and_last_values(store):
    run(store, [Sample(HOURLY, MONDAY + 8 * HOUR, 5.0), Sample(HOURLY, MONDAY + 9 * HOUR, 7.0)])
    run(store, [Sample(HOURLY, MONDAY + DAY + 10 * HOUR, 1.0), Sample(HOURLY, MONDAY + 9 * HOUR, 4.0)])
    tables = kept(store)
    (series_id,) = {r[0] for r in tables["daily_rollups"]}
    assert tables["daily_rollups"] == [
        (series_id, MONDAY, 9.0, 2, MONDAY + 9 * HOUR, 4.0),  # 9:00 corrected from 7 to 4
        (series_id, MONDAY + DAY, 1.0, 1, MONDAY + DAY + 10 * HOUR, 1.0),
    ]
    assert tables["weekly_rollups"] == [(series_id, MONDAY, 10.0, 3, MONDAY + DAY + 10 * HOUR, 1.0)]
    assert tables["series_latest"] == [(series_id, MONDAY + DAY + 10 * HOUR, 1.0)]


def test_a_correction_of_an_older_period_does_not_move_the_latest_value_back(store):
    run(store, [Sample(DAILY, MONDAY + 2 * DAY, 80.0)])
    run(store, [Sample(DAILY, MONDAY, 60.0)])
    assert [r[1:] for r in kept(store)["series_latest"]] == [(MONDAY + 2 * DAY, 80.0)]


def test_a_rebuild_from_raw_samples_equals_what_the_writer_kept(store):
    rng = random.Random(12)
    keys = [SeriesKey("tthc_received", "KCB", "", f"tinh={p:02d}") for p in (1, 4, 8)] + [DAILY]
    for _ in range(25):  # runs over five weeks, out of order, overwriting each other
        batch = []
        for key in rng.sample(keys, 2):
            for _ in range(rng.randint(1, 30)):
                hours = rng.randint(0, 5 * 7 * 24 - 1)
                ts = (
                    MONDAY + hours * HOUR
                    if key.metric == "tthc_received"
                    else bucket_start(MONDAY + hours * HOUR, "day")
                )
                batch.append(Sample(key, ts, rng.randint(0, 5000) / 10))  # 91.3: sums in a different order differ
        run(store, batch)
    incremental = kept(store)
    assert len(incremental["weekly_rollups"]) >= 10
    read = store.rebuild_rollups()  # in Python: the writer's SQL checked against another implementation
    assert read == store.count_samples()
    assert_same(kept(store), incremental)


def test_raw_samples_past_the_retention_go_and_their_rollups_stay(store):
    old, recent = MONDAY - 10 * WEEK, MONDAY
    run(store, [Sample(DAILY, old, 50.0), Sample(DAILY, old + DAY, 70.0), Sample(DAILY, recent, 90.0)])
    before = kept(store)
    removed = store.prune_raw_samples(keep_days=30, now=MONDAY + DAY)
    assert removed == 2
    assert store.raw_kept_from() == bucket_start(MONDAY + DAY - 30 * DAY, "day")
    with store.engine.connect() as connection:
        assert [r.ts for r in connection.execute(select(samples.c.ts))] == [recent]
    assert kept(store) == before  # the old weeks still read 50+70 over two days
    store.rebuild_rollups()  # a rebuild keeps what it can no longer compute
    assert_same(kept(store), before)
    run(store, [Sample(DAILY, recent + DAY, 95.0)])  # and the writer goes on from the days kept
    week = [r for r in kept(store)["weekly_rollups"] if r[1] == week_start(recent)]
    assert [r[2:] for r in week] == [(185.0, 2, recent + DAY, 95.0)]


def test_the_migration_fills_rollups_from_the_samples_already_stored_and_goes_down_again(store):
    run(store, [Sample(HOURLY, MONDAY + HOUR, 3.0), Sample(DAILY, MONDAY, 40.0), Sample(DAILY, MONDAY + WEEK, 45.0)])
    expected = kept(store)
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
    with store.engine.connect() as connection:
        tables = connection.dialect.get_table_names(connection)
    assert not {"daily_rollups", "weekly_rollups", "series_latest"} & set(tables)
    store.upgrade()
    assert_same(kept(store), expected)
    assert len(expected["weekly_rollups"]) == 3


def test_the_command_rebuilds_the_rollups_a_broken_store_lost(config_copy, tmp_path, monkeypatch, capsys):
    from metrics.__main__ import main

    monkeypatch.setenv("IOC_DATA_DIR", str(tmp_path))
    store = Store(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    store.upgrade()
    run(store, [Sample(DAILY, MONDAY, 40.0), Sample(DAILY, MONDAY + DAY, 45.0)])
    expected = kept(store)
    with store.engine.begin() as connection:  # rollups lost (a hand edit, a bad restore)
        for table in (daily_rollups, weekly_rollups, series_latest):
            connection.execute(table.delete())
    assert main(["--config", str(config_copy), "rollups", "rebuild"]) == 0
    assert "rebuilt from 2 raw samples" in capsys.readouterr().out
    assert_same(kept(store), expected)
