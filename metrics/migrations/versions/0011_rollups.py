"""Daily and weekly rollups and the latest value of every series, filled from the samples kept.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ROLLUPS = ("daily_rollups", "weekly_rollups")


def upgrade() -> None:
    for name in ROLLUPS:
        op.create_table(
            name,
            sa.Column(
                "series_id",
                sa.Integer,
                sa.ForeignKey("series.id", name=f"fk_{name}_series_id_series"),
                primary_key=True,
            ),
            sa.Column("start", sa.BigInteger, primary_key=True),
            sa.Column("total", sa.Float, nullable=False),
            sa.Column("sample_count", sa.Integer, nullable=False),
            sa.Column("last_ts", sa.BigInteger, nullable=False),
            sa.Column("last_value", sa.Float, nullable=False),
            sqlite_with_rowid=False,
        )
    op.create_table(
        "series_latest",
        sa.Column(
            "series_id",
            sa.Integer,
            sa.ForeignKey("series.id", name="fk_series_latest_series_id_series"),
            primary_key=True,
        ),
        sa.Column("ts", sa.BigInteger, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sqlite_with_rowid=False,
    )
    op.add_column("data_version", sa.Column("raw_kept_from", sa.BigInteger, nullable=False, server_default="0"))
    # The samples already stored get their rollups now, with the writer's own code (the same
    # rows a `python -m metrics rollups rebuild` would write).
    from metrics import rollups

    connection = op.get_bind()
    ids = [row[0] for row in connection.execute(sa.text("SELECT id FROM series"))]
    rollups.rebuild(connection, ids)


def downgrade() -> None:
    with op.batch_alter_table("data_version") as batch:
        batch.drop_column("raw_kept_from")
    op.drop_table("series_latest")
    for name in reversed(ROLLUPS):
        op.drop_table(name)
