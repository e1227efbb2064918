"""risk: point-in-time risk features, model artifacts, risk scores, random inspection plans

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 17:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "risk_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=128), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("drift", sa.JSON(), nullable=True),
        sa.Column("drift_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("trained_by", sa.String(length=96), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("job_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_models")),
        sa.UniqueConstraint("version", name=op.f("uq_risk_models_version")),
    )
    op.create_table(
        "risk_scores",
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("risk_class", sa.String(length=1), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_risk_scores_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["model_id"], ["risk_models.id"], name=op.f("fk_risk_scores_model_id_risk_models")
        ),
        sa.PrimaryKeyConstraint("merchant_id", name=op.f("pk_risk_scores")),
    )
    with op.batch_alter_table("risk_scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_scores_model_id"), ["model_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_scores_risk_class"), ["risk_class"], unique=False)

    op.create_table(
        "officer_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("declared_by", sa.String(length=96), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_officer_conflicts_merchant_id_merchants"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_officer_conflicts_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_officer_conflicts")),
        sa.UniqueConstraint("user_id", "merchant_id", name=op.f("uq_officer_conflicts_user_id")),
    )
    with op.batch_alter_table("officer_conflicts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_officer_conflicts_merchant_id"), ["merchant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_officer_conflicts_user_id"), ["user_id"], unique=False)

    op.create_table(
        "inspection_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("ratios", sa.JSON(), nullable=False),
        sa.Column("population", sa.JSON(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=96), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("published_by", sa.String(length=96), nullable=True),
        sa.ForeignKeyConstraint(
            ["district_code"],
            ["districts.code"],
            name=op.f("fk_inspection_plans_district_code_districts"),
        ),
        sa.ForeignKeyConstraint(
            ["model_id"], ["risk_models.id"], name=op.f("fk_inspection_plans_model_id_risk_models")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_plans")),
    )
    with op.batch_alter_table("inspection_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_plans_district_code"), ["district_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inspection_plans_status"), ["status"], unique=False)

    op.create_table(
        "inspection_plan_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("risk_class", sa.String(length=1), nullable=False),
        sa.Column("inspector_ids", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_inspection_plan_items_merchant_id_merchants"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["inspection_plans.id"],
            name=op.f("fk_inspection_plan_items_plan_id_inspection_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_plan_items")),
        sa.UniqueConstraint(
            "plan_id", "merchant_id", name=op.f("uq_inspection_plan_items_plan_id")
        ),
    )
    with op.batch_alter_table("inspection_plan_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_plan_items_merchant_id"), ["merchant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inspection_plan_items_plan_id"), ["plan_id"], unique=False
        )

    # Inspections carried out under a plan feed the next training (DESIGN.md §6).
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_inspections_plan_id"), ["plan_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_inspections_plan_id_inspection_plans"),
            "inspection_plans",
            ["plan_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_inspections_plan_id_inspection_plans"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_inspections_plan_id"))
        batch_op.drop_column("plan_id")
    op.drop_table("inspection_plan_items")
    op.drop_table("inspection_plans")
    op.drop_table("officer_conflicts")
    op.drop_table("risk_scores")
    op.drop_table("risk_models")
