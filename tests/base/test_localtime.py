"""One module owns local time: the timezone setting moves every local day, week and time shown,
and a zone whose offset changes (daylight saving) is refused at start-up."""

from __future__ import annotations

import datetime as dt

import pytest

from base import formatting as fmt
from base import localtime
from base.config_errors import ConfigError
from metrics.settings import load_config

MOMENT = dt.datetime(2026, 11, 29, 16, 30, tzinfo=dt.UTC).timestamp()  # Sunday 23:30 in Hanoi, Monday 01:30 in Tokyo


@pytest.fixture
def tokyo():
    localtime.configure("Asia/Tokyo")
    yield
    localtime.configure(localtime.DEFAULT_ZONE)


def test_hanoi_is_the_default():
    assert localtime.offset() == 7 * 3600
    assert localtime.iso_week_label(localtime.week_start(MOMENT)) == "2026-W48"
    assert fmt.when(MOMENT) == "23:30 29/11/2026"


def test_another_zone_moves_days_weeks_and_times_shown(tokyo):
    assert localtime.offset() == 9 * 3600
    assert fmt.when(MOMENT) == "01:30 30/11/2026"
    assert localtime.iso_week_label(localtime.week_start(MOMENT)) == "2026-W49"  # already Monday in Tokyo
    day = localtime.bucket_start(MOMENT, "day")
    assert localtime.local(day).hour == 0 and localtime.local_date(day) == dt.date(2026, 11, 30)
    assert localtime.parse_week_label("2026-W49") == localtime.week_start(MOMENT)
    assert localtime.week_shift() == 9 * 3600 + 3 * 86400


def test_a_collected_day_is_the_zones_day(tokyo, default_config, sqlite_store, tmp_path):
    from metrics.collection import Collector
    from metrics.series_reads import weekly_frame
    from tests.conftest import demo_source, with_sources

    config = with_sources(default_config, demo_source(default_config, "KCB"), data_dir=tmp_path)
    Collector(config, sqlite_store).collect("demo-kcb")
    with sqlite_store.engine.connect() as connection:
        from sqlalchemy import text

        days = (
            connection.execute(
                text(
                    "SELECT DISTINCT s.ts FROM samples s JOIN series r ON r.id = s.series_id "
                    "WHERE r.metric = 'tthc_received'"
                )
            )
            .scalars()
            .all()
        )
    assert days and all(localtime.local(ts).time() == dt.time(0) for ts in days)  # midnight in Tokyo
    weeks = weekly_frame(sqlite_store, config.catalogue, 2)["week"].unique().tolist()
    assert weeks and all(localtime.local(w).weekday() == 0 and localtime.local(w).hour == 0 for w in weeks)


def test_a_zone_with_daylight_saving_or_an_unknown_one_is_refused(config_copy):
    with pytest.raises(ValueError, match="daylight saving"):
        localtime.fixed_offset("Europe/Paris")
    settings = config_copy.read_text(encoding="utf-8")
    for zone, problem in (("Europe/Paris", "daylight saving"), ("Asia/Hanoi", "unknown time zone")):
        config_copy.write_text(
            settings.replace('timezone = "Asia/Ho_Chi_Minh"', f'timezone = "{zone}"'), encoding="utf-8"
        )
        with pytest.raises(ConfigError) as caught:
            load_config(config_copy)
        assert caught.value.key == "app.timezone" and problem in caught.value.problem
