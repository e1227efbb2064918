"""snapshot history: append-only; score tables without foreign keys; inputs hash on standings

A first city-wide rescore writes 200,000 snapshots and 200,000 standings. PostgreSQL
checked three foreign keys per merchant, each by locking the row it refers to: about
7 s of a 29 s rescore, more than anything but the readings pass itself. The keys go;
what they stood for is kept otherwise (creditsvc.models.score): merchants are never
deleted, a standing is copied from its snapshot row in the statement that moves it,
and from here on the database refuses to update or delete a snapshot.

A standing repeats its snapshot's inputs hash: a rescore learns what changed from the
standings alone, without looking up 200,000 snapshots (1.6 s of a daily roll).

The merchants' district index also carries their ids: every statement of a district's
rescore selects its merchants, and an index-only scan answers that in 2 ms, not 12.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 20:10:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

REFUSAL = "score snapshots are history: they are never updated or deleted"

POSTGRES_UP = f"""
CREATE FUNCTION refuse_snapshot_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSAL}';
END $$;
CREATE TRIGGER score_snapshots_append_only BEFORE UPDATE OR DELETE ON score_snapshots
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_snapshot_change();
"""
POSTGRES_DOWN = """
DROP TRIGGER score_snapshots_append_only ON score_snapshots;
DROP FUNCTION refuse_snapshot_change();
"""
SQLITE_UP = [
    f"""CREATE TRIGGER score_snapshots_no_{verb.lower()} BEFORE {verb} ON score_snapshots
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"""
    for verb in ("UPDATE", "DELETE")
]
SQLITE_DOWN = [f"DROP TRIGGER score_snapshots_no_{verb}" for verb in ("update", "delete")]


def upgrade():
    with op.batch_alter_table("current_scores", schema=None) as batch_op:
        batch_op.drop_constraint("fk_current_scores_merchant_id_merchants", type_="foreignkey")
        batch_op.drop_constraint(
            "fk_current_scores_snapshot_id_score_snapshots", type_="foreignkey"
        )
    with op.batch_alter_table("score_snapshots", schema=None) as batch_op:
        batch_op.drop_constraint("fk_score_snapshots_merchant_id_merchants", type_="foreignkey")
    with op.batch_alter_table("merchants", schema=None) as batch_op:
        batch_op.drop_index("ix_merchants_district_code")
        batch_op.create_index("ix_merchants_district_code", ["district_code", "id"])
    with op.batch_alter_table("current_scores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inputs_hash", sa.String(length=64), nullable=True))
    op.execute(
        "UPDATE current_scores SET inputs_hash = (SELECT s.inputs_hash FROM score_snapshots AS s"
        " WHERE s.id = current_scores.snapshot_id)"
    )
    with op.batch_alter_table("current_scores", schema=None) as batch_op:
        batch_op.alter_column("inputs_hash", existing_type=sa.String(length=64), nullable=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_UP)
    else:
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_DOWN)
    else:
        for statement in SQLITE_DOWN:
            op.execute(statement)
    with op.batch_alter_table("current_scores", schema=None) as batch_op:
        batch_op.drop_column("inputs_hash")
    with op.batch_alter_table("merchants", schema=None) as batch_op:
        batch_op.drop_index("ix_merchants_district_code")
        batch_op.create_index("ix_merchants_district_code", ["district_code"])
    with op.batch_alter_table("score_snapshots", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_score_snapshots_merchant_id_merchants", "merchants", ["merchant_id"], ["id"]
        )
    with op.batch_alter_table("current_scores", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_current_scores_merchant_id_merchants", "merchants", ["merchant_id"], ["id"]
        )
        batch_op.create_foreign_key(
            "fk_current_scores_snapshot_id_score_snapshots",
            "score_snapshots",
            ["snapshot_id"],
            ["id"],
        )
