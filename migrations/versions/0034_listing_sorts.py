"""listing sorts: each merchant's last inspection, and the indexes the sorted listing reads

The public listing sorts by last inspection (issue 22, item 3): most recent first, never
inspected last, then by name. The day is kept on the merchant (the latest inspection not
voided), so a district's 30,000 businesses are read in that order from an index instead
of being grouped and sorted on every request.

Revision ID: 0034
Revises: 0030
Create Date: 2026-12-07 19:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

LATEST = """
UPDATE merchants SET last_inspected_on = (
    SELECT max(inspections.inspected_on) FROM inspections
    WHERE inspections.merchant_id = merchants.id
      AND NOT EXISTS (
        SELECT 1 FROM voids
        WHERE voids.evidence_kind = 'inspection' AND voids.evidence_id = inspections.id
      )
)
"""


def _suffix() -> str:
    """SQLite's spelling of an index has a name of its own (models.merchant)."""
    return "" if op.get_bind().dialect.name == "postgresql" else "_lite"


def upgrade() -> None:
    op.add_column("merchants", sa.Column("last_inspected_on", sa.Date(), nullable=True))
    op.execute(LATEST)
    # SQLite sorts NULL first, so last in DESC, and takes no NULLS LAST in an index; its
    # index is of the plain columns, which Alembic can compare with the models.
    latest_first = "last_inspected_on" if _suffix() else sa.text("last_inspected_on DESC NULLS LAST")
    op.create_index(
        "ix_merchants_district_inspected" + _suffix(),
        "merchants",
        ["district_code", latest_first, "name", "id"],
    )
    op.create_index("ix_merchants_inspected" + _suffix(), "merchants", [latest_first, "name", "id"])


def downgrade() -> None:
    op.drop_index("ix_merchants_inspected" + _suffix(), table_name="merchants")
    op.drop_index("ix_merchants_district_inspected" + _suffix(), table_name="merchants")
    # Not a batch: on SQLite a batch copies the table and drops the old one, which the
    # foreign keys pointing at merchants refuse. SQLite drops a column itself since 3.35.
    op.drop_column("merchants", "last_inspected_on")
