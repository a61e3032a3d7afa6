"""Editions are archived with their SHA-256 and data version and never rewritten; failed
builds are recorded and retried; the schedule owes each week's editions from Monday 07:00;
confirmations turn figures from provisional to confirmed until the figures change."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from base.localtime import WEEK, iso_week_label, week_start
from base.problems import word
from briefings import charts, jobs
from briefings.archive import BuildFailed, archive_dir, build_edition, read_file
from briefings.content import build_briefing
from briefings.settings import BriefingSettings, Schedule
from metrics import editions
from metrics.read_models import build_snapshot, unit_figures
from metrics.store import Sample, SeriesKey, Store
from tests.briefings.conftest import BUILT_AT, last_week, pdf_text
from tests.conftest import REPO, free_port

LOCAL = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture
def archive(filled, tmp_path):
    """The filled store with an archive folder of this test's own."""
    config, store = filled
    return dataclasses.replace(config, data_dir=tmp_path / "data"), store


@pytest.mark.long
def test_an_edition_is_stored_with_its_sha256_and_data_version_and_never_rewritten(archive):
    config, store = archive
    first = build_edition(store, config, last_week(), "", "vi", built_at=BUILT_AT)
    row = editions.edition(store, first.id)
    assert row["status"] == "built" and row["data_version"] == store.data_version() == first.briefing.data_version
    for fmt in ("pdf", "docx", "xlsx"):
        path = archive_dir(config) / row["files"][fmt]["path"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["files"][fmt]["sha256"]
    pdf_path = archive_dir(config) / row["files"]["pdf"]["path"]
    before = (pdf_path.read_bytes(), pdf_path.stat().st_mtime_ns)
    again = build_edition(store, config, last_week(), "", "vi", built_at=BUILT_AT)  # same data, same time
    assert again.id != first.id and again.files == first.files  # same bytes, same file
    later = build_edition(store, config, last_week(), "", "vi", built_at=BUILT_AT + 60)
    assert later.files["pdf"]["path"] != first.files["pdf"]["path"]
    assert (pdf_path.read_bytes(), pdf_path.stat().st_mtime_ns) == before  # the old edition is untouched
    assert len([e for e in editions.editions(store) if e["status"] == "built"]) >= 3


def test_a_file_changed_on_disk_is_refused_rather_than_served(archive):
    config, store = archive
    edition = build_edition(store, config, last_week(), "KCB", "vi", built_at=BUILT_AT)
    row = editions.edition(store, edition.id)
    path = archive_dir(config) / row["files"]["xlsx"]["path"]
    assert read_file(config, row, "xlsx") == path.read_bytes()
    path.write_bytes(path.read_bytes() + b"tampered")
    with pytest.raises(BuildFailed, match="SHA-256"):
        read_file(config, row, "xlsx")


def test_a_chart_that_cannot_render_leaves_no_document_and_is_retried(archive, monkeypatch):
    config, store = archive
    settings = BriefingSettings(schedule=Schedule(languages=["vi"]))
    original = charts.trend_chart

    def broken(*args, **kwargs):
        raise charts.ChartError("chart.bad_value", value="nan", label="trend")

    monkeypatch.setattr(charts, "trend_chart", broken)
    with pytest.raises(BuildFailed, match="ChartError"):
        build_edition(store, config, last_week(), "TCCB", "vi", trigger="schedule", settings=settings)
    assert not archive_dir(config).exists() or not any(archive_dir(config).rglob("TCCB-*"))
    failed = [
        f for f in editions.failed_builds(store) if f["scope"] == "TCCB" and f["week"] == iso_week_label(last_week())
    ]
    assert failed and "ChartError" in word(failed[0]["error"])
    monkeypatch.setattr(charts, "trend_chart", original)
    build_edition(store, config, last_week(), "TCCB", "vi", trigger="retry", settings=settings)
    assert not [f for f in editions.failed_builds(store) if f["scope"] == "TCCB"]


def test_a_store_that_is_down_builds_nothing(archive):
    config, _ = archive
    down = Store(f"postgresql+psycopg://ioc@127.0.0.1:{free_port()}/nowhere?connect_timeout=2")
    with pytest.raises(BuildFailed):
        build_edition(down, config, last_week(), "", "vi", trigger="schedule")
    assert not archive_dir(config).exists()


def monday(hour: int, minute: int) -> float:
    this_monday = week_start(dt.datetime.now(LOCAL).timestamp())
    return this_monday + hour * 3600 + minute * 60


def test_the_week_just_ended_is_owed_from_monday_seven_oclock_hanoi_time():
    settings = BriefingSettings()
    assert jobs.due_week(settings, monday(6, 59)) == week_start(monday(0, 0)) - 2 * WEEK
    assert jobs.due_week(settings, monday(7, 0)) == week_start(monday(0, 0)) - WEEK
    assert (
        jobs.due_week(BriefingSettings(schedule=Schedule(time="09:30")), monday(9, 0))
        == week_start(monday(0, 0)) - 2 * WEEK
    )


def test_the_schedule_builds_the_ministry_and_every_unit_and_then_owes_nothing(archive):
    config, store = archive
    settings = BriefingSettings(schedule=Schedule(languages=["vi"]))
    next_monday = monday(7, 5) + WEEK  # nothing is built yet for the week in progress
    assert len(jobs.owed(store, config, settings, next_monday)) == 1 + len(config.catalogue.units)
    now = monday(7, 5)
    owed = jobs.owed(store, config, settings, now)  # other tests of this module built a few already
    counts = jobs.build_owed(store, config, settings, now=now)
    assert counts["built"] == len(owed) > 0 and counts["failed"] == 0
    assert jobs.owed(store, config, settings, now) == []
    built = [e for e in editions.editions(store) if e["status"] == "built" and e["week"] == iso_week_label(last_week())]
    assert {e["scope"] for e in built} == {"", *config.catalogue.units}


def test_a_confirmed_unit_prints_confirmed_until_its_figures_change(archive, tmp_path):
    config, store = archive
    week = last_week()
    label = iso_week_label(week)
    snapshot = build_snapshot(store, config, now=store.data_state()[1], week=week)
    editions.confirm(store, label, "BMTE", "Trưởng phòng BMTE", unit_figures(snapshot, "BMTE"))
    briefing = build_briefing(store, config, week, "", "vi")
    assert next(u for u in briefing.units if u.code == "BMTE").confirmed
    assert not next(u for u in briefing.units if u.code == "KCB").confirmed
    assert all(task.confirmed == (task.owner == "BMTE") for task in briefing.tasks)
    edition = build_edition(store, config, week, "", "vi", built_at=BUILT_AT)
    text = pdf_text(archive_dir(config) / edition.files["pdf"]["path"], tmp_path)
    assert "BMTE (*)" not in text and "KCB (*)" in text and "Đơn vị đã xác nhận số liệu: 1/12." in text
    correct_late(store, week)  # a late correction of one of BMTE's figures that week
    briefing = build_briefing(store, config, week, "", "vi")
    assert not next(u for u in briefing.units if u.code == "BMTE").confirmed


def correct_late(store, week: int) -> None:
    """A collection brings one of BMTE's figures of that week again, one more than before."""
    with store.engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT r.metric, r.unit, r.database, r.labels, r.source_id, s.ts, s.value "
                "FROM samples s JOIN series r ON r.id = s.series_id "
                "WHERE r.unit = 'BMTE' AND r.metric = 'tthc_resolved_on_time' AND s.ts >= :start AND s.ts < :end "
                "ORDER BY s.ts LIMIT 1"
            ),
            {"start": week, "end": week + WEEK},
        ).one()
    run_id = store.start_run(row.source_id, "collect", row.ts, row.ts + 86400)
    key = SeriesKey(row.metric, row.unit, row.database, row.labels)
    store.finish_run(run_id, row.source_id, "ok", [Sample(key, row.ts, row.value + 1)])


