"""Read models give the figures the store holds, with their freshness."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import text, update

from metrics.collection import Collector, backfill
from metrics.health import source_health
from metrics.read_models import build_snapshot
from metrics.schema import collection_runs
from tests.conftest import demo_source, with_sources

LOCAL = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture
def filled(default_config, store):
    """Two weeks of demo history for four units, then one live collection each."""
    units = ["KCB", "BMTE", "QLD", "TTYTQG"]
    config = with_sources(default_config, *(demo_source(default_config, u) for u in units))
    collector = Collector(config, store)
    backfill(collector, 2)
    collector.collect_all()
    return config, store


def raw_week_sum(store, metric: str, unit: str | None = None) -> float:
    """The metric's total this local ISO week, computed directly with SQL and Python dates."""
    today = dt.datetime.now(LOCAL).date()
    monday = dt.datetime.combine(today - dt.timedelta(days=today.weekday()), dt.time(), LOCAL)
    query = (
        "SELECT COALESCE(SUM(s.value), 0) FROM samples s JOIN series r ON r.id = s.series_id "
        "WHERE r.metric = :m AND s.ts >= :start" + (" AND r.unit = :u" if unit else "")
    )
    with store.engine.connect() as connection:
        return float(
            connection.execute(text(query), {"m": metric, "start": int(monday.timestamp()), "u": unit}).scalar_one()
        )


def test_indicators_are_the_ratio_of_the_weeks_totals(filled):
    config, store = filled
    snapshot = build_snapshot(store, config)
    on_time = next(i for i in snapshot.indicators if i.code == "on_time_rate")
    expected = 100 * raw_week_sum(store, "tthc_resolved_on_time") / raw_week_sum(store, "tthc_resolved")
    assert on_time.ministry.value == pytest.approx(expected)
    expected_qld = (
        100 * raw_week_sum(store, "tthc_resolved_on_time", "QLD") / raw_week_sum(store, "tthc_resolved", "QLD")
    )
    assert on_time.by_unit["QLD"] == pytest.approx(expected_qld)
    assert on_time.by_unit["BTXH"] is None  # no source for that unit here
    assert on_time.ministry.previous is not None and len(on_time.trend) >= 2


def test_project06_tasks_are_measured_on_their_owner_units_figures(filled):
    config, store = filled
    birth = next(t for t in build_snapshot(store, config).tasks if t.code == "P06_BIRTH")
    assert birth.owner == "BMTE"
    assert birth.numerator == raw_week_sum(store, "birth_cert_sent_4h", "BMTE")
    assert birth.actual.value == pytest.approx(100 * birth.numerator / birth.denominator)
    assert birth.status in ("met", "on_track", "at_risk", "overdue")


def test_database_scores_are_the_weighted_mean_of_the_latest_criteria(filled):
    config, store = filled
    kcb = next(d for d in build_snapshot(store, config).databases if d.code == "KCB")
    with store.engine.connect() as connection:
        latest = dict(
            connection.execute(
                text(
                    "SELECT r.metric, s.value FROM samples s JOIN series r ON r.id = s.series_id "
                    "WHERE r.database = 'KCB' AND s.ts = (SELECT MAX(ts) FROM samples WHERE series_id = s.series_id)"
                )
            ).all()
        )
    criteria = config.catalogue.criteria.values()
    assert kcb.scores["dung"] == latest["db_score_dung"]
    assert kcb.score == pytest.approx(
        sum(c.weight * latest[c.metric] for c in criteria) / sum(c.weight for c in criteria)
    )
    assert kcb.stage == int(latest["db_stage"])
    assert kcb.colour == config.catalogue.colour(kcb.score)
    dbs = build_snapshot(store, config).databases
    assert next(d for d in dbs if d.code == "BTXH").score is None  # no source delivered it


