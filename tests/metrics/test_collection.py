"""The collection runner: every run logged; a failing or hanging source delays nobody."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from metrics.collection import Collector, backfill
from metrics.schema import collection_runs, samples
from metrics.settings import SourceConfig
from tests.conftest import MONITORING, demo_source, with_sources
from tests.fakes import FakeOptions, FakeSource

pytestmark = pytest.mark.usefixtures("fake_kind")  # sources of kind "fake" (tests/fakes.py)


def fake(source_id: str, timeout: float = 1.0, **options) -> SourceConfig:
    return SourceConfig(
        id=source_id, kind="fake", interval_seconds=5, timeout_seconds=timeout, options=FakeOptions(**options)
    )


def runs(store) -> list:
    with store.engine.connect() as connection:
        return connection.execute(select(collection_runs).order_by(collection_runs.c.id)).all()


def test_a_demo_collection_writes_samples_and_logs_the_run(default_config, store):
    config = with_sources(default_config, demo_source(default_config, "KCB"))
    outcome = Collector(config, store).collect("demo-kcb")
    assert outcome.status == "ok" and outcome.rows_written > 50
    (run,) = runs(store)
    assert (run.source_id, run.kind, run.status, run.rows_written) == (
        "demo-kcb",
        "collect",
        "ok",
        outcome.rows_written,
    )
    assert store.count_samples() == outcome.rows_written


def test_collecting_twice_stores_the_period_once(default_config, store):
    config = with_sources(default_config, demo_source(default_config, "BMTE"))
    collector = Collector(config, store)
    first = collector.collect("demo-bmte")
    collector.collect("demo-bmte")
    assert store.count_samples() == first.rows_written


def test_a_source_error_fails_the_run_with_its_message_and_keeps_earlier_samples(default_config, sqlite_store):
    config = with_sources(default_config, fake("api"))
    collector = Collector(config, sqlite_store)
    collector.collect("api")
    collector.sources["api"].options = FakeOptions(fail="source")
    outcome = collector.collect("api")
    assert (outcome.status, outcome.error) == ("failed", "HTTP 503 from the unit's API")
    assert sqlite_store.count_samples() == 1


def test_a_bug_in_a_source_is_reported_as_such(default_config, sqlite_store):
    config = with_sources(default_config, fake("buggy", fail="bug"))
    outcome = Collector(config, sqlite_store).collect("buggy")
    assert outcome.status == "failed"
    assert outcome.error == "lỗi không lường trước trong mô-đun nguồn (ZeroDivisionError: division by zero)"


def test_a_hanging_source_times_out_and_is_not_asked_again_while_it_hangs(default_config, sqlite_store):
    config = with_sources(default_config, fake("slow", timeout=0.5, sleep_seconds=30))
    collector = Collector(config, sqlite_store)
    started = time.monotonic()
    outcome = collector.collect("slow")
    assert time.monotonic() - started < 2
    assert outcome.status == "timeout" and "không trả lời trong 0,5 giây (quá thời gian chờ)" == outcome.error
    second = collector.collect("slow")
    assert second.status == "timeout" and second.error.startswith("lần thu trước chưa trả lời từ")
    assert FakeSource.calls["slow"] == 1
    FakeSource.release.set()
    time.sleep(0.2)
    collector.sources["slow"].options = FakeOptions()
    assert collector.collect("slow").status == "ok"


def test_one_hanging_and_one_failing_source_do_not_delay_the_others(default_config, sqlite_store):
    sources = [fake("hang", timeout=1.0, sleep_seconds=30), fake("fail", fail="source")] + [
        fake(f"ok{i}") for i in range(6)
    ]
    collector = Collector(with_sources(default_config, *sources), sqlite_store)
    started = time.monotonic()
    results = collector.collect_all()
    elapsed = time.monotonic() - started
    assert elapsed < 2.5, elapsed
    assert {sid: o.status for sid, o in results.items()} == {
        "hang": "timeout",
        "fail": "failed",
        **{f"ok{i}": "ok" for i in range(6)},
    }


def test_backfill_fills_the_requested_weeks_and_records_its_progress(default_config, sqlite_store):
    config = with_sources(default_config, demo_source(default_config, "VPB"))
    collector = Collector(config, sqlite_store)
    backfill(collector, 3)
    state = sqlite_store.backfill_status()["demo-vpb"]
    assert (state["chunks_total"], state["chunks_done"], state["status"]) == (3, 3, "done")
    assert [r.kind for r in runs(sqlite_store)] == ["backfill"] * 3
    samples_after = sqlite_store.count_samples()
    backfill(collector, 3)  # already done: nothing is asked again
    assert len(runs(sqlite_store)) == 3 and sqlite_store.count_samples() == samples_after


def test_a_unit_in_outage_is_backfilled_up_to_the_outage_and_fails_live(default_config, sqlite_store):
    config = with_sources(default_config, demo_source(default_config, "BTXH", outage_hours=50))
    collector = Collector(config, sqlite_store)
    backfill(collector, 2)
    state = sqlite_store.backfill_status()["demo-btxh"]
    assert state["status"] == "done"
    assert sqlite_store.count_samples() > 0
    from sqlalchemy import func

    from metrics.schema import samples

    with sqlite_store.engine.connect() as connection:
        newest = connection.execute(select(func.max(samples.c.ts))).scalar_one()
    assert newest <= collector.sources["demo-btxh"].outage_since.timestamp()
    assert newest >= collector.sources["demo-btxh"].outage_since.timestamp() - 86400
    live = collector.collect("demo-btxh")
    assert live.status == "failed" and "hệ thống của đơn vị không phản hồi từ" in live.error


def test_a_source_whose_every_record_is_quarantined_is_amber_everywhere(default_config, sqlite_store):
    from dashboards.webapp import create_app
    from metrics.health import source_health

    config = with_sources(default_config, fake("answers-nonsense", value=-5))  # below the metric's range
    outcome = Collector(config, sqlite_store).collect("answers-nonsense")
    assert (outcome.status, outcome.rows_written, outcome.rows_rejected) == ("ok", 0, 1)
    assert source_health(sqlite_store, config)["answers-nonsense"].state == "unusable"
    body = create_app(config, sqlite_store).server.test_client().get("/healthz", headers=MONITORING).get_json()
    assert body["status"] == "degraded" and body["sources"]["answers-nonsense"]["state"] == "unusable"
    assert (
        body["sources"]["answers-nonsense"]["last_error_code"] == "run.nothing_usable"
    )  # said on the sources page too


def test_a_series_another_configured_source_feeds_is_not_overwritten(default_config, sqlite_store):
    from base.i18n import language

    config = with_sources(default_config, fake("first", value=10), fake("second", value=99))
    collector = Collector(config, sqlite_store)
    assert collector.collect("first").rows_written == 1
    second = collector.collect("second")
    assert (second.rows_written, second.rows_rejected) == (0, 1)
    with language("vi"):
        assert (
            second.rejected[0].reason.text() == "chuỗi số liệu tthc_received/KCB do nguồn first cung cấp; không ghi đè"
        )
    with sqlite_store.engine.connect() as connection:
        assert connection.execute(select(samples.c.value)).scalars().all() == [10.0]


def test_a_quarantined_nan_is_stored_as_json(default_config, sqlite_store):
    import json

    from metrics.schema import quarantine

    config = with_sources(default_config, fake("not-a-number", value=float("nan")))
    assert Collector(config, sqlite_store).collect("not-a-number").rows_rejected == 1
    with sqlite_store.engine.connect() as connection:
        raw = connection.execute(select(quarantine.c.raw)).scalar_one()
    assert json.loads(raw, parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))["value"] == "nan"


def test_a_disabled_source_is_neither_late_nor_counted(default_config, sqlite_store):
    from metrics.health import freshness, source_health

    off = fake("switched-off").model_copy(update={"enabled": False})
    config = with_sources(default_config, fake("working"), off)
    collector = Collector(config, sqlite_store)
    collector.collect("working")
    health = source_health(sqlite_store, config, now=time.time() + 10 * 86400)  # long after any run
    assert health["switched-off"].state == "disabled" and not health["switched-off"].stale
    assert health["working"].stale
    fresh = freshness(["working", "switched-off"], health)
    assert fresh.sources == 1 and fresh.as_of is not None  # an "as of" of the working source alone
