"""Suspicious but valid values are stored and flagged for follow-up, never dropped."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from metrics import outliers
from metrics.schema import flags, samples
from metrics.store import Sample, SeriesKey

DAY, WEEK = 86400, 7 * 86400
KEY = SeriesKey("tthc_received", "KCB", "")


def test_the_modified_z_score_of_iglewicz_and_hoaglin():
    history = [100, 102, 98, 101, 99, 103, 97, 100]
    score, median = outliers.robust_z(400, history)
    assert median == 100.0
    assert score == pytest.approx(0.6745 * 300 / 1.5)
    assert abs(outliers.robust_z(104, history)[0]) < outliers.THRESHOLD
    assert outliers.robust_z(400, history[:5]) is None  # too little history to judge
    assert outliers.robust_z(5, [5] * 10) is None  # a constant series is not judged


def test_daily_counts_are_judged_against_the_same_weekday():
    monday = 1_795_000_000
    past = {monday - k * WEEK: 100.0 + k for k in range(1, 11)} | {
        monday - k * WEEK + 5 * DAY: 8.0 for k in range(1, 11)
    }
    candidate = outliers.Candidate(1, monday, 104.0, same_weekday=True)
    assert outliers.history_of(candidate, past) == [101.0 + k for k in range(outliers.WEEKLY_HISTORY)]
    assert outliers.find([candidate], {1: past}) == []
    assert [o.value for o in outliers.find([candidate._replace(value=300.0)], {1: past})] == [300.0]


def stored_and_flagged(store):
    with store.engine.connect() as connection:
        values = dict(connection.execute(select(samples.c.ts, samples.c.value)).all())
        flagged = connection.execute(select(flags)).all()
    return values, flagged


def write(store, rows, kind="collect"):
    run_id = store.start_run("demo-kcb", kind, None, None)
    store.finish_run(run_id, "demo-kcb", "ok", rows)


def test_a_spike_is_stored_and_flagged_in_the_same_run(store):
    day = 1_795_000_000 - 1_795_000_000 % DAY
    write(store, [Sample(KEY, day - k * WEEK, 100.0 + (k % 3)) for k in range(1, 11)])
    write(store, [Sample(KEY, day, 400.0, "weekday")])
    values, flagged = stored_and_flagged(store)
    assert values[day] == 400.0  # kept
    (flag,) = flagged
    assert (flag.ts, flag.value, flag.median, flag.status) == (day, 400.0, 101.0, "open")
    assert flag.score > outliers.THRESHOLD
    write(store, [Sample(KEY, day, 401.0, "weekday")])  # collected again: one flag, updated
    assert [f.value for f in stored_and_flagged(store)[1]] == [401.0]


def test_ordinary_values_and_unjudged_samples_are_not_flagged(store):
    day = 1_795_000_000 - 1_795_000_000 % DAY
    write(store, [Sample(KEY, day - k * WEEK, 100.0 + (k % 3)) for k in range(1, 11)])
    write(store, [Sample(KEY, day, 102.0, "weekday"), Sample(KEY, day + DAY, 900.0, "")])
    assert stored_and_flagged(store)[1] == []


def test_the_demo_unit_with_a_keying_slip_gets_flagged_on_the_sources_page(default_config, sqlite_store, tmp_path):
    from dashboards.webapp import create_app
    from metrics.collection import Collector, backfill
    from tests.conftest import demo_source, with_sources

    config = with_sources(
        default_config, demo_source(default_config, "QLD", spike_metric="tthc_received"), data_dir=tmp_path
    )
    collector = Collector(config, sqlite_store)
    backfill(collector, 11)
    assert stored_and_flagged(sqlite_store)[1] == []  # backfills are not judged
    collector.collect("demo-qld")
    (flag,) = [f for f in stored_and_flagged(sqlite_store)[1]]
    yesterday = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date() - dt.timedelta(days=1)
    assert dt.datetime.fromtimestamp(flag.ts, dt.timezone(dt.timedelta(hours=7))).date() == yesterday
    from dashboards.pages import sources

    reader = create_app(config, sqlite_store).server.config["IOC_READER"]
    page = str(sources.render(reader, {}))
    assert "Giá trị bất thường" in page and "Hồ sơ TTHC tiếp nhận" in page


def test_a_small_move_of_a_steady_series_is_not_worth_a_flag():
    history = [25.0] * 8 + [24.0, 26.0]
    candidate = outliers.Candidate(1, 100 * DAY, 26.0, same_weekday=False)
    assert outliers.robust_z(26.0, history)[0] > outliers.THRESHOLD  # statistically unusual ...
    assert (
        outliers.find([candidate], {1: {k * DAY: v for k, v in enumerate(history, start=90)}}) == []
    )  # ... but only 4%
