"""Tables of the metrics store (SQLAlchemy Core). Changes go through a new Alembic migration.

Times are integer or float seconds since the epoch, i.e. UTC: portable between SQLite and
PostgreSQL and cheap to bucket into local days and ISO weeks (Vietnam has no DST).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

series = Table(
    "series",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("metric", String(40), nullable=False),
    Column("unit", String(40), nullable=False, server_default=""),
    Column("database", String(40), nullable=False, server_default=""),
    Column("labels", String(500), nullable=False, server_default=""),
    Column("source_id", String(64), nullable=False),
    UniqueConstraint("metric", "unit", "database", "labels"),
)

samples = Table(
    "samples",
    metadata,
    Column("series_id", Integer, ForeignKey("series.id"), primary_key=True),
    Column("ts", BigInteger, primary_key=True),
    Column("value", Float, nullable=False),
    Column("run_id", Integer, nullable=False),
    sqlite_with_rowid=False,
)


# Rollups of the samples, kept by the writer in the same transaction (metrics/rollups.py): one
# row per series and local day or ISO week, with the sum and count of its samples and its last
# sample. Pages and briefings read these; raw samples are kept for store.raw_retention_days,
# rollups for ever. A sample is already bucketed to its metric's hour or day, so the raw table
# is the hourly resolution.
def _rollup_table(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("series_id", Integer, ForeignKey("series.id"), primary_key=True),
        Column("start", BigInteger, primary_key=True),  # the local day's or week's start, epoch seconds
        Column("total", Float, nullable=False),
        Column("sample_count", Integer, nullable=False),
        Column("last_ts", BigInteger, nullable=False),
        Column("last_value", Float, nullable=False),
        sqlite_with_rowid=False,
    )


daily_rollups = _rollup_table("daily_rollups")
weekly_rollups = _rollup_table("weekly_rollups")

# The newest sample of every series: what the wall tiles and "latest" figures read.
series_latest = Table(
    "series_latest",
    metadata,
    Column("series_id", Integer, ForeignKey("series.id"), primary_key=True),
    Column("ts", BigInteger, nullable=False),
    Column("value", Float, nullable=False),
    sqlite_with_rowid=False,
)

collection_runs = Table(
    "collection_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # collect | backfill
    Column("started_at", Float, nullable=False),
    Column("finished_at", Float),
    Column("status", String(16), nullable=False),  # running | ok | failed | timeout | interrupted
    Column("rows_written", Integer, nullable=False, server_default="0"),
    Column("rows_rejected", Integer, nullable=False, server_default="0"),
    Column("error", Text),
    Column("window_start", Float),
    Column("window_end", Float),
    Column("data_until", Float),  # newest time among the records the run took
    Column("note", Text),  # a Problem saying what the run combined (several records of one period)
    Index("ix_collection_runs_source_started", "source_id", "started_at"),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", String(64), nullable=False),
    Column("run_id", Integer, nullable=False),
    Column("received_at", Float, nullable=False),
    Column("raw", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Index("ix_quarantine_source_received", "source_id", "received_at"),
)

flags = Table(
    "flags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("series_id", Integer, ForeignKey("series.id"), nullable=False),
    Column("ts", BigInteger, nullable=False),
    Column("value", Float, nullable=False),
    Column("median", Float, nullable=False),
    Column("score", Float, nullable=False),  # robust z-score against the series' history
    Column("run_id", Integer, nullable=False),
    Column("flagged_at", Float, nullable=False),
    Column("status", String(16), nullable=False, server_default="open"),  # open | confirmed | corrected
    UniqueConstraint("series_id", "ts"),
)

data_version = Table(
    "data_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", BigInteger, nullable=False),
    Column("updated_at", Float, nullable=False),
    # Raw samples before this time were removed by the retention (their rollups stay): a rebuild
    # of the rollups starts here.
    Column("raw_kept_from", BigInteger, nullable=False, server_default="0"),
    # The UTC offset (seconds) the rollups' local days and weeks were cut with (app.timezone's
    # when they were written); NULL until a start-up records it.
    Column("rollups_offset", BigInteger),
)

backfills = Table(
    "backfills",
    metadata,
    Column("source_id", String(64), primary_key=True),
    Column("chunks_total", Integer, nullable=False),
    Column("chunks_done", Integer, nullable=False),
    Column("started_at", Float, nullable=False),
    Column("finished_at", Float),
    Column("status", String(16), nullable=False),  # running | done | failed
)

screen_heartbeats = Table(
    "screen_heartbeats",
    metadata,
    Column("client_id", String(64), primary_key=True),  # one browser showing a wall screen
    Column("screen", String(64), nullable=False),
    Column("last_seen", Float, nullable=False),
    Column("first_seen", Float, nullable=False),
    Column("data_version", BigInteger, nullable=False),
    Column("address", String(64), nullable=False, server_default=""),
)

# A wall screen's television signs in with a token of its own, for that screen only; the token
# itself is never kept, only its SHA-256 (it is random and long: no salt or slow hash needed).
screen_devices = Table(
    "screen_devices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("screen", String(64), nullable=False),
    Column("label", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float),
)

# Another system reading the IOC's API (/api/v1): its token (only the SHA-256 is kept), what it
# may read (units, provinces, metrics: space-separated codes, empty = all) and its rate.
api_consumers = Table(
    "api_consumers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("units", Text, nullable=False, server_default=""),
    Column("provinces", Text, nullable=False, server_default=""),
    Column("metrics", Text, nullable=False, server_default=""),
    Column("per_minute", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("created_by", String(200), nullable=False, server_default=""),
    Column("revoked_at", Float),
)

# A directive of the leadership about a figure, panel, database or task ("db:KCB", "task:T01",
# "metric:tthc_received", "panel:overview"), for a unit to carry out by a local day (YYYY-MM-DD).
# state: open (to do, or sent back) | done (the unit says so) | closed (the leadership agrees).
directives = Table(
    "directives",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject", String(120), nullable=False),
    Column("unit", String(32), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("due", String(10), nullable=False),
    Column("state", String(16), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("done_at", Float),  # the last time the unit marked it done
    Column("closed_at", Float),
)

# Every step of a directive, who and when: create | reply | done | close | return.
directive_steps = Table(
    "directive_steps",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("directive_id", Integer, ForeignKey("directives.id"), nullable=False, index=True),
    Column("step", String(16), nullable=False),
    Column("by", String(200), nullable=False),
    Column("at", Float, nullable=False),
    Column("text", Text, nullable=False, server_default=""),
)

page_views = Table(
    "page_views",
    metadata,
    Column("day", BigInteger, primary_key=True),  # local day start, epoch seconds
    Column("page", String(64), primary_key=True),
    Column("views", Integer, nullable=False),
)

scheduler_heartbeat = Table(
    "scheduler_heartbeat",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("owner", String(200), nullable=False),
    Column("started_at", Float, nullable=False),
    Column("beat_at", Float, nullable=False),
    Column("jobs", Integer, nullable=False),
)

# The weekly briefing (briefings/): every edition built, never rewritten; a failed build is
# kept too (status failed, no files) so it is reported and retried.
briefing_editions = Table(
    "briefing_editions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("week", String(10), nullable=False),  # ISO week, 2026-W47
    Column("scope", String(32), nullable=False),  # "" for the ministry, else a unit code
    Column("lang", String(2), nullable=False),
    Column("status", String(16), nullable=False),  # built | failed
    Column("built_at", Float, nullable=False),
    Column("data_version", BigInteger, nullable=False),
    Column("data_until", Float),
    Column("files", Text, nullable=False, server_default="{}"),  # JSON {"pdf": {"path", "sha256", "bytes"}, ...}
    Column("error", Text),
    Column("trigger", String(16), nullable=False, server_default="manual"),  # manual | schedule | retry
    Index("ix_briefing_editions_week", "week", "scope", "lang"),
)

briefing_deliveries = Table(
    "briefing_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("edition_id", Integer, nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("status", String(16), nullable=False),  # pending | sent | failed (gave up)
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    Column("updated_at", Float, nullable=False),
    Column("sent_at", Float),
)

# What people and programs did (issue 11): append-only, refused by triggers on UPDATE and
# DELETE (migration 0007), so that no one rewrites it through the app or the database.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("actor", String(200), nullable=False),  # a person's name or account; "scheduler"; "" unknown
    Column("address", String(64), nullable=False, server_default=""),  # where from (the client's IP)
    Column("action", String(32), nullable=False),  # confirm | build | download | …
    Column("subject", String(500), nullable=False, server_default=""),
    Column("outcome", String(16), nullable=False, server_default="done"),  # done | refused | failed
    Column("detail", Text, nullable=False, server_default=""),
    Index("ix_audit_log_at", "at"),
)

# Local accounts (issue 11): a password is kept only as its Argon2id hash.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("role", String(32), nullable=False),  # leadership | focal_point | department_head | admin
    Column("unit", String(32), nullable=False, server_default=""),  # a department head's unit
    Column("password_hash", String(200), nullable=False),
    Column("active", Integer, nullable=False, server_default="1"),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

# A unit head confirms the unit's figures for a week; the figures confirmed are kept, so a
# figure that changes after confirmation prints as provisional again.
confirmations = Table(
    "confirmations",
    metadata,
    Column("week", String(10), primary_key=True),
    Column("unit", String(32), primary_key=True),
    Column("confirmed_by", String(120), nullable=False),
    Column("confirmed_at", Float, nullable=False),
    Column("figures", Text, nullable=False),  # JSON of the unit's figures as confirmed
)
