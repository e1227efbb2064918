"""programme: self-commitments, demonstration communities and units, objections, credit repair

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 17:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "community_draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("drawn_by", sa.String(length=96), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("organiser_score", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("decided_by", sa.String(length=96), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_community_draws_community_id_communities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_draws")),
    )
    with op.batch_alter_table("community_draws", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_draws_community_id"), ["community_id"], unique=False
        )

    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("document_file", sa.String(length=256), nullable=True),
        sa.Column("document_type", sa.String(length=32), nullable=True),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        sa.Column("document_bytes", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=96), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=96), nullable=True),
        sa.Column("withdraw_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_commitments_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
    )
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commitments_merchant_id"), ["merchant_id"], unique=False
        )

    op.create_table(
        "community_draw_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("group_number", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("rated", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("grade", sa.String(length=1), nullable=True),
        sa.Column("commitment_signed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["draw_id"],
            ["community_draws.id"],
            name=op.f("fk_community_draw_units_draw_id_community_draws"),
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_community_draw_units_merchant_id_merchants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_draw_units")),
        sa.UniqueConstraint("draw_id", "merchant_id", name=op.f("uq_community_draw_units_draw_id")),
    )
    with op.batch_alter_table("community_draw_units", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_draw_units_draw_id"), ["draw_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_draw_units_merchant_id"), ["merchant_id"], unique=False
        )

    op.create_table(
        "community_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_community_units_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_community_units_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_units")),
        sa.UniqueConstraint(
            "community_id", "merchant_id", name=op.f("uq_community_units_community_id")
        ),
    )
    with op.batch_alter_table("community_units", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_units_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_units_merchant_id"), ["merchant_id"], unique=False
        )

    op.create_table(
        "merchant_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_by", sa.String(length=96), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moderated_by", sa.String(length=96), nullable=True),
        sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("moderation_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["district_code"],
            ["districts.code"],
            name=op.f("fk_merchant_replies_district_code_districts"),
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_merchant_replies_merchant_id_merchants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merchant_replies")),
    )
    with op.batch_alter_table("merchant_replies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_merchant_replies_district_code"), ["district_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_merchant_replies_merchant_id"), ["merchant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_merchant_replies_status"), ["status"], unique=False)

    op.create_table(
        "objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("filed_by", sa.String(length=96), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mark_due", sa.Date(), nullable=False),
        sa.Column("decision_due", sa.Date(), nullable=False),
        sa.Column("reminded_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=96), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["district_code"],
            ["districts.code"],
            name=op.f("fk_objections_district_code_districts"),
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_objections_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objections")),
    )
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_objections_district_code"), ["district_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_objections_merchant_id"), ["merchant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_objections_status"), ["status"], unique=False)

    op.create_table(
        "demonstration_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("route", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("filed_by", sa.String(length=96), nullable=False),
        sa.Column("filed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("assessed_by", sa.String(length=96), nullable=True),
        sa.Column("assessment_note", sa.Text(), nullable=True),
        sa.Column("designated_on", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("suspended_on", sa.Date(), nullable=True),
        sa.Column("suspension_reason", sa.Text(), nullable=True),
        sa.Column("suspending_inspection_id", sa.Integer(), nullable=True),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=96), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["district_code"],
            ["districts.code"],
            name=op.f("fk_demonstration_units_district_code_districts"),
        ),
        sa.ForeignKeyConstraint(
            ["filed_by_user_id"],
            ["users.id"],
            name=op.f("fk_demonstration_units_filed_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_demonstration_units_merchant_id_merchants"),
        ),
        sa.ForeignKeyConstraint(
            ["suspending_inspection_id"],
            ["inspections.id"],
            name=op.f("fk_demonstration_units_suspending_inspection_id_inspections"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demonstration_units")),
    )
    with op.batch_alter_table("demonstration_units", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_demonstration_units_district_code"), ["district_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_demonstration_units_filed_by_user_id"),
            ["filed_by_user_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_demonstration_units_merchant_id"), ["merchant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_demonstration_units_status"), ["status"], unique=False)

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("about_kind", sa.String(length=32), nullable=False),
        sa.Column("about_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_user_id"), ["user_id"], unique=False)

    op.create_table(
        "repair_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("obligations_fulfilled", sa.Boolean(), nullable=False),
        sa.Column("harm_remedied", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("check", sa.JSON(), nullable=False),
        sa.Column("filed_by", sa.String(length=96), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision_due", sa.Date(), nullable=False),
        sa.Column("reminded_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=96), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("withdraw_due", sa.Date(), nullable=True),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["district_code"],
            ["districts.code"],
            name=op.f("fk_repair_applications_district_code_districts"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["notice_entries.id"],
            name=op.f("fk_repair_applications_entry_id_notice_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_repair_applications_merchant_id_merchants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_applications")),
    )
    with op.batch_alter_table("repair_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_repair_applications_district_code"), ["district_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_repair_applications_entry_id"), ["entry_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_repair_applications_merchant_id"), ["merchant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_repair_applications_status"), ["status"], unique=False)

    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reviewed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("re_evaluation_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("reminded_for", sa.Date(), nullable=True))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))

    # Dates of commitments already in the registry become the first rows of their history.
    op.execute(
        "INSERT INTO commitments (merchant_id, signed_on, channel, recorded_by, recorded_at) "
        "SELECT id, commitment_signed_on, 'registry', 'migration', CURRENT_TIMESTAMP "
        "FROM merchants WHERE commitment_signed_on IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email")

    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.drop_column("reminded_for")
        batch_op.drop_column("re_evaluation_due")
        batch_op.drop_column("review_note")
        batch_op.drop_column("reviewed_on")

    with op.batch_alter_table("repair_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_applications_status"))
        batch_op.drop_index(batch_op.f("ix_repair_applications_merchant_id"))
        batch_op.drop_index(batch_op.f("ix_repair_applications_entry_id"))
        batch_op.drop_index(batch_op.f("ix_repair_applications_district_code"))

    op.drop_table("repair_applications")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_user_id"))

    op.drop_table("notifications")
    with op.batch_alter_table("demonstration_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_demonstration_units_status"))
        batch_op.drop_index(batch_op.f("ix_demonstration_units_merchant_id"))
        batch_op.drop_index(batch_op.f("ix_demonstration_units_filed_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_demonstration_units_district_code"))

    op.drop_table("demonstration_units")
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objections_status"))
        batch_op.drop_index(batch_op.f("ix_objections_merchant_id"))
        batch_op.drop_index(batch_op.f("ix_objections_district_code"))

    op.drop_table("objections")
    with op.batch_alter_table("merchant_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merchant_replies_status"))
        batch_op.drop_index(batch_op.f("ix_merchant_replies_merchant_id"))
        batch_op.drop_index(batch_op.f("ix_merchant_replies_district_code"))

    op.drop_table("merchant_replies")
    with op.batch_alter_table("community_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_units_merchant_id"))
        batch_op.drop_index(batch_op.f("ix_community_units_community_id"))

    op.drop_table("community_units")
    with op.batch_alter_table("community_draw_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_draw_units_merchant_id"))
        batch_op.drop_index(batch_op.f("ix_community_draw_units_draw_id"))

    op.drop_table("community_draw_units")
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitments_merchant_id"))

    op.drop_table("commitments")
    with op.batch_alter_table("community_draws", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_draws_community_id"))

    op.drop_table("community_draws")
