"""penalty changes: a decision revoked (撤销) or changed (变更)

A penalty decision revoked or changed after it was made is published nowhere from then,
and every document in force showing it comes off within 3 working days
(行政处罚信息公示规定 第十一条, reference/rules.md §4).

Revision ID: 0025
Revises: 0023
Create Date: 2026-12-07 13:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "penalty_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("penalty_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("document_number", sa.String(length=64), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("recorded_by", sa.String(length=96), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_code"],
            ["districts.code"],
            name=op.f("fk_penalty_changes_district_code_districts"),
        ),
        sa.ForeignKeyConstraint(
            ["penalty_id"],
            ["penalty_decisions.id"],
            name=op.f("fk_penalty_changes_penalty_id_penalty_decisions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_penalty_changes")),
        sa.UniqueConstraint("penalty_id", name=op.f("uq_penalty_changes_penalty_id")),
    )
    with op.batch_alter_table("penalty_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_penalty_changes_district_code"), ["district_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("penalty_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_penalty_changes_district_code"))
    op.drop_table("penalty_changes")
