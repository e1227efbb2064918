"""reading tallies: a full rescore counts the readings once for all its district jobs

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 17:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reading_tallies",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("recent_total", sa.Integer(), nullable=False),
        sa.Column("recent_assessable", sa.Integer(), nullable=False),
        sa.Column("recent_short", sa.Integer(), nullable=False),
        sa.Column("older_total", sa.Integer(), nullable=False),
        sa.Column("older_assessable", sa.Integer(), nullable=False),
        sa.Column("older_short", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "merchant_id"),
    )


def downgrade():
    op.drop_table("reading_tallies")
