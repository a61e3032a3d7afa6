"""Leadership directives attached to a figure, panel, database or task, and every step of them.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "directives",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("due", sa.String(10), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("done_at", sa.Float, nullable=True),
        sa.Column("closed_at", sa.Float, nullable=True),
    )
    op.create_index("ix_directives_unit", "directives", ["unit"])
    op.create_table(
        "directive_steps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "directive_id",
            sa.Integer,
            sa.ForeignKey("directives.id", name="fk_directive_steps_directive_id_directives"),
            nullable=False,
        ),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_directive_steps_directive_id", "directive_steps", ["directive_id"])


def downgrade() -> None:
    op.drop_table("directive_steps")
    op.drop_table("directives")
