"""Screen heartbeats: each wall screen reports when it last fetched its figures.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screen_heartbeats",
        sa.Column("client_id", sa.String(64), primary_key=True),
        sa.Column("screen", sa.String(64), nullable=False),
        sa.Column("last_seen", sa.Float, nullable=False),
        sa.Column("first_seen", sa.Float, nullable=False),
        sa.Column("data_version", sa.BigInteger, nullable=False),
        sa.Column("address", sa.String(64), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("screen_heartbeats")
