"""Page views per local day: the IOC's own use, shown on the effectiveness page.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "page_views",
        sa.Column("day", sa.BigInteger, primary_key=True),
        sa.Column("page", sa.String(64), primary_key=True),
        sa.Column("views", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("page_views")
