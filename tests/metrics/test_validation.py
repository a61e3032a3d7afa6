"""Every record passes its metric's definition; bad ones are quarantined with the reason."""

from __future__ import annotations

import datetime as dt

from base import i18n
from base.localtime import bucket_start
from data_sources.base import Record
from metrics.store import Sample
from metrics.validation import validate

NOW = dt.datetime(2026, 11, 25, 8, 30, tzinfo=dt.UTC)
OLDEST = NOW - dt.timedelta(days=2)


def check(config, *records):
    validated = validate(records, config.catalogue, OLDEST, NOW)
    return validated.good, validated.bad


def test_a_good_record_is_stored_in_its_local_day_bucket(default_config):
    good, bad = check(default_config, Record("tthc_received", NOW, 120, "KCB"))
    assert bad == []
    (sample,) = good
    assert isinstance(sample, Sample)
    assert sample.value == 120.0
    # 08:30 UTC is 15:30 in Hanoi: the day bucket starts at 00:00 local = 17:00 UTC the day before
    assert sample.ts == int(dt.datetime(2026, 11, 24, 17, 0, tzinfo=dt.UTC).timestamp())
    assert sample.ts == bucket_start(NOW, "day")


def test_gauges_are_bucketed_by_the_hour_and_take_the_owner_of_their_database(default_config):
    good, _ = check(default_config, Record("db_score_sach", NOW, 91.5, "", "TIEMCHUNG"))
    assert good[0].key.unit == "PB" and good[0].key.database == "TIEMCHUNG"
    assert good[0].ts == int(dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC).timestamp())


def test_out_of_range_values_are_quarantined_with_the_reason_and_the_rest_kept(default_config):
    good, bad = check(
        default_config,
        Record("db_score_du", NOW, 104.5, "", "KCB"),
        Record("tthc_received", NOW, -3, "KCB"),
        Record("tthc_received", NOW, 50, "QLD"),
    )
    assert [s.key.unit for s in good] == ["QLD"]
    assert [r.reason.text() for r in bad] == [
        "giá trị 104.5 ngoài khoảng hợp lệ 0–100 điểm",
        "giá trị -3 ngoài khoảng hợp lệ 0–1000000000 hồ sơ",
    ]
    assert bad[0].raw["value"] == 104.5 and bad[0].raw["database"] == "KCB"


def test_unknown_codes_non_numbers_and_bad_times_are_refused(default_config):
    _, bad = check(
        default_config,
        Record("no_such_metric", NOW, 1, "KCB"),
        Record("tthc_received", NOW, 1, "NOPE"),
        Record("db_stage", NOW, 2, "KCB", "NOPE"),
        Record("tthc_received", NOW, float("nan"), "KCB"),
        Record("tthc_received", NOW, "12", "KCB"),
        Record("tthc_received", NOW.replace(tzinfo=None), 1, "KCB"),
        Record("tthc_received", NOW + dt.timedelta(minutes=11), 1, "KCB"),
        Record("tthc_received", OLDEST - dt.timedelta(seconds=1), 1, "KCB"),
        "not even a record",
    )
    assert [r.reason.text() for r in bad] == [
        "chỉ số không có trong danh mục: 'no_such_metric'",
        "đơn vị không có trong danh mục: 'NOPE'",
        "CSDL không có trong danh mục: 'NOPE'",
        "giá trị không hữu hạn: nan",
        "giá trị không phải là số: '12'",
        "thời điểm không có múi giờ",
        f"thời điểm {(NOW + dt.timedelta(minutes=11)).isoformat()} ở tương lai",
        f"thời điểm {(OLDEST - dt.timedelta(seconds=1)).isoformat()} cũ hơn khoảng nguồn được gửi lại (look-back)",
        "không phải một bản ghi",
    ]


def test_codes_are_normalised_to_nfc(default_config):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "KCB")
    good, bad = check(default_config, Record("tthc_received", NOW, 1, decomposed))
    assert bad == [] and good[0].key.unit == "KCB"


