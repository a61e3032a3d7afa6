"""A collection run's note: what it combined when a batch held several records of one period.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("collection_runs") as batch:
        batch.add_column(sa.Column("note", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("collection_runs") as batch:
        batch.drop_column("note")
