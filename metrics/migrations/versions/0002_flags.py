"""Flags: values that pass validation but look suspicious against their own history.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "flags",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "series_id", sa.Integer, sa.ForeignKey("series.id", name="fk_flags_series_id_series"), nullable=False
        ),
        sa.Column("ts", sa.BigInteger, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("median", sa.Float, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("flagged_at", sa.Float, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.UniqueConstraint("series_id", "ts", name="uq_flags_series_id"),
    )


def downgrade() -> None:
    op.drop_table("flags")