def test_several_records_of_one_period_follow_the_metrics_declared_rule(default_config):
    from base.i18n import language

    morning, evening = NOW - dt.timedelta(hours=4), NOW - dt.timedelta(hours=1)
    validated = validate(
        [
            # a daily count sent as parts: added up
            Record("tthc_received", morning, 40, "KCB"),
            Record("tthc_received", evening, 60, "KCB"),
            # a score read twice in its hour: the latest reading stands
            Record("db_score_sach", NOW - dt.timedelta(minutes=20), 80, "", "TIEMCHUNG"),
            Record("db_score_sach", NOW - dt.timedelta(minutes=5), 81, "", "TIEMCHUNG"),
            # the same record twice: taken once
            Record("tthc_resolved", morning, 7, "KCB"),
            Record("tthc_resolved", morning, 7, "KCB"),
            # two values for the same moment: neither
            Record("tthc_received_online", morning, 5, "KCB"),
            Record("tthc_received_online", morning, 6, "KCB"),
        ],
        default_config.catalogue,
        OLDEST,
        NOW,
    )
    assert {s.key.metric: s.value for s in validated.good} == {
        "tthc_received": 100.0,
        "db_score_sach": 81.0,
        "tthc_resolved": 7.0,
    }
    with language("vi"):
        assert [r.reason.text() for r in validated.bad] == [
            "2 bản ghi cho cùng một thời điểm không khớp nhau (5; 6): không nhận bản ghi nào"
        ] * 2
        assert validated.note.text() == (
            "nhiều bản ghi cho cùng một kỳ: 2 phần được cộng thành 1 số liệu, 1 lần đọc được thay bằng lần sau, "
            "1 bản trùng chỉ nhận một lần"
        )
    assert validated.newest == NOW - dt.timedelta(minutes=5)


def test_a_count_must_be_a_whole_number(default_config):
    from base.i18n import language

    good, bad = check(
        default_config, Record("tthc_received", NOW, 98.6, "KCB"), Record("tthc_resolved", NOW, 12.0000000001, "KCB")
    )
    assert [s.value for s in good] == [12.0]
    with language("vi"):
        assert bad[0].reason.text() == "giá trị 98.6 không phải số nguyên, mà hồ sơ là số đếm"


def test_a_quarantined_record_does_not_move_the_sources_data_until(default_config):
    validated = validate(
        [
            Record("tthc_received", NOW - dt.timedelta(hours=2), 1, "KCB"),
            Record("tthc_received", NOW + dt.timedelta(days=30000), 1, "KCB"),
        ],
        default_config.catalogue,
        OLDEST,
        NOW,
    )
    assert len(validated.bad) == 1 and validated.newest == NOW - dt.timedelta(hours=2)


def test_a_provinces_figure_is_its_own_series_and_an_unknown_province_is_refused(default_config):
    good, bad = check(
        default_config,
        Record("tthc_received", NOW, 12, "KCB", province="79"),
        Record("tthc_received", NOW, 5, "KCB", province=1),  # a spreadsheet's 01 read as a number
        Record("tthc_received", NOW, 7, "KCB", province="Hà Nội"),
        Record("tthc_received", NOW, 9, "KCB", province="02"),  # Hà Giang's old code: merged in 2025
    )
    assert sorted(s.key.labels for s in good) == ["tinh=01", "tinh=79"]
    assert {s.key[:3] for s in good} == {("tthc_received", "KCB", "")}
    with i18n.language("en"):
        reasons = [r.reason.text() for r in bad]
    assert reasons == [
        "unknown province code 'Hà Nội' (the two-digit codes of the 34 provinces, e.g. 01 for Hà Nội)",
        "unknown province code '02' (the two-digit codes of the 34 provinces, e.g. 01 for Hà Nội)",
    ]
    assert bad[0].raw["province"] == "Hà Nội"
