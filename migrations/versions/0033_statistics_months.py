"""statistics months: the city's figures by month, kept for the trends and map pages

Issue 22: /statistics and /map answer from figures a nightly job keeps (grades at each
month's end by district, fair-scale re-weighs and shorts, notices published), never
from the snapshots and readings themselves.

Revision ID: 0033
Revises: 0030
Create Date: 2026-12-07 19:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statistics_months",
        sa.Column("series", sa.String(16), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("district_code", sa.String(6), nullable=False),
        sa.Column("key", sa.String(16), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "series", "month", "district_code", "key", name=op.f("pk_statistics_months")
        ),
    )


def downgrade() -> None:
    op.drop_table("statistics_months")
