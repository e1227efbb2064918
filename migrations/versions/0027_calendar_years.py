"""calendar years: which years' holiday notices are loaded in full (2025 and 2026)

`calendar_days` keeps only the days a State Council notice changes, so a year never loaded
looked like a year of ordinary weeks and its deadlines were counted Monday to Friday
without a word (issue 18). A deadline now needs its years listed here; 2025 and 2026,
loaded by migration 0004, are listed as loaded by it.

Revision ID: 0027
Revises: 0025
Create Date: 2026-12-07 13:00:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0025"
branch_labels = None
depends_on = None

LOADED_BY_0004 = "migration 0004"


def upgrade() -> None:
    table = op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("loaded_by", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_years")),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        table, [{"year": y, "loaded_by": LOADED_BY_0004, "loaded_at": now} for y in (2025, 2026)]
    )


def downgrade() -> None:
    op.drop_table("calendar_years")
