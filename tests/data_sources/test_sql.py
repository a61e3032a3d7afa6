"""sql: a unit's own database, SQLite and PostgreSQL, read-only with a statement timeout."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import create_engine, text

from base import localtime
from data_sources.base import SourceError, Window
from data_sources.sql import SqlOptions, SqlSource
from metrics.collection import Collector
from metrics.settings import SourceConfig
from tests.conftest import with_sources

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
WINDOW = Window(NOW - dt.timedelta(days=2), NOW)


@pytest.fixture
def unit_sqlite(tmp_path):
    path = tmp_path / "unit.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE daily (day TEXT, unit TEXT, received INTEGER, on_time TEXT, updated_at TEXT)")
        for days, received, on_time in ((3, 100, "95"), (1, 120, "98,5"), (0, 40, "39")):
            moment = NOW - dt.timedelta(days=days)
            db.execute(
                "INSERT INTO daily VALUES (?, ?, ?, ?, ?)",
                (moment.strftime("%d/%m/%Y"), "KCB", received, on_time, moment.replace(tzinfo=None).isoformat(sep=" ")),
            )
    return path


def source(config, **options) -> SqlSource:
    return SqlSource("kcb-db", SqlOptions(**options), config.catalogue, config.config_dir)


WIDE = {
    "query": "SELECT day, unit, received, on_time FROM daily WHERE updated_at >= :since ORDER BY updated_at",
    "time_column": "day",
    "time_format": "%d/%m/%Y",
    "unit_column": "unit",
    "values": [
        {"metric": "tthc_resolved", "column": "received"},
        {"metric": "tthc_resolved_on_time", "column": "on_time"},
    ],
}


def test_rows_map_to_records_with_the_window_bound_as_parameters(default_config, unit_sqlite):
    records = source(default_config, url=f"sqlite:///{unit_sqlite}", **WIDE).fetch(WINDOW)
    assert [(r.metric, r.value) for r in records] == [
        ("tthc_resolved", 120.0),
        ("tthc_resolved_on_time", 98.5),
        ("tthc_resolved", 40.0),
        ("tthc_resolved_on_time", 39.0),
    ]
    assert {r.unit for r in records} == {"KCB"}


def test_long_rows_name_their_metric(default_config, unit_sqlite):
    with sqlite3.connect(unit_sqlite) as db:
        db.execute("CREATE TABLE figures (metric TEXT, value REAL)")
        db.execute("INSERT INTO figures VALUES ('procedures_total', 162), ('procedures_reengineered', 150)")
    records = source(
        default_config,
        url=f"sqlite:///{unit_sqlite}",
        query="SELECT metric, value FROM figures",
        unit="VPB",
        metric_column="metric",
        value_column="value",
    ).fetch(WINDOW)
    assert {(r.metric, r.value) for r in records} == {("procedures_total", 162.0), ("procedures_reengineered", 150.0)}


def test_the_connection_is_read_only(default_config, unit_sqlite):
    sneaky = "WITH x AS (SELECT 1) SELECT * FROM x; DELETE FROM daily"
    with pytest.raises(ValueError, match="single statement"):
        SqlOptions(url="sqlite:///x", query=sneaky, unit="KCB", values=[{"metric": "tthc_received", "column": "a"}])
    with pytest.raises(ValueError, match="single SELECT"):
        SqlOptions(
            url="sqlite:///x",
            query="DELETE FROM daily",
            unit="KCB",
            values=[{"metric": "tthc_received", "column": "a"}],
        )
    # a write hidden in a function call still meets the read-only connection
    with sqlite3.connect(unit_sqlite) as db:
        db.execute("CREATE TABLE t (a)")
    writer = source(
        default_config,
        url=f"sqlite:///{unit_sqlite}",
        unit="KCB",
        query="WITH w AS (SELECT 1) INSERT INTO t SELECT * FROM w RETURNING a",
        values=[{"metric": "tthc_received", "column": "a"}],
    )
    with pytest.raises(SourceError, match="chỉ-đọc"):
        writer.fetch(WINDOW)
    with sqlite3.connect(unit_sqlite) as db:
        assert db.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 0


def test_a_slow_query_is_stopped_by_the_statement_timeout_on_sqlite(default_config, unit_sqlite):
    slow = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) "
        "SELECT COUNT(*) AS c FROM n"
    )
    with pytest.raises(SourceError, match="statement timeout"):
        source(
            default_config,
            url=f"sqlite:///{unit_sqlite}",
            query=slow,
            unit="KCB",
            statement_timeout=0.5,
            values=[{"metric": "tthc_received", "column": "c"}],
        ).fetch(WINDOW)


def test_errors_are_plain(default_config, unit_sqlite, tmp_path):
    with pytest.raises(SourceError, match="không có cột: received"):
        source(
            default_config,
            url=f"sqlite:///{unit_sqlite}",
            query="SELECT day FROM daily",
            unit="KCB",
            values=[{"metric": "tthc_received", "column": "received"}],
        ).fetch(WINDOW)
    with pytest.raises(SourceError, match="không kết nối được"):
        source(default_config, url=f"sqlite:///{tmp_path / 'missing.db'}", **WIDE).fetch(WINDOW)
    with pytest.raises(SourceError, match="biến môi trường NO_DB_URL"):
        source(default_config, url_env="NO_DB_URL", **WIDE).fetch(WINDOW)


@pytest.fixture
def unit_postgres(postgres_url):
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE cert (issued_at timestamptz, issued int, sent_4h int)"))
        connection.execute(
            text("INSERT INTO cert VALUES (:a, 4000, 3800), (:b, 4100, 4000)"),
            {"a": NOW - dt.timedelta(days=5), "b": NOW - dt.timedelta(hours=3)},
        )
    engine.dispose()
    return postgres_url


def test_postgresql_incremental_read_only_with_statement_timeout(
    default_config, unit_postgres, sqlite_store, monkeypatch
):
    monkeypatch.setenv("BMTE_DB_URL", unit_postgres)
    options = SqlOptions(
        url_env="BMTE_DB_URL",
        unit="BMTE",
        time_column="issued_at",
        query="SELECT issued_at, issued, sent_4h FROM cert WHERE issued_at > :last_collected ORDER BY 1",
        values=[
            {"metric": "birth_cert_issued", "column": "issued"},
            {"metric": "birth_cert_sent_4h", "column": "sent_4h"},
        ],
    )
    config = with_sources(
        default_config,
        SourceConfig(
            id="bmte-db", kind="sql", interval_seconds=60, timeout_seconds=20, look_back_days=7, options=options
        ),
    )
    collector = Collector(config, sqlite_store)
    first = collector.collect("bmte-db")
    assert (first.status, first.rows_written) == ("ok", 4)
    engine = create_engine(unit_postgres)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO cert VALUES (:c, 10, 9)"), {"c": NOW - dt.timedelta(hours=1)})
    second = collector.collect("bmte-db")
    assert (second.status, second.rows_written) == ("ok", 2)  # only what is newer than last time
    engine.dispose()

    sleeper = SqlSource(
        "x",
        SqlOptions(
            url=unit_postgres,
            unit="BMTE",
            statement_timeout=0.5,
            query="SELECT pg_sleep(3) AS s",
            values=[{"metric": "birth_cert_issued", "column": "s"}],
        ),
        default_config.catalogue,
        default_config.config_dir,
    )
    with pytest.raises(SourceError, match="statement timeout"):
        sleeper.fetch(WINDOW)
    writer = SqlSource(
        "x",
        SqlOptions(
            url=unit_postgres,
            unit="BMTE",
            query="WITH w AS (INSERT INTO cert VALUES (now(), 1, 1) RETURNING issued) SELECT issued FROM w",
            values=[{"metric": "birth_cert_issued", "column": "issued"}],
        ),
        default_config.catalogue,
        default_config.config_dir,
    )
    with pytest.raises(SourceError, match="chỉ-đọc|read-only"):
        writer.fetch(WINDOW)


# Yesterday 21:00 and 22:00 local time: two hours of one local day, whatever time the test runs
# (NOW - 3 h and NOW - 2 h straddle midnight when it runs between 02:00 and 03:00 local).
EVENING = dt.datetime.fromtimestamp(localtime.midnight(localtime.local_date(NOW.timestamp())), dt.UTC)


def test_a_hostile_unit_database_loses_nothing_and_cannot_stall_incremental_reads(
    default_config, unit_postgres, sqlite_store, monkeypatch
):
    """numeric sums (Decimal), hourly rows of a daily count, a row dated 2099: each handled."""
    from base.i18n import language

    engine = create_engine(unit_postgres)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE hourly (at timestamptz, n numeric(12, 2))"))
        connection.execute(
            text("INSERT INTO hourly VALUES (:a, 10), (:b, 15), ('2099-01-01T00:00:00Z', 7)"),
            {"a": EVENING - dt.timedelta(hours=3), "b": EVENING - dt.timedelta(hours=2)},
        )
    engine.dispose()
    options = SqlOptions(
        url=unit_postgres,
        unit="BMTE",
        time_column="at",
        query="SELECT at, sum(n) AS n FROM hourly WHERE at > :last_collected GROUP BY at ORDER BY at",
        values=[{"metric": "birth_cert_issued", "column": "n"}],
    )
    config = with_sources(
        default_config,
        SourceConfig(id="hostile", kind="sql", interval_seconds=60, timeout_seconds=20, options=options),
    )
    collector = Collector(config, sqlite_store)
    first = collector.collect("hostile")
    assert (first.status, first.rows_written, first.rows_rejected) == ("ok", 1, 1), [
        r.reason.text() for r in first.rejected
    ]
    with sqlite_store.engine.connect() as connection:
        assert connection.execute(text("SELECT value FROM samples")).scalars().all() == [25.0]  # 10 + 15
        run = connection.execute(text("SELECT data_until, note FROM collection_runs")).one()
    assert run.data_until == pytest.approx((EVENING - dt.timedelta(hours=2)).timestamp())  # not 2099
    from base.problems import word

    with language("vi"):
        assert word(run.note).startswith("nhiều bản ghi cho cùng một kỳ: 2 phần được cộng thành 1 số liệu")
    assert "2099" in first.rejected[0].reason.text()


def test_rows_per_province_are_stored_as_the_provinces_series_and_add_up(default_config, tmp_path, sqlite_store):
    path = tmp_path / "provinces.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE by_province (tinh TEXT, received INTEGER)")
        db.executemany("INSERT INTO by_province VALUES (?, ?)", [("01", 30), ("79", 50), ("48", 20)])
    config = with_sources(
        default_config,
        SourceConfig(
            id="kcb-db",
            kind="sql",
            interval_seconds=600,
            timeout_seconds=30,
            options=SqlOptions(
                url=f"sqlite:///{path}",
                query="SELECT tinh, received FROM by_province",
                unit="KCB",
                province_column="tinh",
                values=[{"metric": "tthc_received", "column": "received"}],
            ),
        ),
    )
    outcome = Collector(config, sqlite_store).collect("kcb-db")
    assert (outcome.status, outcome.rows_written) == ("ok", 3)
    from metrics.series_reads import weekly_frame

    week = weekly_frame(sqlite_store, config.catalogue, 1)
    assert week[week["metric"] == "tthc_received"]["value"].tolist() == [100.0]
    hcm = weekly_frame(sqlite_store, config.catalogue, 1, province="79")
    assert hcm[hcm["metric"] == "tthc_received"]["value"].tolist() == [50.0]
