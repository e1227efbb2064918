"""open-data figures: each export's rows and size, measured nightly

The open-data catalogue (issue 22) shows each dataset's row count and the size of its
CSV; writing a city's export to measure it per look would cost seconds, so a nightly job
measures it and keeps the figures here.

Revision ID: 0035
Revises: 0030
Create Date: 2026-12-07 19:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "open_data_figures",
        sa.Column("dataset", sa.String(32), primary_key=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("csv_bytes", sa.BigInteger(), nullable=False),
        sa.Column("measured_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("open_data_figures")
