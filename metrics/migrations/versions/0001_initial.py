"""The first schema: series, samples, collection runs, quarantine, data version, backfills,
scheduler heartbeat.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "series",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(40), nullable=False, server_default=""),
        sa.Column("database", sa.String(40), nullable=False, server_default=""),
        sa.Column("labels", sa.String(500), nullable=False, server_default=""),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.UniqueConstraint("metric", "unit", "database", "labels", name="uq_series_metric"),
    )
    op.create_table(
        "samples",
        sa.Column(
            "series_id", sa.Integer, sa.ForeignKey("series.id", name="fk_samples_series_id_series"), primary_key=True
        ),
        sa.Column("ts", sa.BigInteger, primary_key=True),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("run_id", sa.Integer, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "collection_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("started_at", sa.Float, nullable=False),
        sa.Column("finished_at", sa.Float),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("rows_written", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rows_rejected", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error", sa.Text),
        sa.Column("window_start", sa.Float),
        sa.Column("window_end", sa.Float),
        sa.Column("data_until", sa.Float),
    )
    op.create_index("ix_collection_runs_source_started", "collection_runs", ["source_id", "started_at"])
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("received_at", sa.Float, nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_index("ix_quarantine_source_received", "quarantine", ["source_id", "received_at"])
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.execute("INSERT INTO data_version (id, version, updated_at) VALUES (1, 0, 0)")
    op.create_table(
        "backfills",
        sa.Column("source_id", sa.String(64), primary_key=True),
        sa.Column("chunks_total", sa.Integer, nullable=False),
        sa.Column("chunks_done", sa.Integer, nullable=False),
        sa.Column("started_at", sa.Float, nullable=False),
        sa.Column("finished_at", sa.Float),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_table(
        "scheduler_heartbeat",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("started_at", sa.Float, nullable=False),
        sa.Column("beat_at", sa.Float, nullable=False),
        sa.Column("jobs", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "scheduler_heartbeat",
        "backfills",
        "data_version",
        "quarantine",
        "collection_runs",
        "samples",
        "series",
    ):
        op.drop_table(table)
