"""scoring policy version 2: clip(100 − D + C − FS, 0, 100), one fault one deduction

Issue 20: version 1 clipped at 100 before taking the fair-scale points off and deducted a
failed lot and a SHORT_PREPACK finding about it twice. Version 2 settles both and carries
the fair-scale alert thresholds (scoring/policy.py). Version 1 stays, so snapshots made
under it still explain themselves.

A database without policies gets versions 1 and 2 as the app writes them on first use. A
database whose officers adopted versions of their own gets the next version: their
document in force with version 2's keys added, so none of their figures is lost. Every
merchant is then marked for rescoring (the outbox); the sweep and the nightly full
rescore score them under the new version.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 16:30:00

"""

import copy
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from scoring.policy import POLICY_V1, POLICY_V2

# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

# What version 2 adds to a version 1 document (a version's document never changes once
# written: the migration reads it from scoring/policy.py, its one copy).
V2_KEYS = ("arithmetic", "one_fault_one_deduction", "fair_scale_alert")
NOTE = "issue 20: clip(100 − D + C − FS, 0, 100); one fault, one deduction"

policies = sa.table(
    "scoring_policies",
    sa.column("version", sa.Integer()),
    sa.column("document", sa.JSON()),
    sa.column("note", sa.Text()),
    sa.column("created_by", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    conn = op.get_bind()
    now = datetime.now(UTC)
    latest = conn.execute(
        sa.select(policies.c.version, policies.c.document)
        .order_by(policies.c.version.desc())
        .limit(1)
    ).first()
    rows = []
    if latest is None:
        v1_note = "default policy of DESIGN.md §6"
        rows.append({"version": 1, "document": copy.deepcopy(POLICY_V1), "note": v1_note})
        rows.append({"version": 2, "document": copy.deepcopy(POLICY_V2), "note": NOTE})
    elif "arithmetic" not in latest.document:
        document = copy.deepcopy(latest.document)
        document.update({key: copy.deepcopy(POLICY_V2[key]) for key in V2_KEYS})
        document["version"] = latest.version + 1
        rows.append({"version": latest.version + 1, "document": document, "note": NOTE})
    if not rows:
        return
    op.bulk_insert(
        policies, [row | {"created_by": "migration 0028", "created_at": now} for row in rows]
    )
    conn.execute(
        sa.text(
            "INSERT INTO dirty_merchants (merchant_id, marked_at, reason) "
            "SELECT id, :now, 'policy' FROM merchants "
            "WHERE id NOT IN (SELECT merchant_id FROM dirty_merchants)"
        ).bindparams(sa.bindparam("now", now, type_=sa.DateTime(timezone=True)))
    )


def downgrade() -> None:
    # Snapshots name the version they were scored under, and a snapshot is never deleted:
    # the version stays. Version 1's arithmetic returns only by adopting a new version.
    pass
