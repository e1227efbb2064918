"""reading days: each merchant's re-weighs counted per Shanghai day, kept at ingest

Scoring summed the readings table on every rescore; these rows let it sum a few per
merchant instead (issue 21). The table is filled from the readings already stored, with
the same function the demo city uses after its COPY (`reading_days.backfill`).

Revision ID: 0032
Revises: 0030
Create Date: 2026-12-07 19:30:00

"""

import sqlalchemy as sa
from alembic import op

from creditsvc.services.evidence import reading_days

# revision identifiers, used by Alembic.
revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reading_days",
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("readings", sa.Integer(), nullable=False),
        sa.Column("assessable", sa.Integer(), nullable=False),
        sa.Column("short", sa.Integer(), nullable=False),
        sa.Column("shortfall_g", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("merchant_id", "day", name=op.f("pk_reading_days")),
    )
    reading_days.backfill(op.get_bind())


def downgrade() -> None:
    op.drop_table("reading_days")