def weighted_score_before(store, config, database: str, before: float) -> float:
    """A database's score from its newest criteria samples older than a time, in raw SQL."""
    with store.engine.connect() as connection:
        values = dict(
            connection.execute(
                text(
                    "SELECT r.metric, s.value FROM samples s JOIN series r ON r.id = s.series_id "
                    "WHERE r.database = :db "
                    "AND s.ts = (SELECT MAX(ts) FROM samples WHERE series_id = s.series_id AND ts < :before)"
                ),
                {"db": database, "before": before},
            ).all()
        )
    criteria = config.catalogue.criteria.values()
    return sum(c.weight * values[c.metric] for c in criteria) / sum(c.weight for c in criteria)


def test_a_past_week_shows_each_database_as_it_stood_at_the_weeks_end_and_its_change(filled):
    config, store = filled
    this_monday = build_snapshot(store, config).week
    last_monday = this_monday - 7 * 86400
    past = next(d for d in build_snapshot(store, config, week=last_monday).databases if d.code == "KCB")
    assert past.score == pytest.approx(weighted_score_before(store, config, "KCB", this_monday))
    assert past.previous_score == pytest.approx(weighted_score_before(store, config, "KCB", last_monday))
    assert past.change == pytest.approx(past.score - past.previous_score)
    current = next(d for d in build_snapshot(store, config).databases if d.code == "KCB")
    assert current.previous_score == pytest.approx(weighted_score_before(store, config, "KCB", this_monday))


def test_a_source_silent_for_more_than_k_intervals_is_stale_and_marks_its_figures(filled):
    config, store = filled
    assert not any(h.stale for h in source_health(store, config).values())
    old = time.time() - 3.5 * 60  # k = 3 intervals of 60 s
    with store.engine.begin() as connection:
        connection.execute(
            update(collection_runs)
            .where(collection_runs.c.source_id == "demo-qld")
            .values(started_at=old - 1, finished_at=old)
        )
    health = source_health(store, config)
    assert health["demo-qld"].stale and health["demo-qld"].state == "stale"
    assert not health["demo-kcb"].stale
    snapshot = build_snapshot(store, config)
    assert snapshot.unit_effectiveness["QLD"].freshness.stale
    assert snapshot.unit_effectiveness["QLD"].freshness.as_of == pytest.approx(old)
    assert not snapshot.unit_effectiveness["KCB"].freshness.stale
    assert snapshot.effectiveness.freshness.stale_sources == ("demo-qld",)
    assert any(a.kind == "stale_source" and a.subject == "demo-qld" for a in snapshot.alerts)


def test_a_ministry_figure_with_one_stale_source_stays_current_and_says_part_is_stale(filled):
    config, store = filled
    old = time.time() - 3600
    with store.engine.begin() as connection:
        connection.execute(
            update(collection_runs)
            .where(collection_runs.c.source_id == "demo-qld")
            .values(started_at=old - 1, finished_at=old)
        )
    freshness = build_snapshot(store, config).effectiveness.freshness
    assert not freshness.stale and freshness.partial
    assert (freshness.stale_sources, freshness.sources) == (("demo-qld",), 4)
    assert freshness.as_of > old + 3000  # as of the sources still delivering


def test_the_plan_runs_straight_from_the_first_week_to_the_target_at_the_deadline():
    from metrics.read_models import plan_path

    local = dt.timezone(dt.timedelta(hours=7))
    week = 7 * 86400
    start = int(dt.datetime(2026, 1, 5, tzinfo=local).timestamp())
    trend = [(start, 60.0), (start + week, None), (start + 2 * week, 70.0)]
    deadline = dt.date(2026, 1, 5) + dt.timedelta(weeks=4)
    plan = plan_path(trend, 100.0, deadline)
    assert [round(v, 6) for _, v in plan] == [60.0, 70.0, 80.0]
    assert plan_path(trend, 100.0, dt.date(2025, 12, 1)) == [(w, 100.0) for w, _ in trend]  # past deadline: the target
    assert plan_path([(start, None)], 100.0, deadline) == []
