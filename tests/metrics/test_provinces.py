"""Provinces as a dimension: each metric rolls up by its declared function, a read can be
narrowed to one province, and the figures match SQL written by hand over the raw samples."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from base.localtime import DAY, bucket_start, week_start
from base.provinces import provinces
from metrics.read_models import build_snapshot
from metrics.series_reads import latest_frame, weekly_frame
from metrics.store import Sample, SeriesKey, Store

PROVINCES = ["01", "79", "48"]


def test_the_34_provinces_come_from_the_package_with_their_codes():
    known = provinces()
    assert len(known) == 34
    assert (known["01"].name("vi"), known["01"].short_name("vi")) == ("Thành phố Hà Nội", "Hà Nội")
    assert (known["01"].name("en"), known["79"].short_name("en")) == ("Ha Noi City", "Ho Chi Minh")
    assert known["96"].name("en") == "Ca Mau Province"
    assert all(len(code) == 2 and code.isdigit() for code in known)


@pytest.fixture
def national(default_config, store: Store):
    """Three provinces' series of KCB for today: scores, a stage and counts."""
    now = time.time()
    today = bucket_start(now, "day")
    hour = bucket_start(now, "hour")
    rows = []
    for i, code in enumerate(PROVINCES):
        label = f"tinh={code}"
        rows += [
            Sample(SeriesKey("db_score_dung", "KCB", "KCB", label), hour, 90.0 + i),  # 90, 91, 92
            Sample(SeriesKey("db_stage", "KCB", "KCB", label), hour, 3.0 + i),  # 3, 4, 5
            Sample(SeriesKey("db_records", "KCB", "KCB", label), hour, 1000.0 * (i + 1)),
            Sample(SeriesKey("tthc_received", "KCB", "", label), today, 10.0 * (i + 1)),
            Sample(SeriesKey("tthc_resolved", "KCB", "", label), today, 8.0 * (i + 1)),
            Sample(SeriesKey("tthc_resolved_on_time", "KCB", "", label), today, [8.0, 8.0, 12.0][i]),
        ]
    run_id = store.start_run("demo-kcb", "collect", 0, 1)
    store.finish_run(run_id, "demo-kcb", "ok", rows)
    return default_config, store, now


def test_each_metric_rolls_up_over_provinces_by_its_declared_function(national):
    config, store, now = national
    latest = latest_frame(store, config.catalogue, ["db_score_dung", "db_stage", "db_records"])
    values = dict(zip(latest["metric"], latest["value"], strict=True))
    assert values == {"db_score_dung": pytest.approx(91.0), "db_stage": 3.0, "db_records": 6000.0}
    weekly = weekly_frame(store, config.catalogue, 1, now)
    week = weekly[weekly["week"] == week_start(now)]
    counts = dict(zip(week["metric"], week["value"], strict=True))
    assert counts["tthc_received"] == 60.0
    assert counts["db_score_dung"] == pytest.approx(91.0)  # a score is a mean, never a sum of provinces


def test_a_rate_is_recomputed_from_the_provinces_numerator_and_denominator(national):
    config, store, now = national
    snapshot = build_snapshot(store, config, now=now)
    on_time = next(i for i in snapshot.indicators if i.code == "on_time_rate")
    with store.engine.connect() as connection:
        num, den = (
            connection.execute(
                text(
                    "SELECT SUM(s.value) FROM samples s JOIN series r ON r.id = s.series_id "
                    "WHERE r.metric = :m AND s.ts >= :since"
                ),
                {"m": metric, "since": week_start(now)},
            ).scalar_one()
            for metric in ("tthc_resolved_on_time", "tthc_resolved")
        )
    assert (num, den) == (28.0, 48.0)
    assert on_time.ministry.value == pytest.approx(100 * 28 / 48)  # not the mean of 100, 50, 50 %
    kcb = next(d for d in snapshot.databases if d.code == "KCB")
    assert kcb.scores["dung"] == pytest.approx(91.0)
    assert kcb.stage == 3 and kcb.records == 6000.0


def test_a_province_narrows_every_figure_to_its_own_series(national):
    config, store, now = national
    snapshot = build_snapshot(store, config, now=now, province="79")
    on_time = next(i for i in snapshot.indicators if i.code == "on_time_rate")
    assert on_time.ministry.value == pytest.approx(50.0)  # 8 of 16
    kcb = next(d for d in snapshot.databases if d.code == "KCB")
    assert (kcb.scores["dung"], kcb.stage, kcb.records) == (91.0, 4, 2000.0)
    nothing = build_snapshot(store, config, now=now, province="12")
    assert next(i for i in nothing.indicators if i.code == "on_time_rate").ministry.value is None


def test_the_state_before_a_day_reads_each_provinces_last_day_before_it(national):
    config, store, now = national
    run_id = store.start_run("demo-kcb", "collect", 0, 1)
    tomorrow = bucket_start(now, "day") + DAY
    store.finish_run(
        run_id, "demo-kcb", "ok", [Sample(SeriesKey("db_score_dung", "KCB", "KCB", "tinh=01"), tomorrow - 3600, 50.0)]
    )
    before = latest_frame(store, config.catalogue, ["db_score_dung"], before=bucket_start(now, "day"))
    assert before.empty  # nothing was stored before today
    until_tomorrow = latest_frame(store, config.catalogue, ["db_score_dung"], before=tomorrow)
    assert until_tomorrow["value"].tolist() == [pytest.approx((50 + 91 + 92) / 3)]
    with pytest.raises(ValueError, match="midnight"):
        latest_frame(store, config.catalogue, ["db_score_dung"], before=tomorrow - 1)


def test_the_ministry_snapshot_compares_the_provinces_on_each_indicator(national):
    config, store, now = national
    snapshot = build_snapshot(store, config, now=now)
    assert snapshot.by_province["on_time_rate"] == {
        "01": pytest.approx(100.0),
        "79": pytest.approx(50.0),
        "48": pytest.approx(50.0),
    }
    assert build_snapshot(store, config, now=now, province="79").by_province == {}
