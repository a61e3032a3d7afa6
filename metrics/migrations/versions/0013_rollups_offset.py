"""The UTC offset the rollups' local days and weeks were cut with: a store whose rollups were
made for another time zone than app.timezone is refused at start-up until they are rebuilt.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Unknown for a store made before: the first start records its zone's (metrics/startup.py).
    op.add_column("data_version", sa.Column("rollups_offset", sa.BigInteger, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("data_version") as batch:
        batch.drop_column("rollups_offset")