def test_the_command_line_builds_a_unit_edition_in_english_into_a_folder(filled, tmp_path):
    config, store = filled
    env = {
        **os.environ,
        "IOC_STORE_URL": str(store.engine.url),
        "IOC_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(REPO),
    }
    label = iso_week_label(last_week())
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "briefings",
            "weekly",
            "--week",
            label,
            "--unit",
            "QLD",
            "--lang",
            "en",
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    for fmt in ("pdf", "docx", "xlsx"):
        assert (tmp_path / "out" / f"ban-tin-{label}-QLD-en.{fmt}").stat().st_size > 1000
    assert "WEEKLY OPERATIONS BRIEFING" in pdf_text(tmp_path / "out" / f"ban-tin-{label}-QLD-en.pdf", tmp_path)
    refused = subprocess.run(
        [sys.executable, "-m", "briefings", "weekly", "--week", "2026-W99"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert refused.returncode == 2 and "không hợp lệ" in refused.stderr
    Path(tmp_path / "data").exists()


def test_the_scheduler_fires_on_monday_at_seven_hanoi_time_and_retries_between(filled):
    from apscheduler.schedulers.background import BackgroundScheduler

    config, store = filled
    scheduler = BackgroundScheduler(timezone=dt.UTC)
    jobs.register(scheduler, store, config)
    weekly = scheduler.get_job("briefings-weekly").trigger
    start = dt.datetime(2026, 11, 25, 12, 0, tzinfo=LOCAL)  # a Wednesday
    fire = weekly.get_next_fire_time(None, start).astimezone(LOCAL)
    assert (fire.date(), fire.hour, fire.minute) == (dt.date(2026, 11, 30), 7, 0) and fire.weekday() == 0
    retry = scheduler.get_job("briefings-retry").trigger
    assert retry.interval == dt.timedelta(minutes=15)


def test_a_build_while_the_store_is_down_is_recorded_once_it_is_back_then_built(archive, monkeypatch):
    config, store = archive
    from sqlalchemy.exc import OperationalError

    settings = BriefingSettings(schedule=Schedule(languages=["vi"]))

    def down(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    with monkeypatch.context() as patch:
        patch.setattr(store, "data_state", down)
        patch.setattr(editions, "record_edition", down)
        with pytest.raises(BuildFailed, match="kho số liệu không truy cập được"):
            build_edition(store, config, last_week(), "YDCT", "vi", trigger="schedule", settings=settings)
    attempts = [e for e in editions.editions(store) if e["scope"] == "YDCT"]
    counts = jobs.build_owed(store, config, settings, now=monday(7, 5))
    assert counts["recorded_late"] == 1
    ydct = [e for e in editions.editions(store) if e["scope"] == "YDCT" and e not in attempts]
    failed = [e for e in ydct if e["status"] == "failed"]
    assert failed and "kho số liệu không truy cập được" in word(failed[0]["error"]) and failed[0]["data_version"] == -1
    assert any(e["status"] == "built" for e in editions.editions(store) if e["scope"] == "YDCT")


def test_a_week_without_figures_is_refused_and_its_retries_do_not_pile_up(archive):
    config, store = archive
    settings = BriefingSettings(schedule=Schedule(languages=["vi"]))
    empty_week = last_week() - 20 * WEEK  # before the demo history
    for _ in range(3):
        with pytest.raises(BuildFailed, match="không có số liệu nào"):
            build_edition(store, config, empty_week, "", "vi", trigger="retry", settings=settings)
    attempts = [e for e in editions.editions(store) if e["week"] == iso_week_label(empty_week)]
    assert len(attempts) == 1 and attempts[0]["status"] == "failed"
    assert not (archive_dir(config) / iso_week_label(empty_week)).exists()
