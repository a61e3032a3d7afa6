"""The demo simulator: deterministic, plausible magnitudes, and realistic trouble."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from data_sources.base import SourceError, Window
from data_sources.demo import DemoOptions, DemoSource

NOW = dt.datetime.now(dt.UTC)
WEEK_AGO = Window(NOW - dt.timedelta(days=14), NOW - dt.timedelta(days=7))


def source(config, unit: str, **options) -> DemoSource:
    return DemoSource(f"demo-{unit.lower()}", DemoOptions(unit=unit, **options), config.catalogue, config.config_dir)


def test_the_same_period_gives_the_same_figures(default_config):
    first = source(default_config, "KCB").fetch(WEEK_AGO)
    again = source(default_config, "KCB").fetch(WEEK_AGO)
    assert first == again and len(first) > 100


def test_each_unit_reports_its_own_indicators_tasks_and_databases(default_config):
    records = source(default_config, "TTYTQG").fetch(WEEK_AGO)
    metrics = {r.metric for r in records}
    assert {"tthc_received", "tthc_resolved_on_time", "ehb_facilities_connected", "db_score_dung"} <= metrics
    assert "birth_cert_issued" not in metrics  # a task of BMTE
    assert {r.database for r in records if r.metric.startswith("db_")} == {"SKDT"}
    assert {r.unit for r in records} == {"TTYTQG"}


def test_magnitudes_follow_the_domain(default_config):
    births = [r.value for r in source(default_config, "BMTE").fetch(WEEK_AGO) if r.metric == "birth_cert_issued"]
    assert 2_000 < sum(births) / len(births) < 6_000  # about 4,000 a day
    ehb = [r for r in source(default_config, "TTYTQG").fetch(WEEK_AGO) if r.metric.startswith("ehb_facilities")]
    total = max(r.value for r in ehb if r.metric == "ehb_facilities_total")
    connected = max(r.value for r in ehb if r.metric == "ehb_facilities_connected")
    assert total == 12_693 and 0.9 < connected / total <= 1.0
    for record in source(default_config, "KCB").fetch(WEEK_AGO):
        metric = default_config.catalogue.metrics[record.metric]
        assert metric.min <= record.value <= metric.max, record


def test_shares_never_exceed_their_whole(default_config):
    by_day: dict = {}
    for r in source(default_config, "QLD").fetch(WEEK_AGO):
        by_day.setdefault(r.ts, {})[r.metric] = r.value
    for values in by_day.values():
        if "tthc_received" in values:
            assert values["tthc_received_online"] <= values["tthc_received"]
            assert values["tthc_resolved_on_time"] <= values["tthc_resolved"]


def test_weekends_are_quieter_than_weekdays(default_config):
    records = [
        r
        for r in source(default_config, "KCB").fetch(Window(NOW - dt.timedelta(days=28), NOW - dt.timedelta(days=1)))
        if r.metric == "tthc_received"
    ]
    local = dt.timezone(dt.timedelta(hours=7))
    weekday = [r.value for r in records if r.ts.astimezone(local).weekday() < 5]
    weekend = [r.value for r in records if r.ts.astimezone(local).weekday() >= 5]
    assert sum(weekend) / len(weekend) < 0.5 * sum(weekday) / len(weekday)


def test_a_unit_in_outage_answers_history_but_not_live(default_config):
    down = source(default_config, "BTXH", outage_hours=50)
    with pytest.raises(SourceError, match="hệ thống của đơn vị không phản hồi từ"):
        down.fetch(Window(NOW - dt.timedelta(days=2), NOW))
    history = down.fetch(WEEK_AGO)
    assert history and max(r.ts for r in history) <= down.outage_since


def test_every_nth_live_collection_carries_a_record_out_of_range(default_config):
    noisy = source(default_config, "QLD", bad_record_every=2)
    live = Window(NOW - dt.timedelta(days=1), dt.datetime.now(dt.UTC))
    catalogue = default_config.catalogue

    def out_of_range(records):
        return [r for r in records if not catalogue.metrics[r.metric].min <= r.value <= catalogue.metrics[r.metric].max]

    assert out_of_range(noisy.fetch(live)) == []
    assert len(out_of_range(noisy.fetch(live))) == 1


def test_a_slow_system_is_slow_only_when_collected_live(default_config):
    slow = source(default_config, "ATTP", delay_seconds=0.6)
    started = time.monotonic()
    slow.fetch(WEEK_AGO)
    assert time.monotonic() - started < 0.5
    started = time.monotonic()
    slow.fetch(Window(NOW - dt.timedelta(days=1), dt.datetime.now(dt.UTC)))
    assert time.monotonic() - started >= 0.6
