"""Weekly briefings: editions (never rewritten), their deliveries, and unit confirmations.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "briefing_editions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("week", sa.String(10), nullable=False),
        sa.Column("scope", sa.String(32), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("built_at", sa.Float, nullable=False),
        sa.Column("data_version", sa.BigInteger, nullable=False),
        sa.Column("data_until", sa.Float),
        sa.Column("files", sa.Text, nullable=False, server_default="{}"),
        sa.Column("error", sa.Text),
        sa.Column("trigger", sa.String(16), nullable=False, server_default="manual"),
    )
    op.create_index("ix_briefing_editions_week", "briefing_editions", ["week", "scope", "lang"])
    op.create_table(
        "briefing_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("edition_id", sa.Integer, nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.Column("sent_at", sa.Float),
    )
    op.create_table(
        "confirmations",
        sa.Column("week", sa.String(10), primary_key=True),
        sa.Column("unit", sa.String(32), primary_key=True),
        sa.Column("confirmed_by", sa.String(120), nullable=False),
        sa.Column("confirmed_at", sa.Float, nullable=False),
        sa.Column("figures", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("confirmations")
    op.drop_table("briefing_deliveries")
    op.drop_index("ix_briefing_editions_week", "briefing_editions")
    op.drop_table("briefing_editions")
