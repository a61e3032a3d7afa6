"""The metrics store, run against SQLite and against the PostgreSQL server."""

from __future__ import annotations

from sqlalchemy import inspect, select

from base.problems import Problem, word
from metrics.schema import collection_runs, quarantine, samples
from metrics.store import Rejected, Sample, SeriesKey, Store

KEY = SeriesKey("tthc_received", "KCB", "")
OTHER = SeriesKey("db_score_dung", "KCB", "KCB")


def run(store: Store, rows, rejected=(), status="ok", error=None, source="demo-kcb"):
    run_id = store.start_run(source, "collect", 0, 1)
    return store.finish_run(run_id, source, status, rows, rejected, error)


def stored(store: Store) -> list[tuple]:
    with store.engine.connect() as connection:
        return sorted(tuple(r) for r in connection.execute(select(samples.c.series_id, samples.c.ts, samples.c.value)))


def test_migrations_create_every_table_and_can_run_again(store):
    store.upgrade()  # a second start finds the schema current
    tables = set(inspect(store.engine).get_table_names())
    assert {
        "series",
        "samples",
        "collection_runs",
        "quarantine",
        "data_version",
        "backfills",
        "scheduler_heartbeat",
        "alembic_version",
    } <= tables
    assert store.data_version() == 0


def test_collecting_the_same_period_twice_stores_each_sample_once(store):
    batch = [Sample(KEY, 1_000, 10.0), Sample(KEY, 2_000, 20.0), Sample(OTHER, 1_000, 90.5)]
    run(store, batch)
    run(store, batch)
    assert len(stored(store)) == 3
    assert store.count_samples() == 3


def test_a_later_collection_of_a_period_updates_its_value(store):
    run(store, [Sample(KEY, 1_000, 10.0)])
    run(store, [Sample(KEY, 1_000, 12.0)])
    assert [r[2] for r in stored(store)] == [12.0]


def test_duplicates_inside_one_batch_keep_the_last_value(store):
    outcome = run(store, [Sample(KEY, 1_000, 1.0), Sample(KEY, 1_000, 2.0)])
    assert outcome.rows_written == 1
    assert [r[2] for r in stored(store)] == [2.0]


def test_every_finished_run_bumps_the_data_version(store):
    assert store.data_version() == 0
    run(store, [Sample(KEY, 1_000, 1.0)])
    run(store, [], status="failed", error=Problem.of("source.message", text="connection refused"))
    assert store.data_version() == 2


def test_a_failed_run_is_logged_and_keeps_what_was_collected_before(store):
    run(store, [Sample(KEY, 1_000, 1.0)])
    outcome = run(store, [], status="failed", error=Problem.of("source.message", text="HTTP 500 from the unit's API"))
    assert outcome.status == "failed"
    assert len(stored(store)) == 1
    with store.engine.connect() as connection:
        last = connection.execute(select(collection_runs).order_by(collection_runs.c.id.desc())).first()
    assert (last.status, word(last.error), last.rows_written) == ("failed", "HTTP 500 from the unit's API", 0)
    assert last.finished_at >= last.started_at


def test_rejected_records_go_to_quarantine_with_their_reason_and_the_good_ones_are_kept(store):
    outcome = run(
        store,
        [Sample(KEY, 1_000, 5.0)],
        [Rejected({"metric": "x", "value": "<script>"}, Problem.of("record.unknown_metric", metric="x"))],
    )
    assert (outcome.rows_written, outcome.rows_rejected) == (1, 1)
    with store.engine.connect() as connection:
        row = connection.execute(select(quarantine)).one()
    assert word(row.reason) == "chỉ số không có trong danh mục: 'x'"
    assert '"<script>"' in row.raw and row.source_id == "demo-kcb"
    assert len(stored(store)) == 1


def test_runs_left_running_by_a_dead_process_are_marked_interrupted(store):
    store.start_run("demo-kcb", "collect", 0, 1)
    assert store.mark_interrupted_runs() == 1
    with store.engine.connect() as connection:
        assert connection.execute(select(collection_runs.c.status)).scalar_one() == "interrupted"


def test_backfill_progress_and_heartbeat_are_kept_in_the_store(store):
    store.backfill_progress("demo-kcb", 26, 3, "running")
    store.backfill_progress("demo-kcb", 26, 26, "done")
    state = store.backfill_status()["demo-kcb"]
    assert (state["chunks_done"], state["status"]) == (26, "done") and state["finished_at"]
    store.beat("host:1", 100.0, 12)
    store.beat("host:1", 100.0, 12)
    assert store.heartbeat()["jobs"] == 12


def test_a_second_store_object_on_the_same_database_sees_the_same_series(store):
    run(store, [Sample(KEY, 1_000, 1.0)])
    again = Store(store.url)
    run_id = again.start_run("demo-kcb", "collect", 0, 1)
    again.finish_run(run_id, "demo-kcb", "ok", [Sample(KEY, 2_000, 2.0)])
    series_ids = {r[0] for r in stored(store)}
    assert len(series_ids) == 1
    again.engine.dispose()
